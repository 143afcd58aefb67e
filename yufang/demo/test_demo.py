from django.core.management import call_command

from yufang.accounts.models import Organisation, User
from yufang.core.models import AuditLog


def test_demo_loads_every_role_and_is_idempotent(db):
    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    counts = (Organisation.objects.count(), User.objects.count(), AuditLog.objects.count())
    call_command("load_demo", scale=0.02, stdout=open("/dev/null", "w"))
    assert (Organisation.objects.count(), User.objects.count(), AuditLog.objects.count()) == counts
    assert Organisation.objects.filter(kind="district").count() == 11
    # The three 2023 providers, one debarred in an earlier year, and the projects demo's online
    # provider that fails acceptance.
    assert Organisation.objects.filter(kind="provider").count() == 5
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
