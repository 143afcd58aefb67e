"""Who may move a project. Each check is (user, project) -> (allowed, reason)."""

from yufang.accounts.models import Role


def provider_of(user, project) -> tuple[bool, str]:
    if user.has_role(Role.PROVIDER_STAFF) and user.organisation_id == project.provider_id:
        return True, ""
    return False, "只有承担本项目的服务机构可以执行此操作。"


def agency(user, project) -> tuple[bool, str]:
    if user.has_role(Role.AGENCY_STAFF):
        return True, ""
    return False, "只有市社会保险经办机构可以执行此操作。"


def owner(user, project) -> tuple[bool, str]:
    if user.is_programme_owner:
        return True, ""
    return False, "评估验收由市人社局组织。"


def provider_or_agency(user, project) -> tuple[bool, str]:
    if provider_of(user, project)[0] or agency(user, project)[0]:
        return True, ""
    return False, "只有服务机构或经办机构可以执行此操作。"
