from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "hamyar.needs"
    label = "needs"
