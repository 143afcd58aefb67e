from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "yufang.targets"
    label = "targets"
    verbose_name = "目标与进度"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, Panel, add_nav, add_panel

        from . import contributions, jobs, scoping  # noqa: F401 - registers scoping rules and job handlers
        from .permissions import can_view_progress
        from .selectors import home_panel

        add_nav(
            NavItem("目标进度", "targets:current", lambda u: can_view_progress(u)[0], group=NavGroup.PLAN, order=20)
        )
        add_panel(Panel("targets/_home_panel.html", home_panel, order=10))
        add_nav(
            NavItem(
                "培训记录",
                "targets:completions",
                lambda u: u.scope.kind not in ("self", "none") and not u.scope.partner,  # person-level records
                group=NavGroup.TRAINING,
                order=55,
            )
        )
        contributions.register()
