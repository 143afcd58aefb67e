from decimal import Decimal

from django.test import Client

from yufang.accounts import services as accounts_services
from yufang.plans.tests.factories import item, make_plan
from yufang.providers.models import AgreementStatus

from .factories import ready_provider

D = Decimal


def bearer(user):
    _, raw = accounts_services.token_create(actor=user, name="对接")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


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
