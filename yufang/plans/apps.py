from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "yufang.plans"
    label = "plans"
    verbose_name = "实施方案与资金"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, Panel, add_nav, add_panel, add_todos

        from . import scoping  # noqa: F401 - registers the scoping rules
        from .selectors import budget_home_panel
        from .todos import plan_todos

        add_nav(
            NavItem(
                "实施方案", "plans:list", lambda u: u.scope.kind not in ("self", "none"), group=NavGroup.PLAN, order=10
            )
        )

        add_todos(plan_todos)
        add_panel(Panel("plans/_home_budget.html", budget_home_panel, order=20))
