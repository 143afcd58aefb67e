"""Supervision's 待办: overdue rectifications on both sides (the provider that owes them, the
inspecting side that follows them up), answers waiting for review, requests to answer."""

from django.urls import reverse

from yufang.accounts.models import Role
from yufang.core.registry import Todo

from .selectors import answered_findings, overdue_findings, rectifying_findings


def supervision_todos(user) -> list[Todo]:
    if not user.has_role(Role.AGENCY_STAFF, Role.DISTRICT_OFFICER, Role.PROVIDER_STAFF):
        return []
    items = []
    url = reverse("supervision:findings")
    overdue = overdue_findings(user=user).count()
    if overdue:
        detail = "请尽快完成整改并提交佐证。" if user.has_role(Role.PROVIDER_STAFF) else "请督促服务机构整改。"
        items.append(Todo("整改已逾期", url + "?overdue=1", count=overdue, detail=detail, level="danger"))
    if user.has_role(Role.PROVIDER_STAFF):
        count = rectifying_findings(user=user).count()
        if count:
            items.append(Todo("检查发现问题待整改", url + "?status=rectifying", count=count, level="warning"))
    else:
        count = answered_findings(user=user).count()
        if count:
            items.append(Todo("整改情况待复核", url + "?status=answered", count=count))
    return items
