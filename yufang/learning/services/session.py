"""The player session: opening it and the rare events the heartbeat implies (a lesson done)."""

import datetime
import random
import secrets
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..devices import device_key
from ..heartbeat import BeatRefused, parse_token
from ..models import Enrolment, LearningSession, Lesson, LessonProgress, SessionEnd, StudyInterval, StudyRule, Verdict
from ..selectors import curriculum_for, enrolment_of
from .catalogue import study_rule_for


@transaction.atomic
def session_start(
    *, user, lesson: Lesson, device_id: str = "", user_agent: str = "", client_ip: str | None = None, now=None
) -> tuple[LearningSession, str]:
    """Opens the player on a lesson of the user's curriculum. Any other open session of the
    same person is taken over and stops earning. Returns (session, token)."""
    enrolment = enrolment_of(user)
    if enrolment is None:
        raise PermissionDenied("您尚未报名本年度线上培训。")
    kinds = curriculum_for(
        plan=enrolment.plan, industry_id=enrolment.person.industry_id, position_id=enrolment.person.position_id
    )
    if lesson.course_id not in kinds:
        raise PermissionDenied("该课程不在您的课程表中。")
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    rule = study_rule_for(plan=enrolment.plan)
    moment = now or timezone.now()
    LearningSession.objects.filter(enrolment=enrolment, ended_at__isnull=True).update(
        ended_at=moment, end_reason=SessionEnd.TAKEN_OVER
    )
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    nonce = secrets.token_hex(16)
    session = LearningSession.objects.create(
        enrolment=enrolment,
        lesson=lesson,
        user=user,
        nonce=nonce,
        device=device_key(device_id, user_agent),
        user_agent=user_agent[:300],
        client_ip=client_ip,
        started_at=moment,
    )
    enrolment.active_session = session
    enrolment.last_beat_ms = int(moment.timestamp() * 1000)
    enrolment.last_position_ms = progress.furthest_ms
    if enrolment.check_due_ms <= enrolment.credited_ms:
        enrolment.check_due_ms = enrolment.credited_ms + _check_gap_ms(rule)
    enrolment.save(update_fields=["active_session", "last_beat_ms", "last_position_ms", "check_due_ms", "updated_at"])
    return session, f"{session.pk}.{nonce}"


def _check_gap_ms(rule: StudyRule) -> int:
    return random.randint(rule.check_min_seconds, rule.check_max_seconds) * 1000  # noqa: S311 - not security


@transaction.atomic
def study_check_answer(*, token: str, answer: str, now: float | None = None) -> bool:
    """The learner tapped "continue" on an attention check. The time spent on the check is not
    credited: the session's clock restarts now."""
    session_id, nonce = parse_token(token)
    session = LearningSession.objects.select_related("enrolment").filter(pk=session_id).first()
    if session is None or not secrets.compare_digest(session.nonce, nonce):
        raise BeatRefused
    enrolment = Enrolment.objects.select_for_update().get(pk=session.enrolment_id)
    if enrolment.active_session_id != session.pk or session.ended_at is not None:
        raise ValidationError("该学习会话已被其他设备或页面接管。")
    if not enrolment.check_pending or not secrets.compare_digest(enrolment.check_pending, answer or ""):
        raise ValidationError("验证已失效，请按页面提示重新作答。")
    now_s = time.time() if now is None else now
    rule = study_rule_for(plan=enrolment.plan)
    enrolment.check_pending = ""
    enrolment.check_due_ms = enrolment.credited_ms + _check_gap_ms(rule)
    enrolment.last_beat_ms = int(now_s * 1000)
    enrolment.save(update_fields=["check_pending", "check_due_ms", "last_beat_ms", "updated_at"])
    StudyInterval.objects.create(
        session=session,
        enrolment=enrolment,
        lesson_id=session.lesson_id,
        at=datetime.datetime.fromtimestamp(now_s, tz=datetime.UTC),
        wall_ms=0,
        from_ms=enrolment.last_position_ms,
        to_ms=enrolment.last_position_ms,
        rate=1.0,
        credited_ms=0,
        verdict=Verdict.CHECK_ANSWERED,
    )
    return True
