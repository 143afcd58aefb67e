"""The heartbeat: the platform's hot path. A plain read of everything the decision needs, then
one write that applies the decision only if the enrolment's live state is still what was read
(compare-and-set; on a lost race the beat is read and judged again). On PostgreSQL the write is
a single statement (the enrolment's live state, the lesson's progress and the evidence row, as
data-modifying CTEs), so a beat costs two round trips, no explicit transaction and no lock held
while Python decides. Nothing is summed here: totals are kept as running counters, and the
evidence rows are what an audit re-adds. Plain SQL through Django's connection, so it costs the
same whether it is called by the documented API endpoint or by the WSGI fast path
(`fastpath.py`)."""

import datetime
import hmac
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from yufang.accounts.models import User
from yufang.core.hotsql import VendorSQL, prepared_connection
from yufang.core.hotsql import table as _t
from yufang.plans.models import Plan

from .certification import enrolment_evaluate
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
            "verdict_label": verdict_label(self.verdict),
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
    # ASCII digits only (int() refuses "²"), and few enough to fit the bigint key: anything else
    # is no session, not a database error.
    if not (session_id.isascii() and session_id.isdigit()) or len(session_id) > 18 or len(nonce) != 32:
        raise BeatRefused
    return int(session_id), nonce


class BeatBusy(Exception):
    """The enrolment's live state kept changing under the beat (another device taking over,
    again and again): nothing was written; the player retries with its next beat."""


# A lost compare-and-set is re-read and re-judged; only a storm of takeovers exhausts this.
CAS_ATTEMPTS = 4


# The enrolment's live state a decision depends on; a write applies only if it is unchanged.
_GUARD = (
    "active_session_id = %s AND last_beat_ms IS NOT DISTINCT FROM %s AND last_position_ms = %s"
    " AND check_pending = %s AND day IS NOT DISTINCT FROM %s AND day_credited_ms = %s"
)
_EVIDENCE_COLUMNS = "session_id, enrolment_id, lesson_id, at, seq, wall_ms, from_ms, to_ms, rate, credited_ms, verdict"


def _build_sql(vendor: str) -> dict[str, str]:
    e, p, iv = _t(Enrolment), _t(LessonProgress), _t(StudyInterval)
    sql = {
        "select": (
            "SELECT s.nonce, s.enrolment_id, s.lesson_id, s.ended_at IS NULL, u.is_active,"
            " e.active_session_id, e.last_beat_ms, e.last_position_ms, e.check_due_ms, e.check_pending,"
            " e.day, e.day_credited_ms, e.credited_ms,"
            " l.duration_seconds, p.id, p.credited_ms, p.furthest_ms, p.completed_at IS NOT NULL,"
            " r.beat_cap_seconds, r.daily_cap_hours, pl.class_hour_minutes"
            f" FROM {_t(LearningSession)} s"
            f" JOIN {e} e ON e.id = s.enrolment_id"
            f" JOIN {_t(User)} u ON u.id = s.user_id"
            f" JOIN {_t(Lesson)} l ON l.id = s.lesson_id"
            f" JOIN {p} p ON p.enrolment_id = s.enrolment_id AND p.lesson_id = s.lesson_id"
            f" JOIN {_t(Plan)} pl ON pl.id = e.plan_id"
            f" JOIN {_t(StudyRule)} r ON r.plan_id = e.plan_id"
            " WHERE s.id = %s"
        ),
        "enrolment": (
            f"UPDATE {e} SET last_beat_ms = %s, last_position_ms = %s, credited_ms = credited_ms + %s,"
            f" day = %s, day_credited_ms = %s, check_pending = %s WHERE id = %s AND {_GUARD}"
        ),
        "progress": (
            f"UPDATE {p} SET credited_ms = credited_ms + %s, furthest_ms = %s,"
            " completed_at = COALESCE(completed_at, %s) WHERE id = %s"
        ),
        "evidence": f"INSERT INTO {iv} ({_EVIDENCE_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
    }
    if vendor == "postgresql":
        # The three writes as one statement: the progress and the evidence follow the
        # enrolment's guarded update only if it matched (one implicit transaction, one commit).
        sql["accepted"] = (
            f"WITH e AS ({sql['enrolment']} RETURNING id),"
            f" p AS ({sql['progress']} AND %s AND EXISTS (SELECT 1 FROM e))"
            # The evidence's values stand in a SELECT list, where only a cast gives them a type.
            f" INSERT INTO {iv} ({_EVIDENCE_COLUMNS})"
            " SELECT %s::bigint, e.id, %s::bigint, %s::timestamptz, %s::integer, %s::bigint, %s::bigint,"
            " %s::bigint, %s::double precision, %s::bigint, %s::varchar FROM e RETURNING 1"
        )
    return sql


