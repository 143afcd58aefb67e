"""The launch morning's fast path (quiz/fastpath.py, before the middleware stack) answers draw and
submit exactly as the documented endpoints do: the same bodies, status codes and error words,
through the same service (quiz/hotpath.py), whose statements per request are counted here."""

import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from yufang.learning.models import Question

from .. import api, hotpath
from ..fastpath import DRAW_PATH, wrap
from ..models import Paper, Participant
from ..selectors import boards_recount
from .factories import join, make_competition, right_answers

pytestmark = pytest.mark.django_db


def _django(environ, start_response):
    start_response("200 OK", [])
    return [b"django"]


APP = wrap(_django)


def _fast(path, body, raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(body).encode()
    statuses = []
    out = APP(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
            "REMOTE_ADDR": "10.0.0.8",
        },
        lambda status, headers: statuses.append(status),
    )
    return int(statuses[0].split()[0]), json.loads(b"".join(out))


def _api(path, body, raw: bytes | None = None):
    r = Client(REMOTE_ADDR="10.0.0.8").post(path, raw if raw is not None else body, content_type="application/json")
    return r.status_code, r.json()


def test_draw_and_submit_answer_as_the_api_does(world):
    c = make_competition(world)
    p = join(world, c, 1)
    status, drawn = _fast(DRAW_PATH, {"participant_key": p.key})
    assert status == 200 and len(drawn["questions"]) == 5
    # The open paper, drawn again through the API, is the same paper with the same body.
    assert _api(DRAW_PATH, {"participant_key": p.key}) == (200, drawn)
    paper = Paper.objects.get(token=drawn["token"])
    shown = {q["id"]: q["options"] for q in drawn["questions"]}
    bank = Question.objects.in_bulk(paper.question_ids)
    assert all(shown[i["q"]] == [bank[i["q"]].options[o] for o in i["order"]] for i in paper.items)
    submit = f"{DRAW_PATH}/{paper.token}/submit"
    status, result = _fast(submit, {"answers": right_answers(paper)})
    assert status == 200 and (result["score"], result["replay"], result["counted_score"]) == (100, False, 100)
    # A replay answers with the first result, through either door.
    replay = {**result, "replay": True}
    assert _fast(submit, {"answers": {}}) == (200, replay) == _api(submit, {"answers": {}})
    # A second paper the same day is refused in the same words.
    assert _fast(DRAW_PATH, {"participant_key": p.key}) == _api(DRAW_PATH, {"participant_key": p.key})
    assert "每天最多" in _fast(DRAW_PATH, {"participant_key": p.key})[1]["detail"]
    p.refresh_from_db()
    assert (p.papers, p.score) == (1, 100) and boards_recount(c) == []
    # Every other request is Django's.
    assert APP({"REQUEST_METHOD": "GET", "PATH_INFO": DRAW_PATH}, lambda *a: None) == [b"django"]
    assert APP({"REQUEST_METHOD": "POST", "PATH_INFO": DRAW_PATH + "/a/b/submit"}, lambda *a: None) == [b"django"]


def test_a_late_submission_scores_nothing_on_the_fast_path(world):
    c = make_competition(world)
    p = join(world, c, 2)
    token = _fast(DRAW_PATH, {"participant_key": p.key})[1]["token"]
    Paper.objects.filter(token=token).update(
        started_at=timezone.now() - datetime.timedelta(minutes=10),
        deadline=timezone.now() - datetime.timedelta(minutes=5),
    )
    paper = Paper.objects.get(token=token)
    status, result = _fast(f"{DRAW_PATH}/{token}/submit", {"answers": right_answers(paper)})
    assert status == 200 and (result["late"], result["score"], result["answer_ms"]) == (True, 0, 300000)


@pytest.mark.parametrize(
    ("path", "body", "raw"),
    [
        (DRAW_PATH, {"participant_key": "nobody"}, None),
        (DRAW_PATH, {}, None),
        (DRAW_PATH, {"participant_key": ["x"]}, None),
        (DRAW_PATH, None, b"{not json"),
        (f"{DRAW_PATH}/nothing/submit", {"answers": {}}, None),
        (f"{DRAW_PATH}/nothing/submit", {"answers": "A"}, None),
    ],
)
def test_refusals_are_the_apis(world, path, body, raw):
    make_competition(world)
    fast = _fast(path, body, raw)
    assert fast[0] in (400, 422) and fast == _api(path, body, raw)


