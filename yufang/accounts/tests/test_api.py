from django.test import Client

from yufang.accounts import services
from yufang.accounts.models import Role


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_authentication_and_revocation(world):
    token, raw = services.token_create(actor=world.users["district_a"], name="区县对接")
    client = Client()
    me = client.get("/api/v1/me", **bearer(raw))
    assert me.status_code == 200
    assert me.json()["username"] == "t_district_a"
    assert me.json()["phone_masked"] == "139****0000"
    services.token_revoke(actor=world.users["district_a"], token=token)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_session_api_needs_csrf_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert client.get("/api/v1/organisations").status_code == 200
    response = client.post(
        "/api/v1/users",
        {
            "username": "api_user",
            "display_name": "x",
            "organisation_id": world.orgs["enterprise_a"].pk,
            "roles": ["trainee"],
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def test_create_user_through_api_with_token(world):
    _, raw = services.token_create(actor=world.users["enterprise_a"], name="HR 系统")
    client = Client()
    response = client.post(
        "/api/v1/users",
        {
            "username": "api_worker",
            "display_name": "接口员工",
            "organisation_id": world.orgs["enterprise_a"].pk,
            "roles": [Role.TRAINEE],
        },
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["temporary_password"]) == 12
    # Into another enterprise: indistinguishable from a missing organisation.
    response = client.post(
        "/api/v1/users",
        {
            "username": "api_worker2",
            "display_name": "x",
            "organisation_id": world.orgs["enterprise_b"].pk,
            "roles": [Role.TRAINEE],
        },
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 404


def test_validation_errors_are_chinese_and_name_the_field(world):
    client = Client()
    client.force_login(world.owner)
    response = client.patch(
        f"/api/v1/users/{world.users['trainee_a'].pk}", {"phone": "abc"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "phone" in response.json()["errors"]
    assert "电话号码格式不正确" in response.json()["detail"]


def test_openapi_schema_and_local_docs(world):
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/organisations" in paths and "/api/v1/reference/regions" in paths
    client.force_login(world.owner)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text


def test_reference_api(world):
    client = Client()
    client.force_login(world.users["trainee_a"])
    regions = client.get("/api/v1/reference/regions").json()
    assert {r["name"] for r in regions} >= {"张店区", "高新区", "文昌湖区"}
    industries = {i["code"]: i for i in client.get("/api/v1/reference/industries").json()}
    assert industries["construction"]["gbt4754_codes"] == ["E47", "E48", "E49", "E50"]
    assert industries["hazchem"]["gbt4754_codes"] == []