_sql = VendorSQL(_build_sql)


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
    run = _run_postgresql if connection.vendor == "postgresql" else _run_atomic
    for _ in range(CAS_ATTEMPTS):
        result = run(beat_in)
        if result is not None:
            break
    else:
        raise BeatBusy
    if result.just_completed:
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


@dataclass(frozen=True)
class _Writes:
    enrolment: list | None  # SET values, then the guard's expected values; None for a refused beat
    progress: list | None  # None when nothing about the lesson changed
    evidence: list


def _run_atomic(b: "_BeatIn") -> BeatResult | None:
    """Any database, through Django's cursor and transaction: the guarded enrolment update first;
    if it matched nothing the state moved since it was read, and nothing is written."""
    sql = _sql()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql["select"], [b.session_id])
        writes, result = _decide(cur.fetchone(), b)
        if writes.enrolment is not None:
            cur.execute(sql["enrolment"], writes.enrolment)
            if cur.rowcount != 1:
                return None
        if writes.progress is not None:
            cur.execute(sql["progress"], writes.progress)
        cur.execute(sql["evidence"], writes.evidence)
    return result


def _run_postgresql(b: "_BeatIn") -> BeatResult | None:
    """PostgreSQL: two round trips, both server-side prepared on the (persistent) connection:
    planning the join costs more than running it. Outside a caller's transaction each statement
    is its own, so no lock is held between them."""
    sql = _sql()
    with psycopg.Cursor(prepared_connection()) as cur:
        cur.execute(sql["select"], [b.session_id], prepare=True)
        writes, result = _decide(cur.fetchone(), b)
        if writes.enrolment is None:
            cur.execute(sql["evidence"], writes.evidence, prepare=True)
            return result
        session, _, lesson, *evidence = writes.evidence  # the enrolment id comes from the guarded update
        cur.execute(
            sql["accepted"],
            [
                *writes.enrolment,
                *(writes.progress or [0, 0, None, 0]),
                writes.progress is not None,
                session,
                lesson,
                *evidence,
            ],
            prepare=True,
        )
        return result if cur.fetchone() is not None else None


_LABELS: dict[str, str] = {}


def verdict_label(verdict: str) -> str:
    if verdict not in _LABELS:
        _LABELS[verdict] = str(Verdict(verdict).label)
    return _LABELS[verdict]


class _Row(NamedTuple):
    """What `_sql()["select"]` reads, in its column order."""

    nonce: str
    enrolment_id: int
    lesson_id: int
    open_: bool
    user_active: bool
    active_session_id: int | None
    last_beat_ms: int | None
    last_position_ms: int
    check_due_ms: int
    check_pending: str
    day: object
    day_credited_ms: int
    enrolment_credited_ms: int
    duration_seconds: int
    progress_id: int
    lesson_credited_ms: int
    furthest_ms: int
    lesson_done: bool
    beat_cap_seconds: int
    daily_cap_hours: object
    class_hour_minutes: int


