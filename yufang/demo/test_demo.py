from django.core.management import call_command

from yufang.accounts.models import Organisation, User
from yufang.core.models import AuditLog


def test_demo_loads_every_role_and_is_idempotent(db):
    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    counts = (Organisation.objects.count(), User.objects.count(), AuditLog.objects.count())
    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    assert (Organisation.objects.count(), User.objects.count(), AuditLog.objects.count()) == counts
    assert Organisation.objects.filter(kind="district").count() == 11
    # The five 2023 providers (three for publicity, two for training), one debarred in an earlier
    # year, and the projects demo's online provider that fails acceptance.
    assert Organisation.objects.filter(kind="provider").count() == 7
    assert Organisation.objects.filter(kind="enterprise").count() >= 12
    for username in ("owner", "agency", "health", "district", "provider", "enterprise", "trainee"):
        assert User.objects.get(username=username).check_password("yufang-demo")


def test_demo_figures_come_from_the_platforms_flows_on_a_2023_timeline(db):
    """Issue 11: the demo's completions come from sessions and from online enrolments with
    credited study and certificates, with only the labelled historic imports beside them; its decisions, payments, exclusion and audit rows
    are dated in its own year; and figures_recount finds no difference."""
    import datetime

    from django.db.models import Count

    from yufang.core.models import Job
    from yufang.learning.models import Certificate, Enrolment, ExamAttempt, StudyInterval
    from yufang.projects.models import Acceptance, Payment
    from yufang.providers.models import Debarment
    from yufang.targets.figures import figures_recount
    from yufang.targets.models import Completion, LegacyBatch

    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    by_source = dict(Completion.objects.values_list("source_type__model").annotate(n=Count("pk")))
    assert by_source["trainingsession"] > by_source["legacybatch"] > 0
    assert by_source.get("certificate", 0) > 0
    assert set(by_source) == {"trainingsession", "legacybatch", "certificate"}
    assert not Completion.objects.filter(historic=True, project__isnull=False).exists()
    assert not Completion.objects.filter(historic=False, source_type__model="legacybatch").exists()
    assert all(b.source_document and b.rows and b.file for b in LegacyBatch.objects.all())
    assert Completion.objects.filter(source_type__model="trainingsession", project__isnull=True).count() == 0
    # Online: September to December from the platform's own enrolment lists (the apply job),
    # study credited with its evidence, exams scored on the server and certificates by the rule;
    # only January to August from the labelled import.
    online = Completion.objects.filter(mode="online", year=2023)
    platform = online.filter(historic=False, source_type__model="certificate")
    assert platform.count() > 40 and online.filter(historic=True).count() > 0
    assert platform.count() == online.filter(historic=False).count()
    certified = Enrolment.objects.filter(certificate__isnull=False, plan__year=2023)
    assert certified.count() == platform.count()
    assert not certified.filter(credited_ms=0).exists()
    assert not certified.exclude(intervals__credited_ms__gt=0).exists()
    assert not Certificate.objects.exclude(
        issued_on__range=(datetime.date(2023, 9, 1), datetime.date(2023, 12, 31))
    ).exists()
    applied = Job.objects.filter(kind="learning.roster_apply", status="succeeded")
    assert sum(j.result["enrolled"] for j in applied) > 40
    assert certified.filter(channel="roster", provider__isnull=True).count() > 40
    assert ExamAttempt.objects.filter(passed=True).count() >= certified.count()
    assert not StudyInterval.objects.exclude(at__year=2023).exists()
    assert not ExamAttempt.objects.exclude(submitted_at__year=2023).exclude(submitted_at=None).exists()
    for acceptance in Acceptance.objects.exclude(decided_on=None):
        assert acceptance.convened_on <= acceptance.decided_on <= datetime.date(2023, 12, 31)
        balance = Payment.objects.filter(project=acceptance.project, kind="balance").first()
        if balance is not None:
            assert acceptance.decided_on <= balance.paid_on <= datetime.date(2023, 12, 31)
    failed = Acceptance.objects.get(result="fail")
    assert Debarment.objects.get(provider=failed.project.provider).start_date == failed.decided_on
    # Only the statistics of 2023 and 2024 are later: imported when each year closed (March 2024
    # and March 2025), for the prevention-effect page's before and after.
    later = AuditLog.objects.filter(occurred_at__year__gt=2023)
    assert set(later.values_list("content_type__model", flat=True)) == {"injurystatistic", "job"}
    assert not later.filter(occurred_at__year__gt=2025).exists()
    assert figures_recount() == []
    _publicity_line_is_recorded()


