from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "yufang.providers"
    label = "providers"
    verbose_name = "服务机构与服务协议"

    def ready(self) -> None:
        from yufang.accounts.models import Role
        from yufang.core.registry import NavGroup, NavItem, add_nav, add_todos

        from . import scoping  # noqa: F401 - registers the scoping rules
        from .todos import provider_todos

        officials = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER)
        add_nav(
            NavItem(
                "服务机构",
                "providers:provider_list",
                lambda u: u.has_role(*officials),
                group=NavGroup.PROJECTS,
                order=40,
            )
        )
        add_nav(
            NavItem(
                "服务协议",
                "providers:agreement_list",
                lambda u: u.has_role(*officials, Role.PROVIDER_STAFF),
                group=NavGroup.PROJECTS,
                order=45,
            )
        )
        add_nav(
            NavItem(
                "本机构资料",
                "providers:my_profile",
                lambda u: u.has_role(Role.PROVIDER_STAFF),
                group=NavGroup.PROJECTS,
                order=41,
            )
        )

        add_todos(provider_todos)
