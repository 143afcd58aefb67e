"""/api/v1/quiz/: a phone joins, draws and submits without an account (replays answered with the
first result, late answers refused); competitions and boards scoped like the pages."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from yufang.accounts.tests.factories import bearer

from ..models import Paper
from .factories import an_id, join, make_competition, right_answers

pytestmark = pytest.mark.django_db


def _call(method, url, body=None, user=None):
    extra = bearer(user) if user is not None else {}
    return getattr(Client(), method)(url, body, content_type="application/json", **extra)


def test_a_phone_joins_draws_and_submits_once(world):
    c = make_competition(world)
    r = _call(
        "post",
        f"/api/v1/quiz/competitions/{c.pk}/join",
        {
            "name": "王小明",
            "id_number": an_id(1),
            "phone": "13812345678",
            "credit_code": world.orgs["enterprise_a"].credit_code,
        },
    )
    assert r.status_code == 200, r.content
    key = r.json()["participant_key"]
    assert r.json()["enterprise"] == world.orgs["enterprise_a"].name and "*" in r.json()["id_masked"]
    r = _call("post", "/api/v1/quiz/papers", {"participant_key": key})
    assert r.status_code == 200 and len(r.json()["questions"]) == 5
    token = r.json()["token"]
    paper = Paper.objects.get(token=token)
    r = _call("post", f"/api/v1/quiz/papers/{token}/submit", {"answers": right_answers(paper)})
    assert r.json()["score"] == 100 and r.json()["replay"] is False
    r = _call("post", f"/api/v1/quiz/papers/{token}/submit", {"answers": {}})
    assert r.json()["score"] == 100 and r.json()["replay"] is True
    r = _call("post", "/api/v1/quiz/papers", {"participant_key": key})
    assert r.status_code == 422 and "每天最多" in r.json()["detail"]


def test_a_late_submission_through_the_api_scores_nothing(world):
    c = make_competition(world)
    p = join(world, c, 2)
    r = _call("post", "/api/v1/quiz/papers", {"participant_key": p.key})
    token = r.json()["token"]
    Paper.objects.filter(token=token).update(
        started_at=timezone.now() - datetime.timedelta(minutes=10),
        deadline=timezone.now() - datetime.timedelta(minutes=5),
    )
    paper = Paper.objects.get(token=token)
    r = _call("post", f"/api/v1/quiz/papers/{token}/submit", {"answers": right_answers(paper)})
    assert r.json()["late"] is True and r.json()["score"] == 0


def test_join_errors_and_unpublished_competitions(world):
    c = make_competition(world)
    r = _call("post", f"/api/v1/quiz/competitions/{c.pk}/join", {"name": "甲", "id_number": "1", "phone": "1"})
    assert r.status_code == 422 and "id_number" in r.json()["errors"]
    draft = make_competition(world, publish=False)
    r = _call(
        "post",
        f"/api/v1/quiz/competitions/{draft.pk}/join",
        {"name": "甲", "id_number": an_id(3), "phone": "13800000000"},
    )
    assert r.status_code == 404


def _results(world):
    from .. import services

    c = make_competition(world)
    for seq, side, name in ((1, "a", "张三明"), (2, "b", "李四光")):
        p = join(world, c, seq, side=side, name=name)
        paper = services.paper_draw(participant=p)
        services.paper_submit(token=paper.token, answers=right_answers(paper))
    return c


@pytest.mark.parametrize(
    ("role", "names"),
    [
        (None, {"张*明", "李*光"}),
        ("agency", {"张三明", "李四光"}),
        ("provider_a", {"张三明", "李四光"}),
        ("district_a", {"张三明"}),
        ("enterprise_b", {"李四光"}),
        ("provider_b", None),  # another provider: none of this competition's people
    ],
)
def test_boards_are_scoped(world, role, names):
    c = _results(world)
    user = world.users[role] if role else None
    r = _call("get", f"/api/v1/quiz/competitions/{c.pk}/boards/people", user=user)
    assert r.status_code == 200
    got = {row["name"] for row in r.json()}
    if names is None:
        assert got == set()
    else:
        assert got == names
    r = _call("get", f"/api/v1/quiz/competitions/{c.pk}/boards/districts", user=user)
    assert r.status_code == 200 and any(row["name"] == "张店区" for row in r.json())


def test_competitions_are_scoped(world):
    draft = make_competition(world, publish=False)
    assert _call("get", f"/api/v1/quiz/competitions/{draft.pk}", user=world.users["provider_a"]).status_code == 200
    for role in ("provider_b", "district_a", "enterprise_a"):
        assert _call("get", f"/api/v1/quiz/competitions/{draft.pk}", user=world.users[role]).status_code == 404
    r = _call("get", "/api/v1/quiz/competitions", user=world.users["district_b"])
    assert r.json()["count"] == 0
    assert _call("get", f"/api/v1/quiz/competitions/{draft.pk}/boards/people").status_code == 404


def test_a_temporary_password_closes_the_boards_to_the_signed_in_session(world):
    """Issue 12, item 13: the must-change rule holds on the quiz boards too, which also answer
    the public: a session with a temporary password gets the rule, not the unmasked names."""
    c = _results(world)
    agency = world.users["agency"]
    agency.must_change_password = True
    agency.save(update_fields=["must_change_password"])
    session = Client()
    session.force_login(agency)
    for board in ("people", "enterprises", "districts"):
        r = session.get(f"/api/v1/quiz/competitions/{c.pk}/boards/{board}")
        assert r.status_code == 403 and "修改临时密码" in r.json()["detail"], board
    r = _call("get", f"/api/v1/quiz/competitions/{c.pk}/boards/people", user=agency)
    assert r.status_code == 403
