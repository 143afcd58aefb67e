"""The heartbeat: the platform's hot path. One transaction, one locked read of everything the
decision needs, and at most three writes (the enrolment's live state, the lesson's progress, the
evidence row). Plain SQL through Django's connection, so it costs the same whether it is called
by the documented API endpoint or by the WSGI fast path (`fastpath.py`), and runs alike on
PostgreSQL and SQLite. Nothing is summed here: totals are kept as running counters, and the
evidence rows are what an audit re-adds."""

import datetime
import hmac
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.plans.models import Plan

from .crediting import Beat, State, judge
from .models import Enrolment, LearningSession, Lesson, LessonProgress, StudyInterval, StudyRule, Verdict


class BeatRefused(Exception):
    """The token names no session (or the wrong one): answered as 404 like any unknown record."""


@dataclass(frozen=True)
class BeatResult:
    verdict: str
    credited_ms: int
    lesson_credited_ms: int
    lesson_required_ms: int
    furthest_ms: int
    lesson_completed: bool
    just_completed: bool
    check: str | None
    taken_over: bool
    seek_to_ms: int | None
    day_left_ms: int
    enrolment_id: int

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "verdict_label": str(Verdict(self.verdict).label),
            "credited_ms": self.credited_ms,
            "lesson_credited_ms": self.lesson_credited_ms,
            "lesson_required_ms": self.lesson_required_ms,
            "furthest_ms": self.furthest_ms,
            "lesson_completed": self.lesson_completed,
            "check": self.check,
            "taken_over": self.taken_over,
            "seek_to_ms": self.seek_to_ms,
            "day_left_ms": self.day_left_ms,
        }


def parse_token(token: str) -> tuple[int, str]:
    session_id, _, nonce = (token or "").partition(".")
    if not session_id.isdigit() or len(nonce) != 32:
        raise BeatRefused
    return int(session_id), nonce


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _select_sql() -> str:
    lock = " FOR UPDATE OF e, p" if connection.features.has_select_for_update_of else ""
    return (
        "SELECT s.nonce, s.enrolment_id, s.lesson_id, s.ended_at IS NULL, u.is_active,"
        " e.active_session_id, e.last_beat_ms, e.last_position_ms, e.check_due_ms, e.check_pending,"
        " e.day, e.day_credited_ms, e.credited_ms,"
        " l.duration_seconds, p.id, p.credited_ms, p.furthest_ms, p.completed_at IS NOT NULL,"
        " r.beat_cap_seconds, r.daily_cap_hours, pl.class_hour_minutes"
        f" FROM {_t(LearningSession)} s"
        f" JOIN {_t(Enrolment)} e ON e.id = s.enrolment_id"
        f" JOIN {_t(User)} u ON u.id = s.user_id"
        f" JOIN {_t(Lesson)} l ON l.id = s.lesson_id"
        f" JOIN {_t(LessonProgress)} p ON p.enrolment_id = s.enrolment_id AND p.lesson_id = s.lesson_id"
        f" JOIN {_t(Plan)} pl ON pl.id = e.plan_id"
        f" JOIN {_t(StudyRule)} r ON r.plan_id = e.plan_id"
        f" WHERE s.id = %s{lock}"
    )


_SQL: dict[str, str] = {}


