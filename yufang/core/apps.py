from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yufang.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        # Django documents overriding this constant in an app's ready(): every model choice
        # field, ChoiceField without a blank choice and ModelChoiceField reads it at render time.
        from django.db.models import fields

        from . import export_jobs  # noqa: F401 - registers the export job kind
        from .audit import readable_changes
        from .models import READABLE_CHANGES
        from .registry import contribute
        from .widgets import BLANK_CHOICE_LABEL

        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
        contribute(READABLE_CHANGES, readable_changes)
