from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yufang.core"
    label = "core"
    verbose_name = "平台基础"
