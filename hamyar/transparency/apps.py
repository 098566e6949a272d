from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "hamyar.transparency"
    label = "transparency"
