"""Publicity's 待办 items: a provider's returned deliverables to correct, the agency's submitted
ones to review. Registered in apps.py."""

from django.urls import reverse

from yufang.accounts.models import Role
from yufang.core.registry import Todo

from .reach import disputed_count, to_confirm_count
from .selectors import returned_count, submitted_count


def publicity_todos(user) -> list[Todo]:
    items = []
    if user.has_role(Role.PROVIDER_STAFF):
        count = returned_count(user=user)
        if count:
            items.append(
                Todo(
                    "宣传成果被退回待修改",
                    reverse("publicity:list") + "?status=returned",
                    count=count,
                    detail="按经办机构的审核意见修改后重新提交。",
                    level="warning",
                )
            )
    if user.has_role(Role.AGENCY_STAFF):
        count = submitted_count(user=user)
        if count:
            items.append(Todo("宣传成果待审核", reverse("publicity:list") + "?status=submitted", count=count))
    return items


def reach_todos(user) -> list[Todo]:
    """A district's distributions of printed material waiting for its confirmation of receipt;
    a provider's distributions a district disputed."""
    items = []
    if user.has_role(Role.DISTRICT_OFFICER):
        count = to_confirm_count(user=user)
        if count:
            items.append(
                Todo(
                    "宣传资料待确认签收",
                    reverse("publicity:distribution_list") + "?status=recorded",
                    count=count,
                    detail="核对签收单后确认本区县已收到，或提出异议。",
                    level="warning",
                )
            )
    if user.has_role(Role.PROVIDER_STAFF):
        count = disputed_count(user=user)
        if count:
            items.append(
                Todo(
                    "宣传资料发放被区县提出异议",
                    reverse("publicity:distribution_list") + "?status=disputed",
                    count=count,
                    detail="按区县意见核实后说明并重新提交，或删除该发放记录。",
                    level="warning",
                )
            )
    return items
