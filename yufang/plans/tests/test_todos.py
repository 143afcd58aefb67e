"""The plans' 待办 items (todos.py), read straight from the source the home page uses."""

from django.urls import reverse

from yufang.plans.todos import plan_todos

from .factories import make_plan


def test_the_owner_is_reminded_of_a_plan_not_yet_issued_and_no_one_else(world):
    draft = make_plan(world, year=2024, issue=False)
    make_plan(world, year=2023)
    (todo,) = plan_todos(world.owner)
    assert todo.title == f"实施方案「{draft.title}」尚未印发"
    assert todo.url == reverse("plans:detail", args=[draft.pk]) and todo.level == "warning"
    assert plan_todos(world.users["agency"]) == []


def test_issued_plans_leave_nothing_waiting(world):
    make_plan(world)
    assert plan_todos(world.owner) == []
