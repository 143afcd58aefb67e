"""Who may manage whom (issue 12, item 1): nobody manages a user of higher privilege or of an
organisation they do not administer; superusers only by superusers; resets and deactivations
are audited and tell the user."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from yufang.accounts import services
from yufang.accounts.models import Notification, Role, User
from yufang.accounts.permissions import can_manage_user
from yufang.accounts.tests.factories import PASSWORD, make_user
from yufang.core.models import AuditAction, AuditLog


@pytest.fixture
def superuser(world):
    user = make_user(world.owner, "t_root", world.orgs["hrss"], Role.PROGRAMME_OWNER)
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    return User.objects.get(pk=user.pk)


# (actor, target, allowed)
CASES = [
    ("agency", "owner", False),  # higher privilege
    ("agency", "trainee_a", True),
    ("agency", "provider_b", True),
    ("owner", "agency", True),
    ("owner", "trainee_b", True),
    ("provider_a", "provider_b", False),  # another organisation
    ("enterprise_a", "trainee_a", True),
    ("enterprise_a", "trainee_b", False),
    ("enterprise_a", "provider_a", False),
    ("district_a", "trainee_a", False),  # districts and partners administer nobody
    ("partner", "trainee_a", False),
    ("trainee_a", "trainee_a", False),
]


@pytest.mark.parametrize(("actor", "target", "allowed"), CASES)
def test_who_may_manage_whom(world, actor, target, allowed):
    ok, reason = can_manage_user(world.users[actor], world.users[target])
    assert ok is allowed
    assert bool(reason) is not allowed


def test_superusers_are_managed_only_by_superusers(world, superuser):
    ok, reason = can_manage_user(world.owner, superuser)
    assert not ok and "超级管理员" in reason
    with pytest.raises(PermissionDenied):
        services.user_reset_password(actor=world.owner, user=superuser)
    other_root = make_user(world.owner, "t_root2", world.orgs["hrss"], Role.PROGRAMME_OWNER)
    User.objects.filter(pk=other_root.pk).update(is_superuser=True)
    assert can_manage_user(User.objects.get(pk=other_root.pk), superuser)[0]


def test_agency_cannot_reset_an_owners_password_on_the_page(client, world):
    owner = world.owner
    client.force_login(world.users["agency"])
    response = client.post(reverse("accounts:user_reset_password", args=[owner.pk]))
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and not owner.must_change_password
    assert "重置密码" not in client.get(reverse("accounts:user_detail", args=[owner.pk])).text


def test_agency_cannot_deactivate_an_owner_through_the_api(world):
    _, raw = services.token_create(actor=world.users["agency"], name="对接")
    response = Client().patch(
        f"/api/v1/users/{world.owner.pk}",
        {"is_active": False},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    world.owner.refresh_from_db()
    assert world.owner.is_active


def test_reset_is_audited_and_the_user_is_told(client, world):
    trainee = world.users["trainee_a"]
    client.force_login(world.users["enterprise_a"])
    response = client.post(reverse("accounts:user_reset_password", args=[trainee.pk]))
    assert response.status_code == 200
    log = AuditLog.objects.for_object(trainee).filter(action=AuditAction.PASSWORD_RESET).get()
    assert log.actor == world.users["enterprise_a"]
    note = Notification.objects.get(user=trainee)
    assert "重置" in note.title and "t_enterprise_a" in note.body
    User.objects.filter(pk=trainee.pk).update(must_change_password=False)  # as after the first sign-in
    client.force_login(User.objects.get(pk=trainee.pk))
    home = client.get(reverse("core:home")).text
    assert note.title in home
    client.post(reverse("accounts:notification_read", args=[note.pk]))
    assert note.title not in client.get(reverse("core:home")).text
    # Another user's notice is not theirs to dismiss.
    other = Notification.objects.create(user=world.users["trainee_b"], title="x", body="y")
    assert client.post(reverse("accounts:notification_read", args=[other.pk])).status_code == 404


def test_deactivation_is_audited_and_the_user_is_told(world):
    trainee = world.users["trainee_a"]
    services.user_update(actor=world.users["agency"], user=trainee, data={"is_active": False})
    log = AuditLog.objects.for_object(trainee).filter(event="deactivate").get()
    assert log.changes == {"is_active": [True, False]}
    assert Notification.objects.filter(user=trainee, title__contains="停用").exists()
