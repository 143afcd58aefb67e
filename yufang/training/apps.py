from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "yufang.training"
    label = "training"
    verbose_name = "线下培训"

    def ready(self) -> None:
        from yufang.accounts.models import Role
        from yufang.core.registry import NavGroup, NavItem, add_nav, add_todos

        from . import contributions, jobs, scoping  # noqa: F401 - registers job handlers and scoping rules
        from .todos import flag_todos

        staff = (Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER, Role.PROVIDER_STAFF)
        add_nav(
            NavItem(
                "线下培训", "training:session_list", lambda u: u.has_role(*staff), group=NavGroup.TRAINING, order=50
            )
        )
        add_nav(
            NavItem(
                "异常核查",
                "training:flag_list",
                lambda u: u.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.PARTNER, Role.DISTRICT_OFFICER),
                group=NavGroup.TRAINING,
                order=52,
            )
        )

        add_todos(flag_todos)
        contributions.register()
