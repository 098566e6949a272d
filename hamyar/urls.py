from django.contrib import admin
from django.urls import include, path

from hamyar.api import api

urlpatterns = [
    path("", include("hamyar.web.urls")),
    path("accounts/", include("hamyar.accounts.urls")),
    path("directory/", include("hamyar.directory.urls")),
    path("catalog/", include("hamyar.catalog.urls")),
    path("needs/", include("hamyar.needs.urls")),
    path("commerce/", include("hamyar.commerce.urls")),
    path("projects/", include("hamyar.projects.urls")),
    path("finance/", include("hamyar.finance.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
