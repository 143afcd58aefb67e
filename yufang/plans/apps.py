from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "yufang.plans"
    label = "plans"
    verbose_name = "实施方案与资金"

    def ready(self) -> None:
        from yufang.core.registry import NavItem, add_nav

        from . import scoping  # noqa: F401 - registers the scoping rules

        add_nav(
            NavItem("实施方案", "plans:list", lambda u: u.scope.kind != "self" and u.scope.kind != "none", order=10)
        )
