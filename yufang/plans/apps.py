from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "yufang.plans"
    label = "plans"
    verbose_name = "实施方案与资金"

    def ready(self) -> None:
        from django.urls import reverse

        from yufang.core.registry import NavGroup, NavItem, Panel, Todo, add_nav, add_panel, add_todos

        from . import scoping  # noqa: F401 - registers the scoping rules
        from .models import Plan, PlanStatus
        from .selectors import budget_home_panel

        add_nav(
            NavItem(
                "实施方案", "plans:list", lambda u: u.scope.kind not in ("self", "none"), group=NavGroup.PLAN, order=10
            )
        )

        def plan_todos(user):
            if not user.is_programme_owner:
                return []
            drafts = Plan.objects.filter(status=PlanStatus.DRAFT).order_by("-year")
            return [
                Todo(f"实施方案「{p.title}」尚未印发", reverse("plans:detail", args=[p.pk]), level="warning")
                for p in drafts[:5]
            ]

        add_todos(plan_todos)
        add_panel(Panel("plans/_home_budget.html", budget_home_panel, order=20))
