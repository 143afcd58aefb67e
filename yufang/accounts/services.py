"""Writes on organisations, users, roles and tokens. Each checks the actor and audits."""

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yufang.core import audit
from yufang.core.models import AuditAction
from yufang.core.permissions import require as _require
from yufang.core.services import model_create, model_update

from .models import ApiToken, Notification, Organisation, OrganisationKind, Role, User, UserRole, hash_token
from .passwords import generate_password, new_user_save, set_issued_password
from .permissions import (
    can_grant_roles,
    can_manage_organisations,
    can_manage_user,
    can_use_api_tokens,
)

ORGANISATION_FIELDS = [
    "kind",
    "name",
    "short_name",
    "credit_code",
    "city",
    "region",
    "address",
    "contact_name",
    "contact_phone",
    "is_active",
]
USER_FIELDS = ["display_name", "phone", "email"]


def organisation_create(*, actor: User, data: dict[str, Any]) -> Organisation:
    _require(can_manage_organisations(actor))
    return model_create(model=Organisation, data=data, actor=actor)


def organisation_update(*, actor: User, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    _require(can_manage_organisations(actor))
    organisation, _ = model_update(
        instance=organisation, fields=[f for f in ORGANISATION_FIELDS if f in data], data=data, actor=actor
    )
    return organisation


def _set_roles(*, user: User, roles: set[str], actor: User) -> None:
    current = set(user.roles.values_list("role", flat=True))
    if current == roles:
        return
    UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles - current])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=user,
        event="roles",
        changes={"roles": [sorted(current), sorted(roles)]},
    )
    user.__dict__.pop("role_set", None)
    user.__dict__.pop("scope", None)


@transaction.atomic
def user_create(
    *,
    actor: User,
    organisation: Organisation,
    username: str,
    roles: set[str],
    display_name: str = "",
    phone: str = "",
    email: str = "",
    password: str | None = None,
) -> tuple[User, str | None]:
    """Creates an account. Without a password, a temporary one is generated, returned once,
    and must be changed at first sign-in."""
    if not roles:
        raise ValidationError({"roles": "请至少选择一个角色。"})
    _require(can_grant_roles(actor, organisation, roles))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})
    user = User(username=username, organisation=organisation, display_name=display_name, phone=phone, email=email)
    issued = new_user_save(user, password)
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    audit.record_create(actor=actor, instance=user)
    audit.record(
        actor=actor, action=AuditAction.UPDATE, instance=user, event="roles", changes={"roles": [[], sorted(roles)]}
    )
    return user, issued


def notification_send(*, user: User, title: str, body: str) -> Notification:
    """Tells a user on their home page about something done to their account."""
    return Notification.objects.create(user=user, title=title, body=body[:500])


def notification_read(*, actor: User, notification: Notification) -> None:
    if notification.user_id != actor.pk:
        raise PermissionDenied("只能处理自己的通知。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def _by(actor: User) -> str:
    org = getattr(actor.organisation, "name", "")
    return f"{org} {actor.get_username()}".strip()


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict[str, Any], roles: set[str] | None = None) -> User:
    _require(can_manage_user(actor, user))
    if user.pk == actor.pk and data.get("is_active") is False:
        raise ValidationError({"is_active": "不能停用自己的账号。"})
    user, _ = model_update(instance=user, fields=[f for f in USER_FIELDS if f in data], data=data, actor=actor)
    if "is_active" in data and data["is_active"] != user.is_active:
        deactivating = not data["is_active"]
        model_update(
            instance=user,
            fields=["is_active"],
            data=data,
            actor=actor,
            event="deactivate" if deactivating else "reactivate",
        )
        if deactivating:
            notification_send(
                user=user,
                title="您的账号曾被停用",
                body=f"{timezone.localtime():%Y-%m-%d %H:%M}，{_by(actor)} 停用了您的账号。如有疑问，请联系该机构。",
            )
    if roles is not None:
        if not roles:
            raise ValidationError({"roles": "请至少选择一个角色。"})
        _require(can_grant_roles(actor, user.organisation, roles))
        _set_roles(user=user, roles=roles, actor=actor)
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    _require(can_manage_user(actor, user))
    password = generate_password()
    set_issued_password(user, password)
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action=AuditAction.PASSWORD_RESET, instance=user)
    _tokens_revoke_all(user=user, actor=actor)
    notification_send(
        user=user,
        title="您的密码已被重置",
        body=f"{timezone.localtime():%Y-%m-%d %H:%M}，{_by(actor)} 重置了您的登录密码。"
        "如果这不是您本人要求的，请立即修改密码并联系该机构。",
    )
    return password


def _tokens_revoke_all(*, user: User, actor: User) -> None:
    """A reset means the account may be in the wrong hands: its API tokens stop working too."""
    now = timezone.now()
    for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action=AuditAction.TOKEN_REVOKE, instance=token)


@transaction.atomic
def profile_update(*, user: User, display_name: str, phone: str, email: str) -> User:
    user, _ = model_update(
        instance=user,
        fields=["display_name", "phone", "email"],
        data={"display_name": display_name, "phone": phone, "email": email},
        actor=user,
    )
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确。"})
    if old_password == new_password:
        raise ValidationError({"new_password1": "新密码不能与原密码相同。"})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(actor=user, action=AuditAction.PASSWORD_CHANGE, instance=user)


@transaction.atomic
def token_create(*, actor: User, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    allowed, reason = can_use_api_tokens(actor)
    if not allowed:
        raise PermissionDenied(reason)
    if not name.strip():
        raise ValidationError({"name": "请填写令牌用途。"})
    raw = "yf_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        prefix=raw[3:11],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    audit.record(actor=actor, action=AuditAction.TOKEN_CREATE, instance=token)
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied("只能吊销自己的令牌。")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action=AuditAction.TOKEN_REVOKE, instance=token)
    return token


def token_authenticate(*, raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: the API's hot paths should not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def owner_bootstrap(*, city, organisation_name: str, username: str, password: str, display_name: str = "") -> User:
    """The first programme-owner account of a new deployment (there is nobody yet to create it).
    Refused once any programme owner exists."""
    if UserRole.objects.filter(role=Role.PROGRAMME_OWNER).exists():
        raise ValidationError("已存在市人社局管理员账号，请由其创建其他账号。")
    organisation = Organisation.objects.filter(kind=OrganisationKind.HRSS, city=city).first()
    if organisation is None:
        organisation = Organisation(
            kind=OrganisationKind.HRSS, name=organisation_name, short_name="市人社局", city=city
        )
        organisation.full_clean()
        organisation.save()
        audit.record_create(actor=None, instance=organisation, event="bootstrap")
    user = User(username=username, organisation=organisation, display_name=display_name)
    new_user_save(user, password)
    UserRole.objects.create(user=user, role=Role.PROGRAMME_OWNER)
    audit.record_create(actor=None, instance=user, event="bootstrap")
    return user
