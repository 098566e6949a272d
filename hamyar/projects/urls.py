from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("from-need/<int:need_pk>/", views.project_from_need, name="from_need"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/constraints/", views.constraint_add, name="constraint_add"),
    path("<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/change-orders/", views.change_order_propose, name="change_order_propose"),
    path("<int:pk>/<slug:action>/", views.project_transition, name="project_transition"),
    path("milestones/<int:pk>/start/", views.milestone_start, name="milestone_start"),
    path("milestones/<int:pk>/complete/", views.milestone_complete, name="milestone_complete"),
    path("milestones/<int:pk>/remove/", views.milestone_remove, name="milestone_remove"),
    path("constraints/<int:pk>/", views.constraint_update, name="constraint_update"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("change-orders/<int:pk>/<slug:decision>/", views.change_order_decide, name="change_order_decide"),
]
