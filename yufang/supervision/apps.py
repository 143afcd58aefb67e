from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "yufang.supervision"
    label = "supervision"
    verbose_name = "全过程监管"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, add_nav, add_todos

        from . import contributions, scoping  # noqa: F401 - registers scoping rules
        from .permissions import can_view_coverage, can_view_inspections
        from .todos import supervision_todos

        add_nav(
            NavItem(
                "监督检查",
                "supervision:list",
                lambda u: can_view_inspections(u)[0],
                group=NavGroup.PROJECTS,
                order=48,
            )
        )
        add_nav(
            NavItem(
                "监管覆盖",
                "supervision:coverage",
                lambda u: can_view_coverage(u)[0],
                group=NavGroup.PROJECTS,
                order=49,
            )
        )
        add_todos(supervision_todos)
        contributions.register()
