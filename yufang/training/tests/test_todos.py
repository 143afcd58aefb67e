"""Offline training's 待办 item (todos.py), read straight from the source the home page uses."""

from django.urls import reverse

from yufang.training.todos import flag_todos

from .matrix import flag


def test_the_agency_is_led_to_the_open_flags_and_a_provider_is_not(world):
    flag(world, "a")
    (todo,) = flag_todos(world.users["agency"])
    assert todo.title == "线下培训异常待核查" and todo.url == reverse("training:flag_list") + "?status=open"
    assert todo.count >= 1 and todo.level == "warning"
    assert flag_todos(world.users["provider_a"]) == []


def test_no_open_flag_means_no_item(world):
    assert flag_todos(world.users["agency"]) == []
