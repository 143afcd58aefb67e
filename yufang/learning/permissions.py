"""Who may do what on the online platform. Each check returns (allowed, reason)."""

from yufang.accounts.models import Role


def is_learner(user) -> bool:
    return user.is_authenticated and user.has_role(Role.TRAINEE)


def can_manage_catalogue(user) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PROVIDER_STAFF):
        return True, ""
    return False, "课程与题库由经办机构和服务机构维护。"


def can_edit_course(user, course) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    if user.has_role(Role.PROVIDER_STAFF) and course.provider_id == user.organisation_id:
        return True, ""
    return False, "只能维护本机构提供的课程。"


def can_set_curriculum(user) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    return False, "年度课程设置由市人社局或经办机构确定。"


def can_edit_study_rule(user) -> tuple[bool, str]:
    # The year's study settings go with its curriculum: whoever sets the one sets the other.
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    return False, "年度学习设置由市人社局或经办机构确定。"


def can_view_learners(user) -> tuple[bool, str]:
    if user.has_role(
        Role.PROGRAMME_OWNER,
        Role.AGENCY_STAFF,
        Role.DISTRICT_OFFICER,
        Role.PROVIDER_STAFF,
        Role.ENTERPRISE_CONTACT,
    ):
        return True, ""
    return False, "学员名单仅对市、区县主管部门、服务机构和企业开放。"


def can_enrol(user) -> tuple[bool, str]:
    if user.has_role(Role.AGENCY_STAFF, Role.PROVIDER_STAFF, Role.ENTERPRISE_CONTACT):
        return True, ""
    return False, "学员名单由服务机构、企业或经办机构导入。"


def can_view_patterns(user) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PROVIDER_STAFF):
        return True, ""
    return False, "异常学习线索仅对市人社局、经办机构和服务机构开放。"


def can_view_statistics(user) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER):
        return True, ""
    return False, "平台统计仅对市、区县主管部门和协同部门开放。"


def can_decide_registration(user, registration) -> tuple[bool, str]:
    """A self-registration is confirmed by the enterprise it names (which knows its staff) or by
    the agency that keeps the people register."""
    if user.has_role(Role.AGENCY_STAFF):
        return True, ""
    if user.has_role(Role.ENTERPRISE_CONTACT) and user.organisation_id == registration.enterprise_id:
        return True, ""
    return False, "个人注册由所填单位的企业联系人或经办机构确认。"


def can_record_for(user, enrolment) -> tuple[bool, str]:
    """Who may enter a learner's study records or exam answer sheets in bulk (recorded study
    synchronised from a device, a proctored exam session): the agency that runs the platform,
    for anyone; a provider, for the learners it enrolled."""
    if user.has_role(Role.AGENCY_STAFF):
        return True, ""
    if user.has_role(Role.PROVIDER_STAFF) and enrolment.provider_id and enrolment.provider_id == user.organisation_id:
        return True, ""
    return False, "只能为本机构报名的学员批量记录学习时长或考试答卷。"
