from decimal import Decimal

from django.test import Client

from yufang.accounts.tests.factories import bearer
from yufang.plans.tests.factories import item, make_plan
from yufang.providers.models import AgreementStatus

from .factories import ready_provider, signed_agreement

D = Decimal


def test_agreement_lifecycle_through_the_api(world):
    plan = make_plan(world)
    ready_provider(world, "a")
    agency, provider_a, provider_b = Client(), Client(), Client()
    a_headers, pa_headers, pb_headers = (
        bearer(world.users["agency"]),
        bearer(world.users["provider_a"]),
        bearer(world.users["provider_b"]),
    )
    payload = {
        "title": "重点行业线下培训服务协议",
        "item_id": item(plan, "重点行业").pk,
        "provider_id": world.orgs["provider_a"].pk,
        "content": "建筑、机械、交通运输行业重点岗位人员线下培训。",
        "period_start": "2023-09-01",
        "period_end": "2023-12-31",
        "price": "290000.00",
        "indicators": [{"kind": "people_trained", "planned": 1200}],
    }
    r = agency.post("/api/v1/providers/agreements", payload, content_type="application/json", **a_headers)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["indicators"][0]["planned"] == 1200

    def move(client, headers, action):
        return client.post(
            f"/api/v1/providers/agreements/{pk}/transitions",
            {"action": action},
            content_type="application/json",
            **headers,
        )

    # No team yet: sending is refused with the reason.
    r = move(agency, a_headers, "send")
    assert r.status_code == 422 and "项目组成员" in r.json()["detail"]
    from yufang.providers import services
    from yufang.providers.models import ServiceAgreement

    services.team_member_add(
        agreement=ServiceAgreement.objects.get(pk=pk), name="李", role="负责人", actor=world.users["agency"]
    )
    assert move(agency, a_headers, "send").status_code == 200
    assert move(provider_b, pb_headers, "confirm").status_code == 404
    assert provider_b.get(f"/api/v1/providers/agreements/{pk}", **pb_headers).status_code == 404
    assert move(provider_a, pa_headers, "sign").status_code == 422  # not yet confirmed
    assert move(provider_a, pa_headers, "confirm").status_code == 200
    r = move(provider_a, pa_headers, "sign")
    assert r.status_code == 403 and "经办机构" in r.json()["detail"]
    r = move(agency, a_headers, "sign")
    assert (
        r.status_code == 200 and r.json()["status"] == AgreementStatus.SIGNED and r.json()["committed"] == "290000.00"
    )
    assert item(plan, "重点行业").committed == D("290000.00")
    listing = provider_b.get("/api/v1/providers/agreements", **pb_headers).json()
    assert listing["count"] == 0


def test_debarment_through_the_api_refuses_overlap(world):
    client = Client()
    headers = bearer(world.owner)
    body = {
        "provider_id": world.orgs["provider_b"].pk,
        "ground": "breach_of_agreement",
        "decision_number": "测人社字〔2024〕9号",
        "decided_by": "测试市人社局",
        "start_date": "2024-05-01",
    }
    r = client.post("/api/v1/providers/debarments", body, content_type="application/json", **headers)
    assert r.status_code == 201 and r.json()["end_date"] == "2027-05-01"
    r = client.post("/api/v1/providers/debarments", body, content_type="application/json", **headers)
    assert r.status_code == 422 and "期间重叠" in r.json()["detail"]
    r = client.post(
        "/api/v1/providers/debarments", body, content_type="application/json", **bearer(world.users["agency"])
    )
    assert r.status_code == 403
    # Every official reads the whole register; the provider itself only its own.
    assert Client().get("/api/v1/providers/debarments", **bearer(world.users["district_a"])).json()["count"] == 1
    assert Client().get("/api/v1/providers/debarments", **bearer(world.users["provider_a"])).json()["count"] == 0


def test_bank_account_masked_in_api_for_partners(world):
    from .factories import make_profile

    profile = make_profile(world, "a")
    r = Client().get(f"/api/v1/providers/profiles/{profile.pk}", **bearer(world.users["partner"]))
    assert r.json()["bank_account"] == "***************0123"
    r = Client().get(f"/api/v1/providers/profiles/{profile.pk}", **bearer(world.users["provider_a"]))
    assert r.json()["bank_account"] == "1603001234567890123"


def _post(user, url, body):
    return Client().post(url, body, content_type="application/json", **bearer(user))


def _get(user, url):
    return Client().get(url, **bearer(user))


