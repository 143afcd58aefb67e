"""The accounts' 待办 item on each user's home page: a profile without a name or a phone.
Registered in apps.py."""

from django.urls import reverse

from yufang.core.registry import Todo


def account_todos(user) -> list[Todo]:
    if user.display_name and user.phone:
        return []
    return [Todo("完善个人信息（姓名、手机号）", reverse("accounts:profile"), level="warning")]
