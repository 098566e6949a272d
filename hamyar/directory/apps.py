from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "hamyar.directory"
    label = "directory"
