"""Who may manage whom. Each check returns (allowed, reason)."""

from .models import ROLE_ORGANISATION_KINDS, Organisation, OrganisationKind, Role

SELF_MANAGED_KINDS = {"provider", "enterprise"}

# The hierarchy of privilege: nobody manages an account that holds a role ranked above their
# own highest one. The programme owner leads; the agency runs the programme for it; partner
# departments and district bureaus take part; providers and enterprises manage their own staff.
ROLE_RANK: dict[str, int] = {
    Role.PROGRAMME_OWNER: 60,
    Role.AGENCY_STAFF: 50,
    Role.PARTNER: 40,
    Role.DISTRICT_OFFICER: 40,
    Role.PROVIDER_STAFF: 30,
    Role.ENTERPRISE_CONTACT: 30,
    Role.TRAINEE: 10,
}


def rank_of(user) -> int:
    return max((ROLE_RANK[r] for r in user.role_set if r in ROLE_RANK), default=0)


def can_manage_organisations(actor) -> tuple[bool, str]:
    if actor.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    return False, "只有市人社局和经办机构可以维护机构。"


def can_manage_users_of(actor, organisation: Organisation | None) -> tuple[bool, str]:
    """Whether the actor administers the accounts of this organisation: the owner every
    organisation, the agency every one but the owner's bureau, a provider or an enterprise its own."""
    if organisation is None:
        return False, "该账号不属于任何机构，只能由超级管理员管理。"
    if actor.is_superuser or actor.has_role(Role.PROGRAMME_OWNER):
        return True, ""
    if actor.has_role(Role.AGENCY_STAFF):
        if organisation.kind == OrganisationKind.HRSS:
            return False, "只有市人社局可以管理市人社局的账号。"
        return True, ""
    if (
        actor.has_role(Role.PROVIDER_STAFF, Role.ENTERPRISE_CONTACT)
        and actor.organisation_id == organisation.pk
        and organisation.kind in SELF_MANAGED_KINDS
    ):
        return True, ""
    return False, "您只能管理本机构的账号。"


def can_manage_user(actor, target) -> tuple[bool, str]:
    """Edit, reset the password of, deactivate or change the roles of an existing account: the
    actor must administer the target's organisation and hold at least the target's privilege;
    a superuser is managed only by a superuser."""
    if target.is_superuser and not actor.is_superuser:
        return False, "超级管理员账号只能由超级管理员管理。"
    if actor.is_superuser:
        return True, ""
    allowed, reason = can_manage_users_of(actor, target.organisation)
    if not allowed:
        return allowed, reason
    if rank_of(target) > rank_of(actor):
        return False, "不能管理权限高于自己的账号。"
    return True, ""


def can_use_api_tokens(actor) -> tuple[bool, str]:
    """API tokens are for staff systems; a trainee studies in the browser and the player."""
    if actor.is_staff_system_user:
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
        if ROLE_RANK[role] > rank_of(actor) and not actor.is_superuser:
            return False, f"不能授予高于自己权限的「{Role(role).label}」角色。"
    return True, ""
