from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "hamyar.catalog"
    label = "catalog"
