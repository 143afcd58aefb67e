from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "yufang.projects"
    label = "projects"
    verbose_name = "项目管理"

    def ready(self) -> None:
        from . import scoping  # noqa: F401 - registers the scoping rules
