from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "hamyar.insights"
    label = "insights"
