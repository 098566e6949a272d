"""The home page: each role lands on what it has to do today."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from hamyar.accounts.models import Membership, User
from hamyar.core.pages import page, public
from hamyar.core.roles import Role
from hamyar.core.scoping import membership_of
from hamyar.insights import selectors as insights
from hamyar.insights.views import dashboard_page

# Each role's home: its template, and the insights read that fills it.
HOME: dict[str, tuple[str, Callable[[User, Membership], dict]]] = {
    Role.ORG_ADMIN: ("web/home/org_admin.html", lambda u, m: insights.org_admin_home(user=u)),
    Role.COMMERCE_OFFICER: ("web/home/commerce_officer.html", lambda u, m: insights.commerce_home(user=u)),
    Role.FINANCE_OFFICER: ("web/home/finance_officer.html", lambda u, m: insights.finance_home(user=u)),
    Role.PROJECT_MANAGER: ("web/home/provider.html",
                           lambda u, m: insights.provider_home(user=u, provider_id=m.provider_id)),
    Role.SUPPLIER_USER: ("web/home/provider.html",
                         lambda u, m: insights.provider_home(user=u, provider_id=m.provider_id)),
    Role.MUNICIPALITY_USER: ("web/home/municipality_user.html",
                             lambda u, m: insights.municipality_home(user=u, membership=m)),
    # The executive's home is the executive dashboard (`insights.views.dashboard_page`).
}


@page()
def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "web/home/no_membership.html")
    if membership.role == Role.EXECUTIVE:
        return dashboard_page(request)
    template, build = HOME[membership.role]
    return render(request, template, build(request.user, membership))


@public
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico whatever the page links; send them to the one icon (an SVG)."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))
