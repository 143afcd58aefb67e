"""Who may manage whom. Each check returns (allowed, reason)."""

from .models import ROLE_ORGANISATION_KINDS, Organisation, Role

SELF_MANAGED_KINDS = {"provider", "enterprise"}


def can_manage_organisations(actor) -> tuple[bool, str]:
    if actor.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    return False, "只有市人社局和经办机构可以维护机构。"


def can_manage_users_of(actor, organisation: Organisation) -> tuple[bool, str]:
    if actor.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    if (
        actor.has_role(Role.PROVIDER_STAFF, Role.ENTERPRISE_CONTACT)
        and actor.organisation_id == organisation.pk
        and organisation.kind in SELF_MANAGED_KINDS
    ):
        return True, ""
    return False, "您只能管理本机构的账号。"


def can_use_api_tokens(actor) -> tuple[bool, str]:
    """API tokens are for staff systems; a trainee studies in the browser and the player."""
    if actor.role_set - {Role.TRAINEE}:
        return True, ""
    return False, "学员账号不使用 API 令牌。"


def can_manage_any_users(actor) -> bool:
    return actor.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PROVIDER_STAFF, Role.ENTERPRISE_CONTACT)


def can_grant_roles(actor, organisation: Organisation, roles: set[str]) -> tuple[bool, str]:
    allowed, reason = can_manage_users_of(actor, organisation)
    if not allowed:
        return allowed, reason
    for role in roles:
        if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
            return False, f"「{Role(role).label}」角色不适用于{organisation.get_kind_display()}。"
        if role == Role.PROGRAMME_OWNER and not actor.is_programme_owner:
            return False, "只有市人社局可以授予项目主管角色。"
    return True, ""
