"""The plans' 待办 items on the programme owner's home page: the (at most five latest) plans
still in draft. Registered in apps.py."""

from django.urls import reverse

from yufang.core.registry import Todo

from .models import Plan, PlanStatus


def plan_todos(user) -> list[Todo]:
    if not user.is_programme_owner:
        return []
    drafts = Plan.objects.filter(status=PlanStatus.DRAFT).order_by("-year")
    return [
        Todo(f"实施方案「{p.title}」尚未印发", reverse("plans:detail", args=[p.pk]), level="warning")
        for p in drafts[:5]
    ]
