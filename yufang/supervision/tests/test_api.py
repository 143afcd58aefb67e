"""/api/v1/supervision/: the inspecting side plans and moves inspections and findings, the
provider answers; every list and record scoped as the pages are, other districts' ids are 404."""

import datetime

import pytest
from django.test import Client

from yufang.accounts.tests.factories import bearer
from yufang.core.dates import today

from .factories import trained_project


def _call(method, user, url, body=None):
    return getattr(Client(), method)(url, body, content_type="application/json", **bearer(user))


@pytest.fixture
def trained(world):
    return trained_project(world)


def test_the_api_plans_inspects_and_follows_a_finding(world, trained):
    project, session, _ = trained
    district, other = world.users["district_a"], world.users["district_b"]
    body = {"subject_kind": "session", "mode": "unannounced", "planned_on": "2023-10-10", "inspectors": "李检查"}
    # Another district's session is not there for district b.
    assert (
        _call("post", other, "/api/v1/supervision/inspections", {**body, "session_id": session.pk}).status_code == 404
    )
    r = _call("post", district, "/api/v1/supervision/inspections", {**body, "session_id": session.pk})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["checklist_version"] == 1 and r.json()["status"] == "planned"
    # Unannounced and not begun: not the provider's to see.
    assert _call("get", world.users["provider_a"], f"/api/v1/supervision/inspections/{pk}").status_code == 404
    assert _call("get", other, f"/api/v1/supervision/inspections/{pk}").status_code == 404
    r = _call("post", district, f"/api/v1/supervision/inspections/{pk}/transition", {"action": "start"})
    assert r.status_code == 200 and r.json()["status"] == "on_site"
    r = _call(
        "post",
        district,
        f"/api/v1/supervision/inspections/{pk}/findings",
        {"kind": "archives", "severity": "minor", "description": "签到表缺页"},
    )
    assert r.status_code == 201
    finding = r.json()["id"]
    r = _call(
        "post", district, f"/api/v1/supervision/findings/{finding}/transition", {"action": "request", "note": "补齐"}
    )
    assert r.status_code == 422 and "整改期限" in r.json()["detail"]
    deadline = (today() + datetime.timedelta(days=3)).isoformat()
    r = _call(
        "post",
        district,
        f"/api/v1/supervision/findings/{finding}/transition",
        {"action": "request", "note": "补齐", "deadline": deadline},
    )
    assert r.status_code == 200 and r.json()["status"] == "rectifying"
    assert [
        f["id"] for f in _call("get", world.users["provider_a"], "/api/v1/supervision/findings").json()["items"]
    ] == [finding]
    assert _call("get", world.users["provider_b"], "/api/v1/supervision/findings").json()["items"] == []
    assert _call("get", other, f"/api/v1/supervision/findings/{finding}").status_code == 404
    # Not this move now (the provider answers; verifying comes after), and not another provider's.
    r = _call(
        "post",
        world.users["provider_a"],
        f"/api/v1/supervision/findings/{finding}/transition",
        {"action": "verify", "note": "x"},
    )
    assert r.status_code == 422
    r = _call(
        "post",
        world.users["provider_b"],
        f"/api/v1/supervision/findings/{finding}/transition",
        {"action": "answer", "note": "x"},
    )
    assert r.status_code == 404


def test_call_backs_in_the_api_carry_seed_and_population(world, trained):
    from yufang.supervision import services

    project, session, _ = trained
    callback = services.callback_draw(
        project=project, session=session, size=2, seed=42, actor=world.users["district_a"]
    )
    r = _call("get", world.users["district_a"], f"/api/v1/supervision/callbacks/{callback.pk}")
    assert r.status_code == 200 and r.json()["seed"] == 42 and r.json()["drawn"] == callback.drawn
    for who in ("district_b", "provider_a", "partner"):
        assert _call("get", world.users[who], f"/api/v1/supervision/callbacks/{callback.pk}").status_code == 404, who
