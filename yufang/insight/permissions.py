from yufang.accounts.models import Role

OFFICIALS = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER)


def can_view_insight(user) -> tuple[bool, str]:
    """The leaders' pages: officials see the city, district staff their district."""
    if user.has_role(*OFFICIALS):
        return True, ""
    return False, "该页面仅对市、区县主管部门和协同部门开放。"


def can_make_annual_report(user) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    return False, "年度报告由市人社局或经办机构生成。"


def can_make_briefing(user, region=None) -> tuple[bool, str]:
    """The owner and the agency make any briefing; a district bureau its own district's."""
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    if (
        region is not None
        and user.has_role(Role.DISTRICT_OFFICER)
        and user.organisation is not None
        and user.organisation.region_id == region.pk
    ):
        return True, ""
    return False, "工作简报由市人社局、经办机构或本区县人社局生成。"
