from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "hamyar.commerce"
    label = "commerce"
