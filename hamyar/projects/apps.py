from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "hamyar.projects"
    label = "projects"
