"""/api/v1/enterprises/ writes: the register and the yearly statistics, through the services."""

from django.test import Client

from yufang.accounts.tests.factories import bearer
from yufang.demo.credit_codes import demo_credit_code
from yufang.enterprises.models import EnterpriseProfile, InjuryStatistic
from yufang.reference.models import Industry
from yufang.training.tests.matrix import enterprise


def _call(method, user, url, body=None):
    client = Client()
    return getattr(client, method)(url, body, content_type="application/json", **bearer(user))


def test_agency_registers_an_enterprise_and_an_enterprise_contact_may_not(world):
    body = {
        "name": "测试新材料有限公司",
        "credit_code": demo_credit_code("测试新材料有限公司"),
        "region_id": world.orgs["district_a"].region_id,
        "industry_id": Industry.objects.get(code="hazchem").pk,
        "licence_type": "production",
        "licence_number": "鲁淄危化生字〔2023〕001",
        "insured_headcount": 80,
    }
    r = _call("post", world.users["enterprise_a"], "/api/v1/enterprises", body)
    assert r.status_code == 403 and "经办机构" in r.json()["detail"]
    r = _call("post", world.users["agency"], "/api/v1/enterprises", {**body, "licence_number": ""})
    assert r.status_code == 422 and "许可证编号" in r.json()["detail"]
    r = _call("post", world.users["agency"], "/api/v1/enterprises", {**body, "credit_code": "123"})
    assert r.status_code == 422 and "credit_code" in r.json()["errors"]
    r = _call("post", world.users["agency"], "/api/v1/enterprises", body)
    assert r.status_code == 201, r.content
    assert r.json()["name"] == "测试新材料有限公司" and r.json()["insured_headcount"] == 80
    # One record per credit code: the same code again updates it.
    r = _call("post", world.users["agency"], "/api/v1/enterprises", {**body, "insured_headcount": 90})
    assert r.status_code == 201 and EnterpriseProfile.objects.get(pk=r.json()["id"]).insured_headcount == 90
    assert EnterpriseProfile.objects.filter(organisation__credit_code=body["credit_code"]).count() == 1
    # The new enterprise is in district a: district b's bureau does not see it.
    assert Client().get(f"/api/v1/enterprises/{r.json()['id']}", **bearer(world.users["district_b"])).status_code == 404


def test_enterprise_contact_edits_own_profile_only(world):
    mine, theirs = enterprise(world, "a"), enterprise(world, "b")
    contact = world.users["enterprise_a"]
    r = _call(
        "patch", contact, f"/api/v1/enterprises/{mine.pk}", {"contact_name": "新联系人", "insured_headcount": 130}
    )
    assert r.status_code == 200 and r.json()["insured_headcount"] == 130
    mine.refresh_from_db()
    assert mine.contact_name == "新联系人"
    r = _call("patch", contact, f"/api/v1/enterprises/{mine.pk}", {"name": "改名"})
    assert r.status_code == 403 and "经办机构" in r.json()["detail"]
    assert _call("patch", contact, f"/api/v1/enterprises/{theirs.pk}", {"contact_name": "x"}).status_code == 404
    r = _call("patch", world.users["agency"], f"/api/v1/enterprises/{theirs.pk}", {"name": "企业b（更名）"})
    assert r.status_code == 200 and r.json()["name"] == "企业b（更名）"
    r = _call("patch", world.users["agency"], f"/api/v1/enterprises/{theirs.pk}", {"industry_id": 999999})
    assert r.status_code == 422 and "行业" in r.json()["detail"]


def test_statistics_are_written_by_officials_within_scope(world):
    mine, theirs = enterprise(world, "a"), enterprise(world, "b")
    body = {
        "accident_cases": 2,
        "disease_cases": 1,
        "insured_headcount": 120,
        "premiums_paid": "50000.00",
        "benefits_paid": "20000.00",
    }
    url = f"/api/v1/enterprises/{mine.pk}/statistics/2023"
    r = _call("put", world.users["enterprise_a"], url, body)
    assert r.status_code == 403
    assert _call("put", world.users["district_b"], url, body).status_code == 404
    r = _call("put", world.users["agency"], url, body)
    assert r.status_code == 200 and r.json()["injury_rate"] == "25.00" and r.json()["loss_ratio"] == "40.0"
    r = _call("put", world.users["agency"], url, {**body, "accident_cases": 5})
    assert r.status_code == 200 and InjuryStatistic.objects.get(pk=r.json()["id"]).accident_cases == 5
    r = _call("put", world.users["agency"], f"/api/v1/enterprises/{mine.pk}/statistics/1999", body)
    assert r.status_code == 422 and "2000" in r.json()["detail"]
    r = _call("put", world.users["agency"], url, {**body, "premiums_paid": "-1"})
    assert r.status_code == 422 and "premiums_paid" in r.json()["detail"]
    listing = Client().get(f"/api/v1/enterprises/{mine.pk}/statistics", **bearer(world.users["enterprise_a"]))
    assert [s["year"] for s in listing.json()] == [2023]
    other = Client().get(f"/api/v1/enterprises/{theirs.pk}/statistics", **bearer(world.users["enterprise_a"]))
    assert other.status_code == 404
