from django.urls import path

from . import views

app_name = "transparency"
urlpatterns = [
    path("", views.published, name="published"),
    path("policy/", views.publication_policy, name="policy"),
    path("policy/export/", views.export_start, name="export_start"),
    path("<slug:slug>/processes/", views.processes, name="processes"),
    path("<slug:slug>/processes/<str:ocid>/", views.process, name="process"),
]
