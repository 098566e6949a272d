from django.urls import path

from . import audit, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("audit/export/", audit.audit_export, name="audit_export"),
    path("audit/<str:object_type>/<int:pk>/export/", audit.audit_object_export, name="audit_object_export"),
]
