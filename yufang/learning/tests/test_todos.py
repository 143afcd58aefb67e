"""The online platform's 待办 item (todos.py), read straight from the source the home page uses."""

import datetime

from django.urls import reverse

from yufang.learning import services
from yufang.learning.todos import registration_todos
from yufang.targets.tests.factories import id_number

from .test_registration import data


def test_the_employer_and_the_agency_see_a_pending_registration(world, setup):
    number = id_number("370303", datetime.date(1990, 5, 6), 17)
    services.person_self_register(**data(world, name="王新人", number=number, enterprise="enterprise_a"))
    (todo,) = registration_todos(world.users["enterprise_a"])
    assert todo.title == "个人注册待确认" and todo.count == 1
    assert todo.url == reverse("learning:registrations") + "?status=pending"
    assert registration_todos(world.users["agency"])[0].count == 1
    assert registration_todos(world.users["enterprise_b"]) == []
    assert registration_todos(world.users["provider_a"]) == []
