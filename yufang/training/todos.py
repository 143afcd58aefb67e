"""Offline training's 待办 item on the agency's home page: open fraud flags to check.
Registered in apps.py."""

from django.urls import reverse

from yufang.accounts.models import Role
from yufang.core.registry import Todo

from .selectors import open_flag_count


def flag_todos(user) -> list[Todo]:
    if not user.has_role(Role.AGENCY_STAFF):
        return []
    count = open_flag_count(user=user)
    if not count:
        return []
    return [Todo("线下培训异常待核查", reverse("training:flag_list") + "?status=open", count=count, level="warning")]
