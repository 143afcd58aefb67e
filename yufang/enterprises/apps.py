from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "yufang.enterprises"
    label = "enterprises"
    verbose_name = "企业名录与重点企业"

    def ready(self) -> None:
        from yufang.accounts.models import Role
        from yufang.core.registry import NavGroup, NavItem, add_nav

        from . import jobs, scoping  # noqa: F401 - registers job handlers and scoping rules

        officials = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER)
        add_nav(
            NavItem("企业名录", "enterprises:list", lambda u: u.has_role(*officials), group=NavGroup.PEOPLE, order=30)
        )
        add_nav(
            NavItem(
                "重点企业", "enterprises:ranking", lambda u: u.has_role(*officials), group=NavGroup.PEOPLE, order=31
            )
        )
        add_nav(
            NavItem(
                "本企业",
                "enterprises:mine",
                lambda u: u.has_role(Role.ENTERPRISE_CONTACT),
                group=NavGroup.PEOPLE,
                order=30,
            )
        )
