"""/api/v1/ target writes: set and change a target through the counting service."""

from django.test import Client

from tests.scoping_matrix import _plan, _target
from yufang.accounts.tests.factories import bearer
from yufang.reference.models import Industry, Position


def _call(method, user, url, body):
    return getattr(Client(), method)(url, body, content_type="application/json", **bearer(user))


def test_owner_sets_and_changes_a_target(world):
    plan = _plan(world, "a")
    body = {
        "name": "危化品重点岗位培训",
        "modes": ["offline", "practical", "offline"],
        "industry_ids": [Industry.objects.get(code="hazchem").pk],
        "position_ids": [Position.objects.get(code="team_leader").pk],
        "threshold": "2600",
        "deadline": "2023-12-31",
    }
    url = f"/api/v1/plans/{plan.pk}/targets"
    r = _call("post", world.users["agency"], url, body)
    assert r.status_code == 403 and "市人社局" in r.json()["detail"]
    r = _call("post", world.owner, url, body)
    assert r.status_code == 201, r.content
    target = r.json()
    assert target["modes"] == ["offline", "practical"] and target["achieved"] == 0
    assert "一线班组长" in target["counting_rule"] and "只计一次" in target["counting_rule"]
    r = _call("put", world.owner, f"/api/v1/targets/{target['id']}", {**body, "threshold": "3000", "position_ids": []})
    assert r.status_code == 200 and r.json()["threshold"] == "3000.00" and r.json()["position_ids"] == []
    r = _call("put", world.users["agency"], f"/api/v1/targets/{target['id']}", body)
    assert r.status_code == 403
    r = _call("post", world.owner, url, {**body, "industry_ids": [999999]})
    assert r.status_code == 422 and "行业" in r.json()["detail"]
    r = _call("post", world.owner, url, {**body, "metric": "programme_share"})
    assert r.status_code == 422 and "多年度工程" in r.json()["detail"]


def test_other_plans_targets_are_404_to_a_district(world):
    draft_target = _target(world, "b")  # a 2024 draft plan: programme-wide officials only
    body = {"name": "x", "threshold": "1", "deadline": "2024-12-31"}
    for user in (world.users["district_a"], world.users["provider_a"]):
        assert _call("put", user, f"/api/v1/targets/{draft_target.pk}", body).status_code == 404
        assert _call("post", user, f"/api/v1/plans/{draft_target.plan_id}/targets", body).status_code == 404
