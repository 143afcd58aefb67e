from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yufang.accounts"
    label = "accounts"
    verbose_name = "机构与账号"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, Panel, add_nav, add_panel, add_todos

        from . import scoping  # noqa: F401 - registers the scoping rules
        from .models import Role
        from .permissions import can_manage_any_users
        from .todos import account_todos

        add_nav(
            NavItem(
                "机构",
                "accounts:organisation_list",
                lambda u: u.has_role(Role.PROGRAMME_OWNER, Role.AGENCY_STAFF, Role.DISTRICT_OFFICER),
                group=NavGroup.ADMIN,
                order=80,
            )
        )
        add_nav(
            NavItem(
                "账号",
                "accounts:user_list",
                lambda u: can_manage_any_users(u) or u.has_role(Role.DISTRICT_OFFICER),
                group=NavGroup.ADMIN,
                order=85,
            )
        )
        add_nav(NavItem("审计记录", "core:audit_log", lambda u: u.is_programme_owner, group=NavGroup.ADMIN, order=95))

        add_todos(account_todos)

        def unread_notifications(user):
            from .models import Notification

            unread = list(Notification.objects.filter(user=user, read_at__isnull=True)[:20])
            return {"notifications": unread} if unread else None

        add_panel(Panel("accounts/_notifications.html", unread_notifications, order=10))
