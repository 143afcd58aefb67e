from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "yufang.publicity"
    label = "publicity"
    verbose_name = "工伤预防宣传"

    def ready(self) -> None:
        from yufang.accounts.models import Role
        from yufang.core.registry import NavGroup, NavItem, add_nav, add_todos

        from . import contributions, jobs, report_figures, scoping  # noqa: F401 - registers scoping rules, job handlers and report figures
        from .todos import publicity_todos, reach_todos

        staff = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER, Role.PROVIDER_STAFF)
        add_nav(NavItem("宣传成果", "publicity:list", lambda u: u.has_role(*staff), group=NavGroup.PUBLICITY, order=55))
        add_nav(
            NavItem(
                "计划与完成",
                "publicity:plan_index",
                lambda u: u.has_role(*staff),
                group=NavGroup.PUBLICITY,
                order=56,
            )
        )
        add_nav(
            NavItem(
                "宣传成果类型",
                "publicity:kind_list",
                lambda u: u.has_role(Role.PROGRAMME_OWNER),
                group=NavGroup.PUBLICITY,
                order=57,
            )
        )
        add_nav(
            NavItem(
                "资料发放与签收",
                "publicity:distribution_list",
                lambda u: u.has_role(*staff),
                group=NavGroup.PUBLICITY,
                order=58,
            )
        )
        add_todos(publicity_todos)
        add_todos(reach_todos)
        contributions.register()
        report_figures.register()
