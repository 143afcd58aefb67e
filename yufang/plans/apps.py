from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "yufang.plans"
    label = "plans"
    verbose_name = "实施方案与资金"

    def ready(self) -> None:
        from . import scoping  # noqa: F401 - registers the scoping rules
