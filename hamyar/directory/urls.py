from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/<int:pk>/", views.municipality_detail, name="municipality_detail"),
    path("municipalities/<int:pk>/assets/new/", views.asset_create, name="asset_create"),
    path("assets/", views.asset_list, name="asset_list"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("capability-map/", views.capability_map, name="capability_map"),
]