def _publicity_line_is_recorded():
    """Issue 16: every publicity item of 2023 is under an agreement; planned against delivered
    per kind comes from the recorded deliverables; the statuses mix accepted, returned with a
    note and submitted; the evidence files are what they claim (photos with a 2023 EXIF time);
    one photo is used twice and marked."""
    import datetime
    import io

    from PIL import Image

    from yufang.core.files import sniff
    from yufang.plans.models import BudgetItem, Plan
    from yufang.providers.models import ServiceAgreement
    from yufang.publicity.models import Deliverable, Evidence
    from yufang.publicity.selectors import planned_list, totals_by_kind

    plan = Plan.objects.get(year=2023)
    items = BudgetItem.objects.filter(line__plan=plan, line__category="publicity")
    assert sum(i.amount for i in items) == 500000
    for item in items:
        agreement = ServiceAgreement.objects.get(item=item)
        assert agreement.price <= item.amount and agreement.indicators.exists()
    owner = User.objects.get(username="owner")
    totals = {
        t.kind.code: (t.planned, t.delivered, t.pending) for t in totals_by_kind(planned_list(user=owner, plan=plan))
    }
    assert totals == {
        "broadcast": (12, 8, 2),
        "short_video": (12, 12, 0),
        "targeted_push": (60, 60, 0),
        "printed_material": (25000, 20000, 5000),
        "event": (1, 1, 0),
    }
    returned = Deliverable.objects.get(status="returned")
    assert returned.kind.code == "broadcast" and "同一文件" in returned.review_note
    assert Deliverable.objects.filter(status="submitted").count() == 3
    assert Deliverable.objects.get(title__contains="启动仪式").status == "accepted"
    assert {
        t for t in Deliverable.objects.filter(kind__code="short_video").values_list("details__topic", flat=True)
    } == {
        "政策",
        "知识",
        "事故案例",
    }
    reused = Evidence.objects.get(reused_from__isnull=False)
    assert reused.deliverable == returned and reused.sha256 == reused.reused_from.sha256
    assert reused.reused_from.deliverable.status == "accepted"
    for evidence in Evidence.objects.all():
        with evidence.file.open("rb") as f:
            assert sniff(f)[0] == evidence.file_type
            content = f.read()
        if evidence.file_type == "image":
            taken = Image.open(io.BytesIO(content)).getexif().get_ifd(0x8769)[0x9003]
            assert taken.startswith("2023:")
    assert {"image", "video", "pdf"} == set(Evidence.objects.values_list("file_type", flat=True))
    # Recorded on the demo's clock: its own times read 2023 as its audit trail does.
    end = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    assert not Deliverable.objects.filter(submitted_at__gte=end).exists()
    assert not Deliverable.objects.filter(decided_at__gte=end).exists()
    assert not Evidence.objects.filter(uploaded_at__gte=end).exists()


def test_demo_supervision_shows_every_part_of_issue_18(db):
    """Inspections in more than one district, an unannounced session visit, open and closed
    findings, a deduction that came from a finding, and a call-back whose non-attendee's
    completion was revoked, with every figure still equal to the recount."""
    from yufang.supervision.models import CallbackEntry, CallOutcome, Finding, Inspection
    from yufang.targets.figures import figures_recount

    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    inspections = Inspection.objects.all()
    assert inspections.values("region").distinct().count() >= 2
    assert inspections.filter(mode="unannounced", subject_kind="session", status="done").exists()
    assert Finding.objects.filter(status="closed").exists() and Finding.objects.exclude(status="closed").exists()
    assert Finding.objects.filter(deduction__isnull=False).exists()
    assert Finding.objects.filter(status="closed", on_time=True, answer_file__gt="").exists()
    absent = CallbackEntry.objects.get(outcome=CallOutcome.ABSENT)
    assert absent.flag is not None and absent.completion.revoked_at is not None
    assert absent.completion.revocation.basis_repr == str(absent)
    assert figures_recount() == []
