"""The online platform's 待办 item for enterprise contacts and the agency: self-registrations
waiting to be confirmed. Registered in apps.py."""

from django.urls import reverse

from yufang.core.registry import Todo
from yufang.core.scoping import scoped

from .models import Registration


def registration_todos(user) -> list[Todo]:
    if not user.has_role("enterprise_contact", "agency_staff"):
        return []
    count = scoped(user, Registration).filter(status="pending").count()
    if not count:
        return []
    return [Todo("个人注册待确认", reverse("learning:registrations") + "?status=pending", count=count)]
