from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yufang.people"
    label = "people"
    verbose_name = "人员档案"

    def ready(self) -> None:
        from yufang.accounts.models import Role
        from yufang.core.registry import NavItem, add_nav

        from . import scoping  # noqa: F401 - registers the scoping rules

        add_nav(
            NavItem(
                "人员档案",
                "people:list",
                lambda u: u.has_role(
                    Role.PROGRAMME_OWNER,
                    Role.AGENCY_STAFF,
                    Role.DISTRICT_OFFICER,
                    Role.PROVIDER_STAFF,
                    Role.ENTERPRISE_CONTACT,
                ),
                order=35,
            )
        )
        add_nav(NavItem("我的培训档案", "people:me", lambda u: u.has_role(Role.TRAINEE), order=10))
