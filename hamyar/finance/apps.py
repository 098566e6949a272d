from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "hamyar.finance"
    label = "finance"
