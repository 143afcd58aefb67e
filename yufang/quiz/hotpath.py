"""Drawing and submitting a paper: the quiz's hot path on the launch morning, written the way
the online platform's heartbeat is (learning/heartbeat.py). A draw is one read (the participant,
the competition's rules, the round open now, the papers so far and the question bank's stamp, in
one joined SELECT) and one INSERT that takes the next paper number only if nobody took it since
(compare-and-set on the (participant, number) unique key; a lost race is read and decided again,
and then finds the paper the other request drew). A submission is one read and one write: the
paper is scored only if it is still unsubmitted, and the participant's counted result moves in
the same statement (on PostgreSQL a data-modifying CTE; elsewhere two statements in a
transaction), the "better" comparison made by the database on the row as it is then, so two
papers of one person cannot overwrite each other's result. No row lock is held while Python
decides, no explicit transaction on PostgreSQL, nothing summed: the boards read the
participants' counted results. The question bank is read once per process and per change of the
bank (its newest update and its size come with every read), so a paper's texts and its grading
cost no query. Plain SQL through Django's connection, so the documented API endpoints, the pages
and the WSGI fast path (`fastpath.py`) all pay the same."""

import datetime
import json
import random
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from yufang.core.hotsql import VendorSQL, prepared_connection
from yufang.core.hotsql import table as _t
from yufang.learning.models import Question
from yufang.training.flags import raise_record_flag
from yufang.training.models import FlagKind, FlagSource

from .models import Competition, CompetitionStatus, Counting, Paper, Participant, Round
from .scoring import _pools, grade

# Answers reach the server this long after the deadline and still count (the network's delay).
GRACE_SECONDS = 15
# A draw that keeps losing the race for the next paper number (only a storm of double taps).
DRAW_ATTEMPTS = 4

NOT_ACCEPTING = "本竞答当前不接受参与。"
UNKNOWN_PARTICIPANT = "参与者不存在。"
UNKNOWN_PAPER = "试卷不存在。"
NOT_OPEN = "现在不在竞答的开放时间内。"
BANK_SHORT = "题库题目不足，请联系竞答组织方。"
BUSY = "提交过于频繁，请稍后再试。"


_PAPER_COLUMNS = (
    "id, participant_id, round_id, number, day, token, started_at, deadline, items, answers,"
    " submitted_at, late, correct, score, answer_ms, device, client_ip"
)


def _build_sql(vendor: str) -> dict[str, str]:
    pt, c, r, p, q = _t(Participant), _t(Competition), _t(Round), _t(Paper), _t(Question)
    paper_columns = ", ".join(f"p.{col.strip()}" for col in _PAPER_COLUMNS.split(","))
    # The bank's stamp: a question added, edited, switched off or removed changes it.
    bank = f"CROSS JOIN (SELECT MAX(updated_at) AS stamp, COUNT(*) AS n FROM {q}) b"
    draw_select = (
        "SELECT pt.id, pt.competition_id, c.status, c.time_limit_seconds, c.attempts_per_day,"
        " c.attempts_total, r.id, r.closes_at, b.stamp, b.n, c.updated_at, "
        f"{paper_columns}"
        f" FROM {pt} pt JOIN {c} c ON c.id = pt.competition_id {bank}"
        f" LEFT JOIN {r} r ON r.competition_id = c.id AND r.opens_at <= %s AND r.closes_at > %s"
        f" LEFT JOIN {p} p ON p.participant_id = pt.id"
    )
    better = "(t.score IS NULL OR (%s AND (t.score < %s OR (t.score = %s AND COALESCE(t.answer_ms, 0) > %s))))"
    sql = {
        "stamp": f"SELECT b.stamp, b.n, c.updated_at FROM {c} c {bank} WHERE c.id = %s",
        "draw_by_key": f"{draw_select} WHERE pt.key = %s ORDER BY p.number",
        "draw_by_id": f"{draw_select} WHERE pt.id = %s ORDER BY p.number",
        "insert": (
            f"INSERT INTO {p} (participant_id, round_id, number, day, token, started_at, deadline, items,"
            " answers, late, device, client_ip) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (participant_id, number) DO NOTHING RETURNING id"
        ),
        "submit_select": (
            f"SELECT {paper_columns}, t.score, t.competition_id, c.counting, c.min_seconds_per_question,"
            f" b.stamp, b.n, c.updated_at FROM {p} p JOIN {pt} t ON t.id = p.participant_id"
            f" JOIN {c} c ON c.id = t.competition_id {bank} WHERE p.token = %s"
        ),
        "score": (
            f"UPDATE {p} SET answers = %s, correct = %s, score = %s, late = %s, submitted_at = %s,"
            " answer_ms = %s WHERE id = %s AND submitted_at IS NULL"
        ),
        "count": (
            f"UPDATE {pt} AS t SET papers = t.papers + 1,"
            f" score = CASE WHEN {better} THEN %s ELSE t.score END,"
            f" answer_ms = CASE WHEN {better} THEN %s ELSE t.answer_ms END,"
            f" counted_at = CASE WHEN {better} THEN %s ELSE t.counted_at END"
        ),
    }
    if vendor == "postgresql":
        # Scoring the paper and counting it as one statement: the participant moves only if the
        # paper's guarded update matched (one implicit transaction, one commit).
        sql["submit"] = (
            f"WITH s AS ({sql['score']} RETURNING participant_id)"
            f" {sql['count']} FROM s WHERE t.id = s.participant_id RETURNING t.score"
        )
    else:
        sql["count"] += " WHERE t.id = %s"
        sql["counted"] = f"SELECT score FROM {pt} WHERE id = %s"
    return sql


