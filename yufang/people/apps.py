from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yufang.people"
    label = "people"
    verbose_name = "人员档案"

    def ready(self) -> None:
        from . import scoping  # noqa: F401 - registers the scoping rules
