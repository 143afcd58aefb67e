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

import psycopg
from django.db import connection, transaction
from django.utils import timezone
from psycopg import pq as psycopg_pq

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
    beat_in = _BeatIn(session_id, nonce, seq, position, rate, visible, playing, now_s)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        result = _run_pipelined(beat_in)
    else:
        result = _run(beat_in)
    if result.just_completed:
        from .services import enrolment_evaluate

        at = datetime.datetime.fromtimestamp(now_s, tz=datetime.UTC)
        enrolment_evaluate(enrolment_id=result.enrolment_id, today=timezone.localdate(at))
    return result


@dataclass(frozen=True)
class _BeatIn:
    session_id: int
    nonce: str
    seq: int
    position: float
    rate: float
    visible: bool
    playing: bool
    now_s: float


def _run(b: "_BeatIn") -> BeatResult:
    """Through Django's transaction handling (SQLite, or inside a caller's transaction)."""
    sql = _sql()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql["select"], [b.session_id])
        writes, result = _decide(cur.fetchone(), b)
        for statement, params in writes:
            cur.execute(sql[statement], params)
    return result


def _run_pipelined(b: "_BeatIn") -> BeatResult:
    """PostgreSQL: the whole transaction in two round trips. BEGIN and the locking read go
    together; the writes and COMMIT are queued and sent at once (psycopg's pipeline mode).
    Statements are server-side prepared on the (persistent) connection: planning the locking
    join costs more than running it."""
    sql = _sql()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns server-side preparing off; its own cursors bind on the client and never
        # prepare, so allowing it here touches only this path's statements.
        raw.prepare_threshold = 5
    try:
        with raw.pipeline(), psycopg.Cursor(raw) as cur:
            cur.execute("BEGIN")
            cur.execute(sql["select"], [b.session_id], prepare=True)
            row = cur.fetchone()
            try:
                writes, result = _decide(row, b)
            except BeatRefused:
                cur.execute("ROLLBACK")
                raise
            for statement, params in writes:
                cur.execute(sql[statement], params, prepare=True)
            cur.execute("COMMIT")
    except BaseException:
        if raw.info.transaction_status != psycopg_pq.TransactionStatus.IDLE:
            raw.rollback()
        raise
    return result


def _decide(row, b: "_BeatIn") -> tuple[list[tuple[str, list]], BeatResult]:
    """The statements a beat writes, and what it answers."""
    if row is None or not hmac.compare_digest(row[0], b.nonce):
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
    ops = connection.ops
    now_ms = int(b.now_s * 1000)
    at = datetime.datetime.fromtimestamp(b.now_s, tz=datetime.UTC)
    today = timezone.localdate(at)
    if day is None or str(day)[:10] != today.isoformat():
        day_credited_ms = 0
    daily_cap_ms = int(Decimal(str(daily_cap_hours)) * class_hour_minutes * 60_000)
    state = State(
        active=bool(open_) and active_session_id == b.session_id,
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
    decision = judge(state, Beat(now_ms, int(b.position * 1000), b.rate, b.visible, b.playing))
    required_ms = Lesson.required_ms_for(duration_seconds)
    credited = decision.credited_ms
    just_completed = not lesson_done and lesson_credited_ms + credited >= required_ms
    check = check_pending or None
    writes: list[tuple[str, list]] = []
    if decision.accept:
        if check is None and credited and enrolment_credited_ms + credited >= check_due_ms:
            check = _new_check_nonce()
        writes.append(
            (
                "enrolment",
                [
                    now_ms,
                    decision.position_ms,
                    credited,
                    ops.adapt_datefield_value(today),
                    day_credited_ms + credited,
                    check or "",
                    enrolment_id,
                ],
            )
        )
        if credited or decision.furthest_ms != furthest_ms:
            writes.append(
                (
                    "progress",
                    [
                        credited,
                        decision.furthest_ms,
                        ops.adapt_datetimefield_value(at) if just_completed else None,
                        progress_id,
                    ],
                )
            )
    writes.append(
        (
            "evidence",
            [
                b.session_id,
                enrolment_id,
                lesson_id,
                ops.adapt_datetimefield_value(at),
                max(0, min(b.seq, 2**31 - 1)),
                decision.wall_ms,
                last_position_ms,
                int(b.position * 1000),
                float(b.rate),
                credited,
                decision.verdict,
            ],
        )
    )
    result = BeatResult(
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
    return writes, result
