from django.apps import AppConfig


class InsightConfig(AppConfig):
    """The leaders' view across the programme: whether prevention works, the plan years side by
    side, the annual report to the province and the public disclosure of issued plans."""

    name = "yufang.insight"
    label = "insight"
    verbose_name = "领导视图"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, add_nav

        from . import briefing_jobs, effect_store, jobs, scoping  # noqa: F401 - job handlers, schedules, scoping
        from .permissions import can_view_insight

        add_nav(NavItem("领导驾驶舱", "insight:dashboard", lambda u: can_view_insight(u)[0], order=5))
        add_nav(
            NavItem("工作简报", "insight:briefings", lambda u: can_view_insight(u)[0], group=NavGroup.PLAN, order=39)
        )
        add_nav(NavItem("预防效果", "insight:effect", lambda u: can_view_insight(u)[0], group=NavGroup.PLAN, order=40))