def _decide(row, b: "_BeatIn") -> tuple[_Writes, BeatResult]:
    """What a beat writes, and what it answers."""
    if row is None or not hmac.compare_digest(row[0], b.nonce):
        raise BeatRefused
    r = _Row._make(row)
    if not r.user_active:
        raise BeatRefused
    ops = connection.ops
    at = datetime.datetime.fromtimestamp(b.now_s, tz=datetime.UTC)
    today = timezone.localdate(at)
    day_left = r.day_credited_ms if r.day is not None and str(r.day)[:10] == today.isoformat() else 0
    state = _state(r, b, day_left)
    decision = judge(state, Beat(int(b.now_s * 1000), int(b.position * 1000), b.rate, b.visible, b.playing))
    required_ms = Lesson.required_ms_for(r.duration_seconds)
    credited = decision.credited_ms
    just_completed = not r.lesson_done and r.lesson_credited_ms + credited >= required_ms
    check = r.check_pending or None
    enrolment = progress = None
    if decision.accept:
        if check is None and credited and r.enrolment_credited_ms + credited >= r.check_due_ms:
            check = _new_check_nonce()
        enrolment = _enrolment_write(r, b, decision, ops.adapt_datefield_value(today), day_left, check)
        if credited or decision.furthest_ms != r.furthest_ms:
            progress = _progress_write(r, decision, ops.adapt_datetimefield_value(at) if just_completed else None)
    result = BeatResult(
        verdict=decision.verdict,
        credited_ms=credited,
        lesson_credited_ms=r.lesson_credited_ms + credited,
        lesson_required_ms=required_ms,
        furthest_ms=decision.furthest_ms,
        lesson_completed=bool(r.lesson_done) or just_completed,
        just_completed=just_completed,
        check=check if decision.accept else None,
        taken_over=not decision.accept,
        seek_to_ms=decision.furthest_ms if decision.verdict == Verdict.SEEK else None,
        day_left_ms=max(0, state.day_left_ms - credited),
        enrolment_id=r.enrolment_id,
    )
    return _Writes(enrolment, progress, _evidence(r, b, decision, ops.adapt_datetimefield_value(at))), result


def _state(r: _Row, b: "_BeatIn", day_left: int) -> State:
    """The crediting rules' view of the enrolment and the lesson as read."""
    daily_cap_ms = int(Decimal(str(r.daily_cap_hours)) * r.class_hour_minutes * 60_000)
    return State(
        active=bool(r.open_) and r.active_session_id == b.session_id,
        last_beat_ms=r.last_beat_ms,
        last_position_ms=r.last_position_ms,
        furthest_ms=r.furthest_ms,
        lesson_credited_ms=r.lesson_credited_ms,
        lesson_done=bool(r.lesson_done),
        duration_ms=r.duration_seconds * 1000,
        check_pending=bool(r.check_pending),
        cap_ms=r.beat_cap_seconds * 1000,
        day_left_ms=max(0, daily_cap_ms - day_left),
    )


def _enrolment_write(r: _Row, b: "_BeatIn", decision, today, day_left: int, check: str | None) -> list:
    """The enrolment update's SET values, then the guard: the state this decision was made on.
    `today` comes adapted for the database, as `at` does in the helpers below."""
    credited = decision.credited_ms
    return [
        int(b.now_s * 1000),
        decision.position_ms,
        credited,
        today,
        day_left + credited,
        check or "",
        r.enrolment_id,
        r.active_session_id,
        r.last_beat_ms,
        r.last_position_ms,
        r.check_pending,
        r.day,
        r.day_credited_ms,
    ]


def _progress_write(r: _Row, decision, completed_at) -> list:
    """The lesson progress update's values (`completed_at` is set only the first time)."""
    return [
        decision.credited_ms,
        decision.furthest_ms,
        completed_at,
        r.progress_id,
    ]


def _evidence(r: _Row, b: "_BeatIn", decision, at) -> list:
    """The evidence row (StudyInterval) every beat leaves, accepted or not."""
    return [
        b.session_id,
        r.enrolment_id,
        r.lesson_id,
        at,
        max(0, min(b.seq, 2**31 - 1)),
        decision.wall_ms,
        r.last_position_ms,
        int(b.position * 1000),
        float(b.rate),
        decision.credited_ms,
        decision.verdict,
    ]
