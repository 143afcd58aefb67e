from django.apps import AppConfig


class QuizConfig(AppConfig):
    name = "yufang.quiz"
    label = "quiz"
    verbose_name = "知识竞答"

    def ready(self) -> None:
        from yufang.accounts.models import Role
        from yufang.core.registry import NavGroup, NavItem, add_nav

        from . import contributions, scoping  # noqa: F401 - registers scoping rules

        staff = (
            Role.PROGRAMME_OWNER,
            Role.AGENCY_STAFF,
            Role.PARTNER,
            Role.DISTRICT_OFFICER,
            Role.PROVIDER_STAFF,
            Role.ENTERPRISE_CONTACT,
        )
        add_nav(NavItem("知识竞答", "quiz:list", lambda u: u.has_role(*staff), group=NavGroup.PUBLICITY, order=58))
        contributions.register()