def _sql() -> dict[str, str]:
    """Built once per database vendor (table names come from the models)."""
    vendor = connection.vendor
    if vendor not in _SQL:
        _SQL[vendor] = {
            "select": _select_sql(),
            "enrolment": (
                f"UPDATE {_t(Enrolment)} SET last_beat_ms = %s, last_position_ms = %s,"
                " credited_ms = credited_ms + %s, day = %s, day_credited_ms = %s, check_pending = %s"
                " WHERE id = %s"
            ),
            "progress": (
                f"UPDATE {_t(LessonProgress)} SET credited_ms = credited_ms + %s, furthest_ms = %s,"
                " completed_at = COALESCE(completed_at, %s) WHERE id = %s"
            ),
            "evidence": (
                f"INSERT INTO {_t(StudyInterval)} (session_id, enrolment_id, lesson_id, at, seq, wall_ms,"
                " from_ms, to_ms, rate, credited_ms, verdict) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            ),
        }
    return _SQL[vendor]


def _new_check_nonce() -> str:
    return secrets.token_hex(8)


def beat(
    *,
    token: str,
    seq: int,
    position: float,
    rate: float,
    visible: bool,
    playing: bool,
    now: float | None = None,
) -> BeatResult:
    """Credits one heartbeat of the session the token names. `position` is in seconds, `now`
    (epoch seconds, the server's clock) only for tests and the demo."""
    session_id, nonce = parse_token(token)
    now_s = time.time() if now is None else now
    now_ms = int(now_s * 1000)
    at = datetime.datetime.fromtimestamp(now_s, tz=datetime.UTC)
    today = timezone.localdate(at).isoformat()
    sql = _sql()
    ops = connection.ops
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(sql["select"], [session_id])
            row = cur.fetchone()
            if row is None or not hmac.compare_digest(row[0], nonce):
                raise BeatRefused
            (
                _,
                enrolment_id,
                lesson_id,
                open_,
                user_active,
                active_session_id,
                last_beat_ms,
                last_position_ms,
                check_due_ms,
                check_pending,
                day,
                day_credited_ms,
                enrolment_credited_ms,
                duration_seconds,
                progress_id,
                lesson_credited_ms,
                furthest_ms,
                lesson_done,
                beat_cap_seconds,
                daily_cap_hours,
                class_hour_minutes,
            ) = row
            if not user_active:
                raise BeatRefused
            if day is None or str(day)[:10] != today:
                day_credited_ms = 0
            daily_cap_ms = int(Decimal(str(daily_cap_hours)) * class_hour_minutes * 60_000)
            state = State(
                active=bool(open_) and active_session_id == session_id,
                last_beat_ms=last_beat_ms,
                last_position_ms=last_position_ms,
                furthest_ms=furthest_ms,
                lesson_credited_ms=lesson_credited_ms,
                lesson_done=bool(lesson_done),
                duration_ms=duration_seconds * 1000,
                check_pending=bool(check_pending),
                cap_ms=beat_cap_seconds * 1000,
                day_left_ms=max(0, daily_cap_ms - day_credited_ms),
            )
            decision = judge(state, Beat(now_ms, int(position * 1000), rate, visible, playing))
            required_ms = Lesson.required_ms_for(duration_seconds)
            credited = decision.credited_ms
            just_completed = not lesson_done and lesson_credited_ms + credited >= required_ms
            check = check_pending or None
            if decision.accept:
                total = enrolment_credited_ms + credited
                if check is None and credited and total >= check_due_ms:
                    check = _new_check_nonce()
                cur.execute(
                    sql["enrolment"],
                    [
                        now_ms,
                        decision.position_ms,
                        credited,
                        ops.adapt_datefield_value(timezone.localdate(at)),
                        day_credited_ms + credited,
                        check or "",
                        enrolment_id,
                    ],
                )
                if credited or decision.furthest_ms != furthest_ms:
                    cur.execute(
                        sql["progress"],
                        [
                            credited,
                            decision.furthest_ms,
                            ops.adapt_datetimefield_value(at) if just_completed else None,
                            progress_id,
                        ],
                    )
            cur.execute(
                sql["evidence"],
                [
                    session_id,
                    enrolment_id,
                    lesson_id,
                    ops.adapt_datetimefield_value(at),
                    max(0, min(seq, 2**31 - 1)),
                    decision.wall_ms,
                    last_position_ms,
                    int(position * 1000),
                    float(rate),
                    credited,
                    decision.verdict,
                ],
            )
    if just_completed:
        from .services import enrolment_evaluate

        enrolment_evaluate(enrolment_id=enrolment_id, today=timezone.localdate(at))
    return BeatResult(
        verdict=decision.verdict,
        credited_ms=credited,
        lesson_credited_ms=lesson_credited_ms + credited,
        lesson_required_ms=required_ms,
        furthest_ms=decision.furthest_ms,
        lesson_completed=bool(lesson_done) or just_completed,
        just_completed=just_completed,
        check=check if decision.accept else None,
        taken_over=not decision.accept,
        seek_to_ms=decision.furthest_ms if decision.verdict == Verdict.SEEK else None,
        day_left_ms=max(0, state.day_left_ms - credited),
        enrolment_id=enrolment_id,
    )
