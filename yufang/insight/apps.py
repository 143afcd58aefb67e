from django.apps import AppConfig


class InsightConfig(AppConfig):
    """The leaders' view across the programme: whether prevention works, the plan years side by
    side, the annual report to the province and the public disclosure of issued plans."""

    name = "yufang.insight"
    label = "insight"
    verbose_name = "领导视图"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, Panel, add_nav, add_panel

        from . import briefing_jobs, effect_store, jobs, scoping  # noqa: F401 - job handlers, schedules, scoping
        from .permissions import can_view_insight
        from .selectors import dashboard_home_panel

        # In the plan group, first: the menu bar keeps its six places; the home page links here too.
        add_nav(
            NavItem("领导驾驶舱", "insight:dashboard", lambda u: can_view_insight(u)[0], group=NavGroup.PLAN, order=1)
        )
        add_panel(Panel("insight/_home_dashboard.html", dashboard_home_panel, order=10))
        add_nav(
            NavItem("工作简报", "insight:briefings", lambda u: can_view_insight(u)[0], group=NavGroup.PLAN, order=39)
        )
        add_nav(NavItem("预防效果", "insight:effect", lambda u: can_view_insight(u)[0], group=NavGroup.PLAN, order=40))
