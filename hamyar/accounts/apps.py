from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hamyar.accounts"
    label = "accounts"
