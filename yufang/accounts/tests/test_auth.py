import pytest
from django.test import Client
from django.urls import reverse

from yufang.accounts import services
from yufang.accounts.tests.factories import PASSWORD


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1")


def test_login_and_logout(client, world):
    response = login(client, "t_agency", PASSWORD)
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert "待办" in home.text
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_wrong_password_says_so_in_chinese(client, world):
    response = login(client, "t_agency", "wrong-password-1")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.text


def test_lockout_after_five_failures_for_user_and_address(client, world):
    for _ in range(5):
        login(client, "t_agency", "wrong-password-1")
    # Even the right password is refused now, from this address.
    response = login(client, "t_agency", PASSWORD)
    assert response.status_code == 429
    assert "锁定 15 分钟" in response.text
    # Another address, or another user, is not locked.
    other = Client()
    assert (
        other.post(
            reverse("accounts:login"), {"username": "t_agency", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
        ).status_code
        == 302
    )
    assert login(Client(), "t_partner", PASSWORD).status_code == 302


def test_csrf_is_enforced_on_login(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "t_agency", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1", "太短"),
        ("password123", "太常见"),
        ("83746519203746", "只包含数字"),
    ],
)
def test_password_policy(client, world, password, message):
    client.force_login(world.users["agency"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.text


def test_password_change(client, world):
    client.force_login(world.users["agency"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Qilu-safety-2023", "new_password2": "Qilu-safety-2023"},
    )
    assert response.status_code == 302
    world.users["agency"].refresh_from_db()
    assert world.users["agency"].check_password("Qilu-safety-2023")


def test_temporary_password_must_be_changed_first(client, world):
    temporary = services.user_reset_password(actor=world.owner, user=world.users["trainee_a"])
    world.users["trainee_a"].refresh_from_db()
    # An issued password is random: hashed without key stretching (accounts/hashers.py).
    assert world.users["trainee_a"].password.startswith("pbkdf2_sha256_issued$1000$")
    assert login(client, "t_trainee_a", temporary).status_code == 302
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": temporary, "new_password1": "Zibo-worker-88", "new_password2": "Zibo-worker-88"},
    )
    assert client.get(reverse("core:home")).status_code == 200
    world.users["trainee_a"].refresh_from_db()
    assert not world.users["trainee_a"].password.startswith("pbkdf2_sha256_issued$")


def test_admin_only_for_superusers(client, world):
    client.force_login(world.owner)
    assert client.get("/admin/").status_code == 302
