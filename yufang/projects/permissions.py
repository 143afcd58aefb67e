"""Who may move a project and its records. Each check is (user, record) -> (allowed, reason)."""

from yufang.accounts.models import OrganisationKind, Role


def _project(record):
    return getattr(record, "project", record)


def provider_of(user, record) -> tuple[bool, str]:
    project = _project(record)
    if user.has_role(Role.PROVIDER_STAFF) and user.organisation_id == project.provider_id:
        return True, ""
    return False, "只有承担本项目的服务机构可以执行此操作。"


def agency(user, record=None) -> tuple[bool, str]:
    if user.has_role(Role.AGENCY_STAFF):
        return True, ""
    return False, "只有市社会保险经办机构可以执行此操作。"


def owner(user, record=None) -> tuple[bool, str]:
    if user.is_programme_owner:
        return True, ""
    return False, "评估验收由市人社局组织。"


def provider_or_agency(user, record) -> tuple[bool, str]:
    if provider_of(user, record)[0] or agency(user, record)[0]:
        return True, ""
    return False, "只有服务机构或经办机构可以执行此操作。"


def payment_approver(user, record=None) -> tuple[bool, str]:
    if user.is_programme_owner:
        return True, ""
    return False, "付款经经办机构审核后，由市人社局审批。"


def payment_refuser(user, record=None) -> tuple[bool, str]:
    if user.is_programme_owner or user.has_role(Role.AGENCY_STAFF):
        return True, ""
    return False, "只有经办机构或市人社局可以不予支付。"


def plan_change_by_provider(user, version) -> tuple[bool, str]:
    ok, reason = provider_of(user, version)
    if not ok:
        return ok, reason
    if not version.project.approved_plan_id:
        return False, "首个实施方案请在项目页点击「提交实施方案」。"
    return True, ""


def plan_change_by_agency(user, version) -> tuple[bool, str]:
    ok, reason = agency(user)
    if not ok:
        return False, "实施方案变更由经办机构审核。"
    if not version.project.approved_plan_id:
        return False, "首个实施方案在项目页审核。"
    return True, ""


def panel_member_kind(user) -> str:
    """'owner', 'health' or 'emergency' for a user who may sit on an acceptance panel, else ''."""
    if user.is_programme_owner:
        return "owner"
    if user.has_role(Role.PARTNER) and user.organisation is not None:
        if user.organisation.kind == OrganisationKind.HEALTH:
            return "health"
        if user.organisation.kind == OrganisationKind.EMERGENCY:
            return "emergency"
    return ""


def can_file_plan(user, project) -> tuple[bool, str]:
    return provider_of(user, project)


def can_record_deduction(user, project=None) -> tuple[bool, str]:
    ok, _ = agency(user)
    return (True, "") if ok else (False, "扣减项目费用由经办机构决定。")


def can_convene(user, project=None) -> tuple[bool, str]:
    return owner(user)
