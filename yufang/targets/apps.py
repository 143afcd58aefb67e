from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "yufang.targets"
    label = "targets"
    verbose_name = "目标与进度"

    def ready(self) -> None:
        from yufang.core.registry import NavItem, add_nav

        from . import jobs, scoping  # noqa: F401 - registers scoping rules and job handlers
        from .permissions import can_view_progress

        add_nav(NavItem("目标进度", "targets:current", lambda u: can_view_progress(u)[0], order=20))
        add_nav(NavItem("培训记录", "targets:completions", lambda u: u.scope.kind not in ("self", "none"), order=30))
