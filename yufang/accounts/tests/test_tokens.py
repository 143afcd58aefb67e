from django.test import Client
from django.urls import reverse

from yufang.accounts.models import ApiToken
from yufang.accounts.tests.factories import PASSWORD


def test_token_page_shows_key_once_and_only_own_tokens(client, world):
    client.force_login(world.users["agency"])
    response = client.post(reverse("accounts:tokens"), {"name": "报表系统", "days": 90})
    assert "yf_" in response.text
    token = ApiToken.objects.get(user=world.users["agency"])
    assert "yf_" not in client.get(reverse("accounts:tokens")).text
    client.force_login(world.owner)
    assert "报表系统" not in client.get(reverse("accounts:tokens")).text
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404


def _token_for(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "报表系统", "days": 90})
    return next(
        w for w in response.text.replace('"', " ").replace("<", " ").replace(">", " ").split() if w.startswith("yf_")
    )


def test_an_administrators_password_reset_revokes_the_users_tokens(client, world):
    from yufang.accounts import services
    from yufang.core.models import AuditLog

    agency = world.users["agency"]
    raw = _token_for(client, agency)
    api = Client()
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    services.user_reset_password(actor=world.owner, user=agency)
    assert ApiToken.objects.get(user=agency).revoked_at is not None
    assert AuditLog.objects.filter(action="token_revoke", object_id=str(ApiToken.objects.get(user=agency).pk)).exists()
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_temporary_password_keeps_the_whole_api_closed_until_it_is_changed(client, world):
    from yufang.accounts import services

    agency = world.users["agency"]
    raw = _token_for(client, agency)
    agency.must_change_password = True
    agency.save(update_fields=["must_change_password"])
    api = Client()
    response = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403 and "修改临时密码" in response.json()["detail"]
    session = Client()
    session.force_login(agency)
    response = session.get("/api/v1/organisations")
    assert response.status_code == 403 and "修改临时密码" in response.json()["detail"]
    services.password_change(user=agency, old_password=PASSWORD, new_password="Zibo-agency-2024!")
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    session.force_login(agency)  # the password change ended the old session
    assert session.get("/api/v1/organisations").status_code == 200
