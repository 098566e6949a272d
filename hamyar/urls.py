from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from hamyar.api import api
from hamyar.commerce import urls as commerce
from hamyar.core.pages import public
from hamyar.finance import urls as finance
from hamyar.insights import urls as insights
from hamyar.needs import urls as needs


def area(app, pages: list) -> tuple:
    """An app's URLs with the insights pages shown under its name: insights sits above the app, so the
    app cannot list them itself, and their paths and names stay the app's."""
    return include((app.urlpatterns + pages, app.app_name))


# An unreachable database answers 503 ("try again in a minute"), never a 500 (web.unavailable).
handler500 = "hamyar.web.unavailable.server_error"

urlpatterns = [
    path("", include("hamyar.web.urls")),
    path("accounts/", include("hamyar.accounts.urls")),
    path("directory/", include("hamyar.directory.urls")),
    path("catalog/", include("hamyar.catalog.urls")),
    path("needs/", area(needs, insights.needs_pages)),
    path("commerce/", area(commerce, insights.commerce_pages)),
    path("projects/", include("hamyar.projects.urls")),
    path("finance/", area(finance, insights.finance_pages)),
    path("insights/", include((insights.insights_pages, "insights"))),
    path("transparency/", include("hamyar.transparency.urls")),
    # The language switch is on the sign-in page too.
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
