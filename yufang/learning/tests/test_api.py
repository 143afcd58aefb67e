"""/api/v1/learning/certificates: the certificates a role may see, and the public check."""

from django.test import Client

from yufang.accounts.tests.factories import bearer
from yufang.learning.tests.matrix import certificate


def test_certificates_in_scope_and_their_public_check(world):
    mine, theirs = certificate(world, "a"), certificate(world, "b")
    trainee = Client()  # a trainee has no API tokens: the signed-in session
    trainee.force_login(world.users["trainee_a"])
    r = trainee.get("/api/v1/learning/certificates")
    assert r.status_code == 200 and [c["code"] for c in r.json()["items"]] == [mine.code]
    detail = Client().get(f"/api/v1/learning/certificates/{mine.pk}", **bearer(world.users["enterprise_a"])).json()
    assert detail["verify_url"] == f"/learning/verify/{mine.code}/" and detail["id_masked"] == mine.id_masked
    assert (
        Client().get(f"/api/v1/learning/certificates/{theirs.pk}", **bearer(world.users["enterprise_a"])).status_code
        == 404
    )
    assert (
        Client().get(f"/api/v1/learning/certificates/{theirs.pk}", **bearer(world.users["agency"])).status_code == 200
    )
    assert Client().get("/api/v1/learning/certificates").status_code == 401
    # The public check needs no login and states only what the certificate says.
    r = Client().get(f"/api/v1/learning/certificates/verify/{mine.code.lower()}")
    assert r.status_code == 200 and r.json()["valid"] is True and r.json()["name"] == mine.name
    assert r.json()["id_masked"] == mine.id_masked and "enrolment_id" not in r.json()
    r = Client().get("/api/v1/learning/certificates/verify/NOSUCHCODE")
    assert r.json() == {
        "code": "NOSUCHCODE",
        "valid": False,
        "name": "",
        "id_masked": "",
        "year": None,
        "issued_on": None,
        "total_hours": None,
        "issuer": "",
    }
