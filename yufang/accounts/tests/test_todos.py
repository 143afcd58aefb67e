"""The accounts' 待办 item (todos.py), read straight from the source the home page uses."""

from django.urls import reverse

from yufang.accounts.services import profile_update
from yufang.accounts.todos import account_todos


def test_a_profile_without_a_phone_is_asked_to_be_completed(world):
    user = world.users["enterprise_a"]
    profile_update(user=user, display_name=user.display_name, phone="", email="")
    (todo,) = account_todos(user)
    assert todo.title == "完善个人信息（姓名、手机号）" and todo.url == reverse("accounts:profile")
    assert todo.level == "warning"


def test_a_complete_profile_has_nothing_waiting(world):
    assert account_todos(world.users["enterprise_a"]) == []
