from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hamyar.core"
    label = "core"
