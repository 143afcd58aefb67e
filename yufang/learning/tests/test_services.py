import time
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from yufang.core.tests.append_only import delete_paths
from yufang.learning import heartbeat, services
from yufang.learning.models import (
    Certificate,
    Enrolment,
    ExamAttempt,
    LessonProgress,
    Question,
    StudyInterval,
    StudyRule,
    Verdict,
)
from yufang.learning.selectors import progress_of
from yufang.plans.models import Plan
from yufang.targets.models import Completion, Target


def watch(token, *, start: float, seconds: int, step: int = 12, position0: float = 0.0, **kw):
    """Plays for `seconds` with a beat every `step` seconds, as an honest player would."""
    results = []
    for i in range(1, seconds // step + 1):
        results.append(
            heartbeat.beat(
                token=token,
                seq=i,
                position=position0 + i * step,
                rate=1.0,
                visible=kw.get("visible", True),
                playing=True,
                now=start + i * step,
            )
        )
    return results


def lesson_of(course):
    return course.lessons.get()


@pytest.fixture
def user(world):
    return world.users["trainee_a"]


def start(user, lesson, t, device="phone"):
    session, token = services.session_start(user=user, lesson=lesson, device_id=device, user_agent="UA")
    # Pin the session's clock to the test's clock.
    Enrolment.objects.filter(pk=session.enrolment_id).update(last_beat_ms=int(t * 1000), check_due_ms=10**12)
    return session, token


def test_a_trainee_meets_the_rule_once_and_the_target_moves_by_one(setup, user):
    t = time.time()
    _, token = start(user, lesson_of(setup.required), t)
    results = watch(token, start=t, seconds=60)
    assert sum(r.credited_ms for r in results) == 60_000
    assert results[-1].lesson_completed
    t += 100
    _, token = start(user, lesson_of(setup.elective), t)
    watch(token, start=t, seconds=36)  # a 30 s reading lesson; the last beat is clamped at its end
    progress = progress_of(setup.enrolment)
    assert progress.required_done == 1 and not progress.met  # the elective's exam is not yet passed
    attempt = services.exam_start(user=user, course=setup.elective)
    assert len(attempt.question_ids) == 4
    wrong = services.exam_submit(user=user, attempt=attempt, answers={str(q): "B" for q in attempt.question_ids})
    assert (wrong.score, wrong.passed) == (0, False)
    assert not Certificate.objects.exists()
    attempt = services.exam_start(user=user, course=setup.elective)
    right = services.exam_submit(user=user, attempt=attempt, answers={str(q): "A" for q in attempt.question_ids})
    assert (right.score, right.passed) == (100, True)
    certificate = Certificate.objects.get(enrolment=setup.enrolment)
    assert certificate.total_hours == 3 and certificate.id_masked.count("*") == 8
    completion = Completion.objects.get(person=setup.enrolment.person)
    assert completion.mode == "online" and completion.source_repr == str(certificate)
    assert Target.objects.get(pk=setup.target.pk).achieved == 1
    # Evaluating again writes nothing more.
    services.enrolment_evaluate(enrolment_id=setup.enrolment.pk)
    assert Completion.objects.count() == 1 and Target.objects.get(pk=setup.target.pk).achieved == 1


def test_no_more_attempts_than_allowed(setup, user):
    t = time.time()
    _, token = start(user, lesson_of(setup.elective), t)
    watch(token, start=t, seconds=36)
    for _ in range(2):
        attempt = services.exam_start(user=user, course=setup.elective)
        services.exam_submit(user=user, attempt=attempt, answers={})
    with pytest.raises(ValidationError, match="机会已用完"):
        services.exam_start(user=user, course=setup.elective)


def test_exam_needs_the_lessons_first(setup, user):
    with pytest.raises(ValidationError, match="请先学完"):
        services.exam_start(user=user, course=setup.elective)


def test_a_second_device_takes_over(setup, user):
    t = time.time()
    first, token1 = start(user, lesson_of(setup.required), t)
    watch(token1, start=t, seconds=24)
    _, token2 = start(user, lesson_of(setup.required), t + 24, device="pc")
    old = heartbeat.beat(token=token1, seq=3, position=36, rate=1, visible=True, playing=True, now=t + 36)
    assert old.taken_over and old.credited_ms == 0 and old.verdict == Verdict.TAKEN_OVER
    new = heartbeat.beat(token=token2, seq=1, position=36, rate=1, visible=True, playing=True, now=t + 36)
    assert new.credited_ms == 12_000
    first.refresh_from_db()
    assert first.end_reason == "taken_over"


def test_a_beat_that_loses_a_race_is_judged_again_on_the_new_state(setup, user, monkeypatch):
    """Between the beat's read and its write, another device takes over: the guarded write
    matches nothing, the beat is read again, and it is refused as taken over. Nothing is
    credited twice and the new session's clock is untouched."""
    t = time.time()
    _, token1 = start(user, lesson_of(setup.required), t)
    watch(token1, start=t, seconds=12)
    real_decide, raced = heartbeat._decide, []

    def decide_then_lose_the_race(row, b):
        decided = real_decide(row, b)
        if not raced:
            raced.append(start(user, lesson_of(setup.required), t + 20, device="pc"))
        return decided

    monkeypatch.setattr(heartbeat, "_decide", decide_then_lose_the_race)
    late = heartbeat.beat(token=token1, seq=2, position=24, rate=1, visible=True, playing=True, now=t + 24)
    assert late.taken_over and late.credited_ms == 0
    enrolment = Enrolment.objects.get(pk=setup.enrolment.pk)
    assert enrolment.credited_ms == 12_000
    assert enrolment.active_session_id == raced[0][0].pk and enrolment.last_beat_ms == int((t + 20) * 1000)
    assert list(StudyInterval.objects.order_by("pk").values_list("verdict", "credited_ms")) == [
        ("credited", 12_000),
        ("taken_over", 0),
    ]


def test_a_beat_whose_state_never_settles_writes_nothing(setup, user, monkeypatch):
    t = time.time()
    _, token = start(user, lesson_of(setup.required), t)
    real_decide = heartbeat._decide

    def decide_while_the_clock_moves(row, b):
        decided = real_decide(row, b)
        Enrolment.objects.filter(pk=setup.enrolment.pk).update(last_beat_ms=int(time.time() * 1e6))
        return decided

    monkeypatch.setattr(heartbeat, "_decide", decide_while_the_clock_moves)
    with pytest.raises(heartbeat.BeatBusy):
        heartbeat.beat(token=token, seq=1, position=12, rate=1, visible=True, playing=True, now=t + 12)
    assert not StudyInterval.objects.exists()
    assert Enrolment.objects.get(pk=setup.enrolment.pk).credited_ms == 0


def test_attention_check_stops_credit_until_answered(setup, user):
    t = time.time()
    _, token = start(user, lesson_of(setup.required), t)
    Enrolment.objects.filter(pk=setup.enrolment.pk).update(check_due_ms=10_000)
    first = heartbeat.beat(token=token, seq=1, position=12, rate=1, visible=True, playing=True, now=t + 12)
    assert first.credited_ms == 12_000 and first.check
    blocked = heartbeat.beat(token=token, seq=2, position=24, rate=1, visible=True, playing=True, now=t + 24)
    assert blocked.verdict == Verdict.CHECK and blocked.credited_ms == 0
    with pytest.raises(ValidationError):
        services.study_check_answer(token=token, answer="wrong", now=t + 30)
    services.study_check_answer(token=token, answer=first.check, now=t + 30)
    after = heartbeat.beat(token=token, seq=3, position=36, rate=1, visible=True, playing=True, now=t + 42)
    assert after.verdict == Verdict.CREDITED and after.credited_ms == 12_000


def test_daily_cap(setup, user):
    setup.plan.study_rule.daily_cap_hours = "0.1"  # 4.5 minutes at 45 minutes an hour
    setup.plan.study_rule.save()
    Enrolment.objects.filter(pk=setup.enrolment.pk).update(
        day_credited_ms=270_000 - 5_000, day=time.strftime("%Y-%m-%d")
    )
    t = time.time()
    _, token = start(user, lesson_of(setup.required), t)
    Enrolment.objects.filter(pk=setup.enrolment.pk).update(
        day_credited_ms=265_000, day=heartbeat.timezone.localdate().isoformat()
    )
    r = heartbeat.beat(token=token, seq=1, position=12, rate=1, visible=True, playing=True, now=t + 12)
    assert (r.verdict, r.credited_ms) == (Verdict.DAILY_CAP, 5_000)


def test_every_beat_leaves_evidence_that_adds_up(setup, user):
    t = time.time()
    _, token = start(user, lesson_of(setup.required), t)
    watch(token, start=t, seconds=24)
    heartbeat.beat(token=token, seq=3, position=50, rate=1, visible=True, playing=True, now=t + 30)  # a seek
    heartbeat.beat(token=token, seq=4, position=36, rate=1, visible=False, playing=True, now=t + 42)
    verdicts = list(StudyInterval.objects.order_by("pk").values_list("verdict", "credited_ms"))
    assert verdicts == [("credited", 12_000), ("credited", 12_000), ("seek", 0), ("hidden", 0)]
    enrolment = Enrolment.objects.get(pk=setup.enrolment.pk)
    assert enrolment.credited_ms == sum(c for _, c in verdicts) == 24_000


def test_evidence_cannot_be_rewritten(setup, user):
    t = time.time()
    _, token = start(user, lesson_of(setup.required), t)
    watch(token, start=t, seconds=12)
    row = StudyInterval.objects.get()
    with pytest.raises(PermissionError):
        StudyInterval.objects.update(credited_ms=99)
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("UPDATE learning_studyinterval SET credited_ms = 99")


@pytest.mark.parametrize("path", list(delete_paths(StudyInterval, 0)))
def test_the_database_refuses_to_delete_evidence_by_any_path(setup, user, path):
    t = time.time()
    _, token = start(user, lesson_of(setup.required), t)
    watch(token, start=t, seconds=12)
    row = StudyInterval.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        delete_paths(StudyInterval, row.pk)[path]()
    assert StudyInterval.objects.filter(pk=row.pk).exists()


def test_a_wrong_token_is_refused(setup, user):
    session, token = start(user, lesson_of(setup.required), time.time())
    with pytest.raises(heartbeat.BeatRefused):
        heartbeat.beat(token=f"{session.pk}.{'0' * 32}", seq=1, position=1, rate=1, visible=True, playing=True)


def test_lesson_outside_the_curriculum_is_refused(setup, world, user):
    from .factories import make_course

    other = make_course(world.owner, "other", [("text", "1", 30)])
    with pytest.raises(PermissionDenied):
        services.session_start(user=user, lesson=other.lessons.get())


def test_self_registration_one_account_per_person(setup, world):
    import datetime

    from yufang.reference.models import Position
    from yufang.targets.tests.factories import id_number

    number = id_number("370303", datetime.date(1990, 5, 6), 321)
    data = {
        "name": "王小明",
        "id_number": number,
        "phone": "13912345678",
        "credit_code": world.orgs["enterprise_a"].credit_code,
        "industry": None,
        "position": Position.objects.get(code="worker"),
        "password": "Study-hard-2023",
    }
    user = services.person_self_register(**data)
    assert user.has_role("trainee") and not hasattr(user, "person")  # bound only once confirmed
    registration = user.registration
    services.registration_transition(registration=registration, action="confirm", actor=world.users["enterprise_a"])
    user.refresh_from_db()
    assert user.person.enrolments.count() == 1
    # Registering again is answered alike; the enterprise then sees why it cannot confirm.
    again = services.person_self_register(**data)
    with pytest.raises(ValidationError, match="已有平台账号"):
        services.registration_transition(
            registration=again.registration, action="confirm", actor=world.users["enterprise_a"]
        )
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        services.person_self_register(
            **{**data, "id_number": id_number("370303", datetime.date(1991, 5, 6), 1), "credit_code": "X"}
        )


def test_question_ids_drawn_from_the_bank(setup, user):
    assert Question.objects.filter(category="通用").count() == 5
    assert not ExamAttempt.objects.exists()


# --- The year's study settings ---------------------------------------------------------------

SETTINGS = {"beat_cap_seconds": 20, "check_min_seconds": 300, "check_max_seconds": 900, "daily_cap_hours": D("8")}


def test_settings_are_checked_together_and_saved_with_their_audit_record(setup, world):
    from yufang.core.models import AuditLog

    with pytest.raises(ValidationError) as e:
        services.study_rule_update(
            actor=world.users["agency"], plan=setup.plan, data=SETTINGS | {"check_max_seconds": 200}
        )
    assert list(e.value.message_dict) == ["check_max_seconds"]
    rule, job = services.study_rule_update(
        actor=world.users["agency"], plan=setup.plan, data=SETTINGS | {"beat_cap_seconds": 30}
    )
    assert job is None and StudyRule.objects.get(pk=rule.pk).beat_cap_seconds == 30
    entry = AuditLog.objects.for_object(rule).get(action="update")
    assert entry.changes == {"beat_cap_seconds": [20, 30]} and entry.actor == world.users["agency"]
    with pytest.raises(PermissionDenied):
        services.study_rule_update(actor=world.users["provider_a"], plan=setup.plan, data=SETTINGS)


def test_elective_hours_change_only_under_the_plans_own_rule(setup, world):
    from yufang.plans.services import plan_transition

    with pytest.raises(PermissionDenied, match="已印发"):
        services.study_rule_update(
            actor=world.owner, plan=setup.plan, data=SETTINGS | {"online_elective_hours": D("1")}
        )
    plan_transition(plan=setup.plan, action="withdraw", actor=world.owner, note="调整")
    with pytest.raises(PermissionDenied, match="市人社局"):
        services.study_rule_update(
            actor=world.users["agency"], plan=setup.plan, data=SETTINGS | {"online_elective_hours": D("1")}
        )
    assert Plan.objects.get(pk=setup.plan.pk).online_elective_hours == D("2")
    # Raising the bar certifies no one new: nothing to re-evaluate.
    _, job = services.study_rule_update(
        actor=world.owner, plan=setup.plan, data=SETTINGS | {"online_elective_hours": D("3")}
    )
    assert job is None and Plan.objects.get(pk=setup.plan.pk).online_elective_hours == D("3")


def test_reevaluation_certifies_only_those_who_now_meet_the_rule(setup, world, user):
    from django.utils import timezone

    required = lesson_of(setup.required)
    LessonProgress.objects.create(enrolment=setup.enrolment, lesson=required, completed_at=timezone.now())
    assert services.enrolments_evaluate(plan=setup.plan) == 0
    Plan.objects.filter(pk=setup.plan.pk).update(online_elective_hours=D("0"))
    setup.plan.refresh_from_db()
    assert services.enrolments_evaluate(plan=setup.plan) == 1
    assert Certificate.objects.filter(enrolment=setup.enrolment).count() == 1
    assert Completion.objects.filter(person=setup.enrolment.person).count() == 1
    # Once certified, a learner is not evaluated again.
    assert services.enrolments_evaluate(plan=setup.plan) == 0
