"""Publicity's 待办 items: a provider's returned deliverables to correct, the agency's submitted
ones to review. Registered in apps.py."""

from django.urls import reverse

from yufang.accounts.models import Role
from yufang.core.registry import Todo

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
