from django.apps import AppConfig


class InsightConfig(AppConfig):
    """The leaders' view across the programme: whether prevention works, the plan years side by
    side, the annual report to the province and the public disclosure of issued plans."""

    name = "yufang.insight"
    label = "insight"
    verbose_name = "领导视图"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, add_nav

        from . import effect_store, jobs  # noqa: F401 - register the job handlers and the schedule
        from .permissions import can_view_insight

        add_nav(NavItem("预防效果", "insight:effect", lambda u: can_view_insight(u)[0], group=NavGroup.PLAN, order=40))
