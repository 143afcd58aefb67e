from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "yufang.projects"
    label = "projects"
    verbose_name = "项目管理"

    def ready(self) -> None:
        from yufang.accounts.models import Role
        from yufang.core.registry import NavGroup, NavItem, Panel, add_nav, add_panel, add_todos

        from . import contributions, scoping  # noqa: F401 - registers the scoping rules
        from . import selectors as s
        from .todos import project_todos

        officials = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER)
        add_nav(
            NavItem(
                "工伤预防项目",
                "projects:list",
                lambda u: u.has_role(*officials, Role.PROVIDER_STAFF),
                group=NavGroup.PROJECTS,
                order=46,
            )
        )
        add_nav(
            NavItem(
                "进度报告",
                "projects:report_list",
                lambda u: u.has_role(*officials, Role.PROVIDER_STAFF),
                group=NavGroup.PROJECTS,
                order=47,
            )
        )
        add_nav(
            NavItem(
                "项目付款",
                "projects:payment_list",
                lambda u: u.has_role(*officials, Role.PROVIDER_STAFF),
                group=NavGroup.PROJECTS,
                order=48,
            )
        )

        add_todos(project_todos)
        add_panel(Panel("projects/_home_provider.html", s.provider_home_panel, order=1))
        add_panel(Panel("projects/_home_payments.html", s.payments_home_panel, order=3))
        contributions.register()
