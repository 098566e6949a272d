from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("export.xlsx", views.item_export, name="item_export"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<int:pk>/", views.provider_catalog, name="provider_catalog"),
    path("mine/", views.my_catalog, name="my_catalog"),
    path("price-lists/", views.price_list_list, name="price_list_list"),
    path("price-lists/<int:pk>/", views.price_list_detail, name="price_list_detail"),
    path("price-lists/<int:pk>/export.xlsx", views.price_list_export, name="price_list_export"),
    path("imports/new/", views.import_create, name="import_create"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("synonyms/", views.synonym_list, name="synonym_list"),
]