_sql = VendorSQL(_build_sql)


class _Cursor:
    """PostgreSQL: psycopg's own cursor on Django's (persistent) connection, statements prepared
    on the server (planning the joins costs more than running them). Elsewhere Django's cursor."""

    def __enter__(self):
        if connection.vendor != "postgresql":
            self._cur = connection.cursor()
            self._prepare = None
            return self
        self._cur = psycopg.Cursor(prepared_connection())
        self._prepare = True
        return self

    def __exit__(self, *exc):
        self._cur.close()

    def execute(self, sql: str, params: list) -> None:
        if self._prepare:
            self._cur.execute(sql, params, prepare=True)
        else:
            self._cur.execute(sql, params)

    def fetchone(self):
        return self._cur.fetchone()

    def fetchall(self):
        return self._cur.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount


# --- Values as the database hands them back (PostgreSQL: typed; SQLite: text) -----------------


def _dt(value) -> datetime.datetime | None:
    if value is None:
        return None
    parsed = value if isinstance(value, datetime.datetime) else parse_datetime(str(value))
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


def _paper(row) -> Paper:
    """A Paper as loaded from the database, from `_PAPER_COLUMNS` in order."""
    (pk, participant_id, round_id, number, day, token, started_at, deadline, items, answers) = row[:10]
    submitted_at, late, correct, score, answer_ms, device, client_ip = row[10:17]
    paper = Paper(
        pk=pk,
        participant_id=participant_id,
        round_id=round_id,
        number=number,
        day=_date(day),
        token=token,
        started_at=_dt(started_at),
        deadline=_dt(deadline),
        items=_json(items),
        answers=_json(answers) or {},
        submitted_at=_dt(submitted_at),
        late=bool(late),
        correct=correct,
        score=score,
        answer_ms=answer_ms,
        device=device,
        client_ip=client_ip,
    )
    paper._state.adding, paper._state.db = False, connection.alias
    return paper


# --- The question bank, per process --------------------------------------------------------------


@dataclass(frozen=True)
class _Bank:
    stamp: tuple
    draw: list[dict]  # the competition's draw rules
    pools: dict  # (category, difficulty) -> question ids, as scoring._pools reads them
    questions: dict  # id -> Question (kind, stem, options, answer)


# Per process, per competition: its draw rules, their pools and their questions, replaced when
# the stamp that comes with every read differs (the bank's newest update and size, the
# competition's last change).
_BANKS: dict[int, _Bank] = {}
_LOADING = threading.Lock()


def _stamp(values) -> tuple:
    return tuple(str(v) for v in values)


def _bank(competition_id: int, stamp: tuple) -> _Bank:
    bank = _BANKS.get(competition_id)
    if bank is not None and bank.stamp == stamp:
        return bank
    with _LOADING:  # one thread reads the bank; the others of the process wait for it
        bank = _BANKS.get(competition_id)
        if bank is None or bank.stamp != stamp:
            draw = Competition.objects.values_list("draw", flat=True).get(pk=competition_id)
            pools = _pools(draw)
            questions = Question.objects.only("kind", "stem", "options", "answer").in_bulk(
                {q for pool in pools.values() for q in pool}
            )
            bank = _BANKS[competition_id] = _Bank(stamp, draw, pools, questions)
    return bank


def questions_of(bank: _Bank, paper: Paper) -> dict[int, Question]:
    """The paper's questions: from the bank's cache, and any the bank's pools no longer hold
    (switched off or recategorised after the paper was drawn) from the database."""
    missing = [q for q in paper.question_ids if q not in bank.questions]
    if not missing:
        return bank.questions
    return {**bank.questions, **Question.objects.only("kind", "stem", "options", "answer").in_bulk(missing)}


