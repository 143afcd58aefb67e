from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "yufang.projects"
    label = "projects"
    verbose_name = "项目管理"

    def ready(self) -> None:
        from yufang.accounts.models import Role
        from yufang.core.registry import NavItem, add_nav, add_todos

        from . import contributions, scoping  # noqa: F401 - registers the scoping rules
        from .todos import project_todos

        officials = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER)
        add_nav(
            NavItem("工伤预防项目", "projects:list", lambda u: u.has_role(*officials, Role.PROVIDER_STAFF), order=50)
        )

        add_todos(project_todos)
        contributions.register()
