"""Who may do what with providers and agreements. Each check returns (allowed, reason); the
agreement checks know its status too (`not_now`: the page greys the button out with the reason,
the service refuses with it)."""

from django.core.exceptions import PermissionDenied

from yufang.accounts.models import Role
from yufang.core.permissions import Verdict, allow, deny, not_now

from .models import AgreementStatus, TeamChangeStatus


def is_manager(user) -> bool:
    """Programme owner or agency: they register providers, verify and procure."""
    return user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF)


def can_manage_providers(user) -> tuple[bool, str]:
    if is_manager(user):
        return True, ""
    return False, "只有市人社局和经办机构可以登记、核验服务机构。"


def can_edit_profile(user, organisation) -> tuple[bool, str]:
    if is_manager(user):
        return True, ""
    if user.has_role(Role.PROVIDER_STAFF) and user.organisation_id == organisation.pk:
        return True, ""
    return False, "只有本机构工作人员或经办机构可以修改服务机构资料。"


def can_verify_profile(user, profile=None) -> tuple[bool, str]:
    if is_manager(user):
        return True, ""
    return False, "只有市人社局和经办机构可以核验服务机构资料。"


def can_resubmit_profile(user, profile) -> tuple[bool, str]:
    ok, reason = can_edit_profile(user, profile.organisation)
    return (True, "") if ok else (False, "只有本机构工作人员可以提交核验。")


def can_manage_qualifications(user, organisation) -> tuple[bool, str]:
    ok, _ = can_edit_profile(user, organisation)
    return (True, "") if ok else (False, "只有本机构工作人员或经办机构可以上传资质。")


def can_manage_procurement(user) -> tuple[bool, str]:
    if is_manager(user):
        return True, ""
    return False, "只有市人社局和经办机构可以登记采购记录。"


def can_manage_rules(user) -> tuple[bool, str]:
    if user.is_programme_owner:
        return True, ""
    return False, "采购规则只能由市人社局维护。"


def can_debar(user, debarment=None) -> tuple[bool, str]:
    if not user.is_programme_owner:
        return False, "禁入决定只能由市人社局作出或解除。"
    if debarment is not None and debarment.is_ended:
        return False, f"禁入期已于 {debarment.end_date:%Y-%m-%d} 届满，无需解除。"
    return True, ""


def agency_only(user, agreement=None) -> tuple[bool, str]:
    if user.is_agency:
        return True, ""
    return False, "只有经办机构可以办理服务协议的签订与管理。"


def provider_of(user, agreement) -> tuple[bool, str]:
    if user.has_role(Role.PROVIDER_STAFF) and user.organisation_id == agreement.provider_id:
        return True, ""
    return False, "只有本协议的服务机构（乙方）工作人员可以确认。"


# Status refusals on agreements have always been PermissionDenied in the services (and 403 on
# the pages and the API); they keep that error.
def _not_now(reason: str) -> Verdict:
    return not_now(reason, error=PermissionDenied)


IN_EFFECT = (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE)


def can_edit_agreement(user, agreement=None) -> Verdict:
    ok, reason = agency_only(user)
    if not ok:
        return deny(reason)
    if agreement is not None and agreement.status != AgreementStatus.DRAFT:
        return _not_now("协议已发送或已签订，不能直接修改：已签订的协议只能通过协议变更调整。")
    return allow()


def can_amend_agreement(user, agreement) -> Verdict:
    ok, reason = agency_only(user)
    if not ok:
        return deny(reason)
    if agreement.status not in IN_EFFECT:
        return _not_now("只有已签订或履行中的协议可以变更。")
    return allow()


def can_request_team_change(user, agreement) -> Verdict:
    if not (user.is_agency or provider_of(user, agreement)[0]):
        return deny("只有本协议的服务机构或经办机构可以申请变更项目组成员。")
    if agreement.status not in IN_EFFECT:
        return _not_now("协议签订前可直接调整项目组成员，无需申请。")
    if agreement.team_changes.filter(status=TeamChangeStatus.PENDING).exists():
        return not_now("已有待审核的项目组成员变更申请，请等待经办机构审核。")
    return allow()


def can_edit_team(user, agreement) -> Verdict:
    if not (user.is_agency or provider_of(user, agreement)[0]):
        return deny("只有本协议的服务机构或经办机构可以维护项目组成员。")
    if agreement.is_frozen:
        return _not_now("协议签订后，项目组成员原则上不更换；确需变更的，请提交变更申请。")
    return allow()
