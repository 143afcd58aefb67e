"""The bulk forms of the platform's flows (issue 11 item 4): recorded study credited by the
heartbeat's rule, a proctored exam session's papers scored on the server, certificates by the
year's rule; each checks its actor and audits in its own transaction."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yufang.core.models import AuditLog
from yufang.learning import services
from yufang.learning.models import (
    Certificate,
    CourseKind,
    Enrolment,
    LearningSession,
    LessonProgress,
    StudyInterval,
    Verdict,
)
from yufang.learning.selectors import progress_of
from yufang.targets.models import Completion, Target

from .factories import make_course


def noon(days_ago: int, seconds: int = 0) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))) + datetime.timedelta(seconds=seconds)


def record(enrolment, lesson, start, seconds, position, **kw):
    return services.StudyRecord(
        enrolment=enrolment,
        lesson=lesson,
        started_at=start,
        ended_at=start + datetime.timedelta(seconds=seconds),
        position=position,
        device_id="sync-1",
        **kw,
    )


@pytest.fixture
def long_lesson(world, setup):
    """A required 600-second lesson and a daily cap of 0.2 class hours (9 minutes, 540 s)."""
    course = make_course(world.owner, "long", [("video", "1", 600)], title="有限空间作业")
    services.curriculum_set(actor=world.owner, plan=setup.plan, course=course, kind=CourseKind.REQUIRED)
    services.study_rule_update(actor=world.owner, plan=setup.plan, data={"daily_cap_hours": Decimal("0.2")})
    return course.lessons.get()


def evidence(enrolment):
    return list(StudyInterval.objects.filter(enrolment=enrolment).order_by("pk"))


def test_bulk_credit_applies_the_daily_cap_and_nothing_beyond_the_lesson(world, setup, long_lesson):
    e = setup.enrolment
    summary = services.study_credit_many(
        actor=world.users["agency"],
        plan=setup.plan,
        records=[
            # Day one: 400 s credited, then the day's 540 s cap stops the second sitting at 140 s.
            record(e, long_lesson, noon(3), 400, 400),
            record(e, long_lesson, noon(3, 600), 300, 700),
            # Day two: the lesson has 600 s; the claim of 300 s more earns only the 60 s left.
            record(e, long_lesson, noon(2), 300, 600),
            # Done: a further sitting earns nothing.
            record(e, long_lesson, noon(2, 900), 120, 600),
        ],
    )
    rows = evidence(e)
    assert [(r.verdict, r.credited_ms) for r in rows] == [
        (Verdict.CREDITED, 400_000),
        (Verdict.DAILY_CAP, 140_000),
        (Verdict.CREDITED, 60_000),
        (Verdict.DONE, 0),
    ]
    assert summary.credited_ms == 600_000 and summary.lessons_completed == 1
    progress = LessonProgress.objects.get(enrolment=e, lesson=long_lesson)
    assert progress.credited_ms == 600_000 and progress.furthest_ms == 600_000
    assert progress.completed_at == noon(2, 300)
    e.refresh_from_db()
    assert e.credited_ms == sum(r.credited_ms for r in rows)
    assert (e.day, e.day_credited_ms) == (timezone.localdate(noon(2)), 60_000)
    # Every sitting is a closed session of the learner's account, its evidence at its own time.
    sessions = LearningSession.objects.filter(enrolment=e)
    assert sessions.count() == 4 and {s.user_id for s in sessions} == {world.users["trainee_a"].pk}
    assert not sessions.filter(ended_at__isnull=True).exists()
    entry = AuditLog.objects.get(event="study_credit", object_id=str(e.pk))
    assert entry.actor == world.users["agency"] and entry.changes["credited_ms"] == [0, 600_000]
    assert entry.extra == {"records": 4, "credited_ms": 600_000}


def test_bulk_credit_counts_what_the_heartbeat_already_credited_that_day(world, setup, long_lesson):
    e = setup.enrolment
    services.study_credit_many(
        actor=world.users["agency"], plan=setup.plan, records=[record(e, long_lesson, noon(1), 500, 500)]
    )
    # Another sync the same day: the cap has 40 s left; a sitting overlapping the first earns nothing.
    services.study_credit_many(
        actor=world.users["agency"],
        plan=setup.plan,
        records=[record(e, long_lesson, noon(1, 100), 60, 560), record(e, long_lesson, noon(1, 1000), 60, 560)],
    )
    rows = evidence(e)
    assert [(r.verdict, r.credited_ms) for r in rows] == [
        (Verdict.CREDITED, 500_000),
        (Verdict.TAKEN_OVER, 0),
        (Verdict.DAILY_CAP, 40_000),
    ]


def test_bulk_credit_seek_is_refused(world, setup, long_lesson):
    e = setup.enrolment
    services.study_credit_many(
        actor=world.users["agency"], plan=setup.plan, records=[record(e, long_lesson, noon(1), 60, 500)]
    )
    assert [(r.verdict, r.credited_ms) for r in evidence(e)] == [(Verdict.SEEK, 0)]
    assert Enrolment.objects.get(pk=e.pk).credited_ms == 0


def test_bulk_credit_refuses_another_organisations_learners(world, setup):
    lesson = setup.required.lessons.get()
    records = [record(setup.enrolment, lesson, noon(1), 70, 60)]
    with pytest.raises(PermissionDenied):
        services.study_credit_many(actor=world.users["provider_b"], plan=setup.plan, records=records)
    for who in ("enterprise_a", "trainee_a", "owner"):
        with pytest.raises(PermissionDenied):
            services.study_credit_many(actor=world.users[who], plan=setup.plan, records=records)
    assert not StudyInterval.objects.exists() and not LearningSession.objects.exists()
    assert not AuditLog.objects.filter(event="study_credit").exists()
    # The provider that enrolled the learner may.
    services.study_credit_many(actor=world.users["provider_a"], plan=setup.plan, records=records)
    assert LessonProgress.objects.get(enrolment=setup.enrolment, lesson=lesson).completed_at is not None


def test_bulk_credit_refuses_a_lesson_outside_the_curriculum(world, setup):
    other = make_course(world.owner, "other", [("video", "1", 60)]).lessons.get()
    good = record(setup.enrolment, setup.required.lessons.get(), noon(1), 70, 60)
    with pytest.raises(ValidationError, match="课程表中没有"):
        services.study_credit_many(
            actor=world.users["agency"],
            plan=setup.plan,
            records=[good, record(setup.enrolment, other, noon(1, 600), 70, 60)],
        )
    with pytest.raises(ValidationError, match="跨越零点"):
        services.study_credit_many(
            actor=world.users["agency"],
            plan=setup.plan,
            records=[record(setup.enrolment, setup.required.lessons.get(), noon(1, 11 * 3600 + 3500), 200, 60)],
        )
    assert not StudyInterval.objects.exists() and Enrolment.objects.get(pk=setup.enrolment.pk).credited_ms == 0


def test_bulk_credit_and_an_exam_session_certify_by_the_rule(world, setup):
    e, agency = setup.enrolment, world.users["agency"]
    services.study_credit_many(
        actor=agency,
        plan=setup.plan,
        records=[
            record(e, setup.required.lessons.get(), noon(2), 70, 60),
            record(e, setup.elective.lessons.get(), noon(2, 600), 40, 30),
        ],
    )
    assert progress_of(e).required_done == 1 and not Certificate.objects.exists()  # the exam is still due
    with pytest.raises(PermissionDenied):
        services.exam_start_many(actor=world.users["provider_b"], course=setup.elective, starts={e: noon(1)})
    [attempt] = services.exam_start_many(actor=agency, course=setup.elective, starts={e: noon(1)})
    wrong = {str(q): "B" for q in attempt.question_ids}
    [scored] = services.exam_submit_many(actor=agency, sheets=[(attempt, wrong, noon(1, 300))])
    assert (scored.score, scored.passed) == (0, False) and not Certificate.objects.exists()
    with pytest.raises(ValidationError, match="已交卷"):
        services.exam_submit_many(actor=agency, sheets=[(attempt, wrong, noon(1, 400))])
    [retake] = services.exam_start_many(actor=agency, course=setup.elective, starts={e: noon(1, 3600)})
    assert retake.number == 2
    # Handed in after the limit and its grace: scored as unanswered.
    right = {str(q): "A" for q in retake.question_ids}
    [late] = services.exam_submit_many(actor=agency, sheets=[(retake, right, noon(1, 3600 + 11 * 60 + 61))])
    assert (late.score, late.passed) == (0, False)
    with pytest.raises(ValidationError, match="机会已用完"):
        services.exam_start_many(actor=agency, course=setup.elective, starts={e: noon(0, -3600)})
    assert not Certificate.objects.exists()


def test_exam_session_pass_issues_the_certificate_and_counts_once(world, setup):
    e, agency = setup.enrolment, world.users["agency"]
    services.study_credit_many(
        actor=agency,
        plan=setup.plan,
        records=[
            record(e, setup.required.lessons.get(), noon(2), 70, 60),
            record(e, setup.elective.lessons.get(), noon(2, 600), 40, 30),
        ],
    )
    [attempt] = services.exam_start_many(actor=agency, course=setup.elective, starts={e: noon(1)})
    right = {str(q): "A" for q in attempt.question_ids}
    services.exam_submit_many(actor=agency, sheets=[(attempt, right, noon(1, 300))])
    certificate = Certificate.objects.get(enrolment=e)
    assert certificate.issued_on == timezone.localdate(noon(1)) and certificate.total_hours == 3
    assert Enrolment.objects.get(pk=e.pk).completed_on == certificate.issued_on
    completion = Completion.objects.get(person=e.person)
    assert (completion.mode, completion.completed_on, completion.source_repr) == (
        "online",
        certificate.issued_on,
        str(certificate),
    )
    assert completion.provider == e.provider and completion.hours == 3
    assert Target.objects.get(pk=setup.target.pk).achieved == 1
    assert AuditLog.objects.filter(event="rule_met", object_id=str(e.pk)).exists()
    assert AuditLog.objects.get(event="exam_submit", object_id=str(attempt.pk)).actor == agency
    # The single evaluation finds it done; the bulk one again writes nothing.
    assert services.enrolment_evaluate(enrolment_id=e.pk) == certificate
    assert services.enrolments_certify(days={e.pk: timezone.localdate()}) == []
    assert Completion.objects.count() == 1 and Target.objects.get(pk=setup.target.pk).achieved == 1
