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


def test_demo_figures_come_from_the_platforms_flows_on_a_2023_timeline(db, client):
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
    # The head-count targets are divided among the districts by the owner, in 2023, within the
    # targets; the share target and the quiz's are not.
    from yufang.core.models import AuditLog
    from yufang.targets.models import Target

    divided = Target.objects.filter(plan__year=2023, parts__isnull=False).distinct()
    assert set(divided.values_list("metric", flat=True)) == {"persons"} and divided.count() == 5
    for target in divided:
        assert 0 < sum(target.parts.values_list("quantity", flat=True)) <= target.threshold
    entries = AuditLog.objects.filter(event="parts_set")
    assert entries.count() == 5 and not entries.exclude(occurred_at__year=2023).exists()
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
    _publicity_reach_is_recorded(client)


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


# The carrier's totals of the six push rounds (sent, delivered, opened), as its reports' 合计 rows.
PUSH_TOTALS = {
    "10月16日": (236480, 228915, 61807),
    "10月30日": (296350, 284106, 71027),
    "11月13日": (215720, 207810, 54031),
    "11月27日": (178400, 174120, 62683),
    "12月11日": (254300, 241585, 55565),
    "12月15日": (148600, 141170, 45174),
}


def _publicity_reach_is_recorded(client):
    """Issue 16 (demo): the reach records made through the platform's services and jobs on the
    demo's clock. Pushes have audiences and delivery rows imported from the carrier's reports
    by the check job; the brochures reached every district, each handover with its receipt and
    confirmed by that district's staff but one (on its 待办); videos have cumulative readings on
    two or three platforms; the reused photo is the one publicity flag; the reports' publicity
    figures are the records' counts, written after the deliverables were accepted; and the
    plan's reach page draws its charts."""
    import datetime

    from django.db.models import Sum

    from yufang.core.files import sniff
    from yufang.core.models import Job
    from yufang.plans.models import Plan
    from yufang.projects.models import Project
    from yufang.publicity.models import (
        Deliverable,
        Distribution,
        MaterialStock,
        PushDelivery,
        ViewReading,
    )
    from yufang.publicity.todos import reach_todos
    from yufang.reference.models import Region
    from yufang.training.models import Flag

    year = (datetime.date(2023, 9, 1), datetime.date(2023, 12, 31))
    # Pushes: audience and the carrier's report, each round's rows adding up to its totals.
    pushes = Deliverable.objects.filter(kind__code="targeted_push")
    assert pushes.count() == 6
    for push in pushes:
        audience = push.push_audience
        chosen = {
            "industries": audience.industries,
            "districts": audience.districts,
            "enterprises": audience.enterprises,
        }
        assert chosen[audience.kind].exists() and audience.planned_reach > 0
        day = next(d for d in PUSH_TOTALS if d in push.title)
        rows = push.push_rows.aggregate(s=Sum("sent"), d=Sum("delivered"), o=Sum("opened"))
        assert (rows["s"], rows["d"], rows["o"]) == PUSH_TOTALS[day], push.title
        job = Job.objects.get(kind="publicity.push_report_check", params__deliverable_id=push.pk)
        assert job.status == "succeeded" and job.result["applied"] and job.created_at.year == 2023
        assert len(job.result["good"]) == push.push_rows.count() == push.push_rows.filter(job=job).count()
        # The carrier's 合计 row is reported by row and field, and not imported.
        assert [e["problems"][0]["field"] for e in job.result["errors"]] == ["日期"]
    assert set(pushes.values_list("push_audience__kind", flat=True)) == {"industries", "districts", "enterprises"}
    totals = PushDelivery.objects.aggregate(s=Sum("sent"), d=Sum("delivered"), o=Sum("opened"))
    assert (totals["s"], totals["d"], totals["o"]) == (1329850, 1277706, 350287)
    assert not PushDelivery.objects.exclude(sent_on__range=year).exists()
    # Printed materials: every run's stock; the brochures in every district, each handover with
    # its own receipt, confirmed by the district's staff except one.
    for stock in MaterialStock.objects.select_related("deliverable"):
        assert stock.ordered == stock.received == stock.deliverable.quantity
        handed = stock.deliverable.distributions.aggregate(n=Sum("quantity"))["n"] or 0
        assert stock.distributed == handed <= stock.received
    assert MaterialStock.objects.count() == 3
    districts = Region.objects.filter(city__code="370300", is_active=True)
    reached = set(Distribution.objects.values_list("region", flat=True))
    assert reached == set(districts.values_list("pk", flat=True))
    assert Distribution.objects.filter(enterprise__isnull=False).count() >= 3
    waiting = Distribution.objects.exclude(status="confirmed")
    assert waiting.count() == 1 and waiting.get().status == "recorded"
    unsigned = waiting.get().region
    assert Distribution.objects.filter(status="confirmed").count() == Distribution.objects.count() - 1
    for d in Distribution.objects.filter(status="confirmed").select_related("decided_by__organisation"):
        assert d.decided_by.organisation.region_id == d.region_id and d.decided_by.has_role("district_officer")
        assert d.distributed_on < d.decided_at.date() <= year[1]
    for d in Distribution.objects.all():
        with d.receipt.open("rb") as f:
            assert sniff(f)[0] == d.receipt_type in ("image", "pdf")
    assert len(set(Distribution.objects.values_list("receipt_sha256", flat=True))) == Distribution.objects.count()
    officer = User.objects.get(username="district")
    assert officer.organisation.region == unsigned
    assert [(t.title, t.count) for t in reach_todos(officer)] == [("宣传资料待确认签收", 1)]
    # Videos: cumulative readings on two or three platforms, over several dates.
    videos = Deliverable.objects.filter(kind__code="short_video")
    for video in videos:
        readings = list(video.view_readings.order_by("platform", "read_on"))
        platforms = {r.platform for r in readings}
        assert 2 <= len(platforms) <= 3 and len(readings) >= 3 * len(platforms)
        for platform in platforms:
            views = [r.views for r in readings if r.platform == platform]
            assert views == sorted(views) and views[-1] > views[0]
        assert all(video.delivered_on <= r.read_on <= year[1] for r in readings)
    assert ViewReading.objects.filter(deliverable__in=videos).count() > 100
    # The one publicity flag: the reused screenshot, raised when it was uploaded.
    flag = Flag.objects.get(source="publicity")
    assert flag.kind == "reused_file" and flag.get_source_display() == "宣传成果"
    assert flag.created_at.date() == datetime.date(2023, 12, 3)  # found when the file was uploaded
    # Reports: a publicity figure is the records' count, never typed above it, and each report
    # was written after the deliverables it counts were accepted.
    for project in Project.objects.filter(agreement__item__line__category="publicity"):
        for report in project.reports.exclude(submitted_at=None):
            counted = Deliverable.objects.filter(
                project=project, status="accepted", delivered_on__lte=report.period_end
            )
            assert not counted.filter(decided_at__gt=report.submitted_at).exists(), report
            for f in report.figures.exclude(platform_count=None):
                assert f.achieved == f.platform_count, (report, f.kind)
    completed = Project.objects.get(agreement__item__line__category="publicity", status="settled")
    figures = {f.kind: (f.platform_count, f.achieved) for f in completed.completion_report.figures.all()}
    assert figures["videos"] == (12, 12) and figures["broadcasts"] == (60, 60) and figures["events"] == (1, 1)
    # The reach page: the owner sees the charts' data, every series filled.
    client.force_login(User.objects.get(username="owner"))
    response = client.get(f"/publicity/plans/{Plan.objects.get(year=2023).pk}/reach/")
    assert response.status_code == 200
    chart = response.context["chart_data"]
    assert all(chart[k] for k in ("kinds", "districts", "industries", "views")), chart
    by_district = {row[0]: row for row in chart["districts"]}
    assert by_district[unsigned.name][3] == 0  # not confirmed: not counted as distributed
    assert by_district["淄川区"][3] == 1500