def paper_payload(paper: Paper, questions: dict[int, Question]) -> dict:
    """The paper as a phone receives it: every question's options in this paper's order."""
    return {
        "token": paper.token,
        "number": paper.number,
        "started_at": paper.started_at,
        "deadline": paper.deadline,
        "questions": [
            {
                "id": item["q"],
                "kind": questions[item["q"]].kind,
                "stem": questions[item["q"]].stem,
                "options": [questions[item["q"]].options[o] for o in item["order"]],
            }
            for item in paper.items
        ],
    }


# --- Drawing ---------------------------------------------------------------------------------


def paper_token() -> str:
    """What a phone holds for its paper: 32 hex digits, the first 12 the time in milliseconds
    (so new tokens land together at the end of the token index, as a UUIDv7's do, instead of on
    a random page each) and 80 random bits, which nobody guesses."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


@dataclass(frozen=True)
class Drawn:
    paper: Paper
    questions: dict[int, Question]
    new: bool

    def as_dict(self) -> dict:
        return paper_payload(self.paper, self.questions)


def bank_of(competition_id: int) -> _Bank:
    """The competition's bank as it stands (for the bulk draw: one query for the stamp)."""
    with _Cursor() as cur:
        cur.execute(_sql()["stamp"], [competition_id])
        return _bank(competition_id, _stamp(cur.fetchone()))


def draw_items(bank: _Bank, rng: random.Random) -> list[dict]:
    """A paper's questions by the draw rules, shuffled, each with its options' order shuffled."""
    chosen = []
    for row in bank.draw:
        pool = bank.pools.get((row["category"], row.get("difficulty")), [])
        if len(pool) < row["count"]:
            raise ValidationError(BANK_SHORT)
        chosen += rng.sample(pool, row["count"])
    rng.shuffle(chosen)
    items = []
    for qid in chosen:
        order = list(range(len(bank.questions[qid].options)))
        rng.shuffle(order)
        items.append({"q": qid, "order": order})
    return items


def draw(
    *, participant_key: str | None = None, participant_id: int | None = None, now=None, device: str = "", ip=None
) -> Drawn:
    """Draws a paper on the server for the round open now, for the participant named by their
    key (a phone) or id (the pages). An open paper still within its time is returned as it is;
    otherwise the attempts per day and in all decide."""
    moment = now or timezone.now()
    for _ in range(DRAW_ATTEMPTS):
        found = _draw_once(participant_key, participant_id, moment, device[:64], ip)
        if found is not None:
            return found
    raise ValidationError(BUSY)


def _draw_once(key, participant_id, moment, device, ip) -> Drawn | None:
    sql = _sql()
    ops = connection.ops
    at = ops.adapt_datetimefield_value(moment)
    with _Cursor() as cur:
        if participant_id is not None:
            cur.execute(sql["draw_by_id"], [at, at, participant_id])
        else:
            cur.execute(sql["draw_by_key"], [at, at, (key or "")[:32]])
        rows = cur.fetchall()
        if not rows:
            raise ValidationError(UNKNOWN_PARTICIPANT)
        pid, competition_id, status, limit, per_day, total, round_id, closes_at, *stamp = rows[0][:11]
        if status != CompetitionStatus.PUBLISHED:
            raise ValidationError(NOT_ACCEPTING)
        if round_id is None:
            raise ValidationError(NOT_OPEN)
        bank = _bank(competition_id, _stamp(stamp))
        papers = [_paper(row[11:]) for row in rows if row[11] is not None]
        grace = datetime.timedelta(seconds=GRACE_SECONDS)
        for p in papers:
            if p.submitted_at is None and moment <= p.deadline + grace:
                return Drawn(p, questions_of(bank, p), new=False)
        today = timezone.localdate(moment)
        if len(papers) >= total:
            raise ValidationError(f"每人最多可答 {total} 次，您的答题机会已用完。")
        if sum(1 for p in papers if p.day == today) >= per_day:
            raise ValidationError(f"每人每天最多可答 {per_day} 次，请明天再来。")
        rng = random.Random(secrets.randbits(64))  # noqa: S311 - drawing questions, not secrets
        items = draw_items(bank, rng)
        deadline = min(moment + datetime.timedelta(seconds=limit), _dt(closes_at))
        paper = Paper(
            participant_id=pid,
            round_id=round_id,
            number=len(papers) + 1,
            day=today,
            token=paper_token(),
            started_at=moment,
            deadline=deadline,
            items=items,
            answers={},
            device=device,
            client_ip=ip,
        )
        inserted = _insert(cur, sql["insert"], paper)
    if inserted is None:
        return None  # another request took this number: read again
    paper.pk = inserted[0]
    paper._state.adding, paper._state.db = False, connection.alias
    return Drawn(paper, bank.questions, new=True)


