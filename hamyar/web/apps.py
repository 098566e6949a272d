from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hamyar.web"
    label = "web"