def test_the_throttle_and_closed_competitions(world, monkeypatch):
    c = make_competition(world)
    p = join(world, c, 3)
    monkeypatch.setattr(api, "PAPER_PER_ADDRESS", (0, 60))
    fast = _fast(DRAW_PATH, {"participant_key": p.key})
    assert fast[0] == 429 and fast == _api(DRAW_PATH, {"participant_key": p.key})
    monkeypatch.undo()
    from ..models import Competition

    Competition.objects.filter(pk=c.pk).update(status="closed")
    assert _fast(DRAW_PATH, {"participant_key": p.key}) == (422, {"detail": hotpath.NOT_ACCEPTING})


def _statements(monkeypatch) -> list[str]:
    seen = []
    run = hotpath._Cursor.execute

    def counted(self, sql, params):
        seen.append(sql.split()[0])
        return run(self, sql, params)

    monkeypatch.setattr(hotpath._Cursor, "execute", counted)
    return seen


def test_a_draw_and_a_submission_cost_one_read_and_one_write(world, monkeypatch, connection_vendor):
    c = make_competition(world)
    first, second = join(world, c, 4), join(world, c, 5)
    _fast(DRAW_PATH, {"participant_key": first.key})  # the process reads the bank once
    seen = _statements(monkeypatch)
    token = _fast(DRAW_PATH, {"participant_key": second.key})[1]["token"]
    assert seen == ["SELECT", "INSERT"]
    seen.clear()
    _fast(f"{DRAW_PATH}/{token}/submit", {"answers": {}})
    # PostgreSQL: the paper scored and the participant counted in one statement.
    assert seen == (
        ["SELECT", "WITH"] if connection_vendor == "postgresql" else ["SELECT", "UPDATE", "UPDATE", "SELECT"]
    )
    seen.clear()
    _fast(f"{DRAW_PATH}/{token}/submit", {"answers": {}})
    assert seen == ["SELECT"]  # a replay only reads


def test_a_change_to_the_bank_reaches_the_next_draw_and_grading(world):
    c = make_competition(world)
    p, q = join(world, c, 6), join(world, c, 7)
    paper = Paper.objects.get(token=_fast(DRAW_PATH, {"participant_key": p.key})[1]["token"])
    # The bank's answer to one of the paper's questions changes after it was drawn: grading
    # follows the bank as it stands, as it always did.
    changed = Question.objects.get(pk=paper.items[0]["q"])
    changed.answer = "B"
    changed.save()
    status, result = _fast(f"{DRAW_PATH}/{paper.token}/submit", {"answers": right_answers(paper)})
    assert result["correct"] == 4
    # A question switched off is not drawn again.
    off = Question.objects.filter(category="政策", difficulty=1).order_by("pk").first()
    off.is_active = False
    off.save()
    drawn = _fast(DRAW_PATH, {"participant_key": q.key})[1]
    assert off.pk not in {x["id"] for x in drawn["questions"]}
    assert Participant.objects.get(pk=p.pk).score == 80


@pytest.fixture
def connection_vendor():
    from django.db import connection

    return connection.vendor


def test_counting_a_paper_can_rewrite_the_rows_in_place(connection_vendor):
    """PostgreSQL only (migration 0002): no index covers what a submission changes, so the
    paper's and the participant's updates are HOT, and both tables leave room on their pages."""
    if connection_vendor != "postgresql":
        pytest.skip("fillfactor and HOT updates are PostgreSQL's")
    from django.db import connection

    changed = {
        "quiz_paper": {"answers", "correct", "score", "late", "submitted_at", "answer_ms"},
        "quiz_participant": {"papers", "score", "answer_ms", "counted_at"},
    }
    with connection.cursor() as cur:
        for table, columns in changed.items():
            indexed = {
                column
                for c in connection.introspection.get_constraints(cur, table).values()
                if c["index"] or c["unique"]
                for column in c["columns"] or []
            }
            assert indexed & columns == set(), table
            cur.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
            assert "fillfactor=50" in cur.fetchone()[0]
