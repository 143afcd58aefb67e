"""Who may write a plan and its budget, and whether the plan's status allows it now."""

from django.core.exceptions import PermissionDenied

from yufang.accounts.models import Role
from yufang.core.permissions import Verdict, allow, deny, not_now

from .models import PlanStatus


def can_edit_plan(user, plan=None) -> Verdict:
    """The plan's fields and its budget lines and items: the owner, while the plan is a draft
    (a refusal by status has always been a 403 on the pages and PermissionDenied in the services)."""
    if not user.is_programme_owner:
        return deny("实施方案只能由市人社局编制和修改。")
    if plan is not None and plan.status != PlanStatus.DRAFT:
        return not_now("已印发的实施方案不能修改；如需调整，请先撤回为草稿。", error=PermissionDenied)
    return allow()


def can_view_execution(user) -> tuple[bool, str]:
    if user.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER):
        return True, ""
    return False, "预算执行情况仅对市、区县主管部门和协同部门开放。"


def owner_only(user, plan) -> tuple[bool, str]:
    if user.is_programme_owner:
        return True, ""
    return False, "只有市人社局可以执行此操作。"
