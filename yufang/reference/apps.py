from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "yufang.reference"
    label = "reference"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from yufang.core.registry import NavGroup, NavItem, add_nav

        from . import permissions, scoping  # noqa: F401 - registers the scoping rules

        add_nav(
            NavItem(
                "基础数据",
                "reference:index",
                lambda user: permissions.can_edit_reference(user)[0],
                group=NavGroup.ADMIN,
                order=90,
            )
        )
