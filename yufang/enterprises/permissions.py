from yufang.accounts.models import Role


def can_manage_register(user, profile=None) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    if (
        profile is not None
        and user.has_role(Role.ENTERPRISE_CONTACT)
        and user.organisation_id == profile.organisation_id
    ):
        return True, ""
    return False, "企业名录由经办机构维护；企业联系人可修改本企业资料。"


def can_mark_key(user) -> tuple[bool, str]:
    if user.has_role(Role.AGENCY_STAFF):
        return True, ""
    return False, "重点企业由经办机构确定。"