def _insert(cur: _Cursor, sql: str, paper: Paper):
    """The new paper, unless its number was taken meanwhile (then None)."""
    ops = connection.ops
    cur.execute(
        sql,
        [
            paper.participant_id,
            paper.round_id,
            paper.number,
            ops.adapt_datefield_value(paper.day),
            paper.token,
            ops.adapt_datetimefield_value(paper.started_at),
            ops.adapt_datetimefield_value(paper.deadline),
            json.dumps(paper.items),
            "{}",
            False,
            paper.device,
            paper.client_ip,
        ],
    )
    return cur.fetchone()


# --- Submitting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    paper: Paper
    replay: bool
    counted_score: int | None

    def as_dict(self) -> dict:
        return {
            "token": self.paper.token,
            "score": self.paper.score,
            "correct": self.paper.correct,
            "answer_ms": self.paper.answer_ms,
            "late": self.paper.late,
            "replay": self.replay,
            "counted_score": self.counted_score,
        }


def submit(*, token: str, answers: dict[str, Any], now=None) -> Submitted:
    """Scores the paper on the server. A paper already submitted answers with its first result
    (replay) and nothing changes. Answers after the deadline and the grace are not accepted: the
    paper is scored as it stood unanswered."""
    moment = now or timezone.now()
    for _ in range(2):
        result = _submit_once((token or "")[:32], answers, moment)
        if result is not None:
            return result
    raise ValidationError(BUSY)  # scored by another request, yet not found scored: not reached


def _submit_once(token: str, answers: dict, moment) -> Submitted | None:
    sql = _sql()
    ops = connection.ops
    with _Cursor() as cur:
        cur.execute(sql["submit_select"], [token])
        row = cur.fetchone()
        if row is None:
            raise ValidationError(UNKNOWN_PAPER)
        paper = _paper(row[:17])
        counted, competition_id, counting, min_seconds, *stamp = row[17:]
        if paper.submitted_at is not None:
            return Submitted(paper, True, counted)
        late = moment > paper.deadline + datetime.timedelta(seconds=GRACE_SECONDS)
        questions = questions_of(_bank(competition_id, _stamp(stamp)), paper)
        kept, correct, score = grade(paper.items, {} if late else answers, questions)
        answer_ms = int((min(moment, paper.deadline) - paper.started_at).total_seconds() * 1000)
        at = ops.adapt_datetimefield_value(moment)
        scored = [json.dumps(kept), correct, score, late, at, answer_ms, paper.pk]
        better = [counting == Counting.BEST, score, score, answer_ms]
        counts = [*better, score, *better, answer_ms, *better, at]
        if connection.vendor == "postgresql":
            cur.execute(sql["submit"], scored + counts)
            moved = cur.fetchone()
            if moved is None:
                return None  # submitted by another request meanwhile: answer with its result
            counted = moved[0]
        else:
            with transaction.atomic():
                cur.execute(sql["score"], scored)
                if cur.rowcount != 1:
                    return None
                cur.execute(sql["count"], [*counts, paper.participant_id])
                cur.execute(sql["counted"], [paper.participant_id])
                counted = cur.fetchone()[0]
    paper.answers, paper.correct, paper.score, paper.late = kept, correct, score, late
    paper.submitted_at, paper.answer_ms = moment, answer_ms
    if not late and answer_ms < len(paper.items) * min_seconds * 1000:
        competition = Competition.objects.select_related("project").get(pk=competition_id)
        flag_too_fast(competition, Participant.objects.select_related("region").get(pk=paper.participant_id), paper)
    return Submitted(paper, False, counted)


def flag_too_fast(competition: Competition, participant: Participant, paper: Paper) -> None:
    minimum = len(paper.items) * competition.min_seconds_per_question
    raise_record_flag(
        source=FlagSource.QUIZ,
        project=competition.project,
        kind=FlagKind.QUIZ_TOO_FAST,
        key=f"c{competition.pk}:p{paper.pk}",
        summary=f"{participant.name}（{participant.id_masked}）{len(paper.items)} 题用时 "
        f"{paper.answer_ms / 1000:.1f} 秒，低于合理最短用时 {minimum} 秒。",
        evidence=[
            {
                "姓名": participant.name,
                "身份证号": participant.id_masked,
                "题数": len(paper.items),
                "用时（秒）": round(paper.answer_ms / 1000, 1),
                "得分": paper.score,
                "交卷时间": timezone.localtime(paper.submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            }
        ],
        subject=f"知识竞答：{competition.name}",
        subject_url=reverse("quiz:detail", args=[competition.pk]),
        region=participant.region,
    )
