from yufang.accounts.models import Role
from yufang.core.permissions import Verdict, allow, deny, not_now
from yufang.plans.models import PlanStatus


def can_view_progress(user) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER):
        return True, ""
    return False, "目标进度仅对市、区县主管部门和协同部门开放。"


def can_manage_targets(user) -> tuple[bool, str]:
    if user.is_programme_owner:
        return True, ""
    return False, "目标与多年度工程只能由市人社局设定。"


def can_import_historic(actor) -> tuple[bool, str]:
    if actor.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF):
        return True, ""
    return False, "原系统记录只能由市人社局或经办机构导入。"


def can_revoke_completion(user) -> tuple[bool, str]:
    """The agency decides whether a completion that proved false is revoked."""
    if user.is_authenticated and user.is_agency:
        return True, ""
    return False, "培训完成记录只能由经办机构撤销。"


def can_set_target_parts(user, target) -> Verdict:
    """A target's parts by district (分解到区县): the programme owner (or a superuser) sets them,
    for a target counted in people or enterprises, until the plan's year is closed."""
    if not (user.is_superuser or user.is_programme_owner):
        return deny("目标分解到区县只能由市人社局设定。")
    if target.is_share:
        return not_now("完成比例指标按多年度工程摸底基数计算，不分解到区县。")
    if target.plan.status == PlanStatus.CLOSED:
        return not_now("实施方案已结束年度，目标分解不能再修改；如需调整，请先重新开启。")
    return allow()