def test_amendment_through_the_api(world):
    plan = make_plan(world)
    agreement = signed_agreement(world, plan)
    url = f"/api/v1/providers/agreements/{agreement.pk}/amendments"
    body = {"reason": "服务期限顺延", "period_end": "2024-01-31", "price": "120000.00"}
    # The provider may not amend; another provider does not see the agreement at all.
    r = _post(world.users["provider_a"], url, body)
    assert r.status_code == 403 and "经办机构" in r.json()["detail"]
    assert _post(world.users["provider_b"], url, body).status_code == 404
    committed = item(plan, "危险化学品").committed
    r = _post(world.users["agency"], url, body)
    assert r.status_code == 201, r.content
    amendment = r.json()
    assert amendment["sequence"] == 1 and amendment["new_price"] == "120000.00"
    assert amendment["old_price"] != amendment["new_price"]
    # The new price moved the budget commitment in the same transaction.
    assert item(plan, "危险化学品").committed == committed + D("120000.00") - D(amendment["old_price"])
    r = _post(world.users["agency"], url, {"reason": "无变化", "period_end": "2024-01-31"})
    assert r.status_code == 422 and "没有需要变更的内容" in r.json()["detail"]
    assert [a["sequence"] for a in _get(world.users["provider_a"], url).json()] == [1]
    assert _get(world.users["district_a"], f"/api/v1/providers/amendments/{amendment['id']}").status_code == 200
    assert _get(world.users["provider_b"], f"/api/v1/providers/amendments/{amendment['id']}").status_code == 404
    assert _get(world.users["provider_b"], url).status_code == 404


def test_team_change_through_the_api(world):
    agreement = signed_agreement(world, make_plan(world))
    member = agreement.team.get()
    url = f"/api/v1/providers/agreements/{agreement.pk}/team-changes"
    body = {"reason": "负责人调岗", "remove_id": member.pk, "add_name": "王五", "add_role": "项目负责人"}
    assert _post(world.users["provider_b"], url, body).status_code == 404
    r = _post(world.users["provider_a"], url, {**body, "remove_id": 99999999999999999999})
    assert r.status_code == 422 and "不在本协议的项目组中" in r.json()["detail"]
    r = _post(world.users["provider_a"], url, body)
    assert r.status_code == 201 and r.json()["status"] == "pending"
    change = r.json()["id"]
    move = f"/api/v1/providers/team-changes/{change}/transitions"
    r = _post(world.users["provider_a"], move, {"action": "approve"})
    assert r.status_code == 403 and "经办机构" in r.json()["detail"]
    assert _post(world.users["provider_b"], move, {"action": "approve"}).status_code == 404
    r = _post(world.users["agency"], move, {"action": "approve", "note": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    team = _get(world.users["agency"], f"/api/v1/providers/agreements/{agreement.pk}/team").json()
    assert {(m["name"], m["is_active"]) for m in team} == {(member.name, False), ("王五", True)}
    # Phones: the agency and the provider's own staff read them, officials elsewhere see them masked.
    assert team[0]["phone"] == "13812345678" or team[1]["phone"] == "13812345678"
    masked = _get(world.users["district_a"], f"/api/v1/providers/agreements/{agreement.pk}/team").json()
    assert "13812345678" not in str(masked) and "138****5678" in str(masked)
    assert _get(world.users["provider_b"], f"/api/v1/providers/team-changes/{change}").status_code == 404
    assert len(_get(world.users["partner"], url).json()) == 1


def test_huge_ids_and_schema_errors_answer_in_chinese(world):
    """Numbers beyond what the database stores and bodies the schema refuses are 4xx, not 500."""
    r = _get(world.users["agency"], "/api/v1/providers/agreements/99999999999999999999")
    assert r.status_code == 404 and r.json()["detail"] == "未找到该记录。"
    # A page far beyond the list was an offset SQLite refused ("datatype mismatch").
    r = _get(world.users["agency"], "/api/v1/providers/agreements?page=28625232348767223808")
    assert r.status_code == 422 and r.json()["errors"] == {"query.page": ["过大"]}
    r = _post(world.users["agency"], "/api/v1/providers/debarments", {"ground": "x"})
    assert r.status_code == 422
    assert "provider_id：必填" in r.json()["detail"] and r.json()["errors"]["body.provider_id"] == ["必填"]
    r = Client().post(
        "/api/v1/providers/debarments", "{not json", content_type="application/json", **bearer(world.owner)
    )
    assert r.status_code == 400 and "JSON" in r.json()["detail"]
