"""The home page: each role lands on what it has to do today."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from hamyar.accounts import selectors as accounts
from hamyar.accounts.models import Membership, User
from hamyar.core.pages import page
from hamyar.core.roles import Role
from hamyar.core.scoping import membership_of
from hamyar.directory import selectors as directory

from . import selectors


def _municipality(user: User, membership: Membership) -> dict[str, Any]:
    return directory.municipality_profile(user=user, pk=membership.municipality_id)


def _provider(user: User, membership: Membership) -> dict[str, Any]:
    return selectors.provider_home(user=user, provider_id=membership.provider_id)


def _admin(user: User, membership: Membership) -> dict[str, Any]:
    return {
        "counts": selectors.organization_counts(user=user),
        "role_counts": accounts.membership_counts_by_role(user=user),
        "members": list(accounts.membership_list(user=user)[:10]),
    }


HOME: dict[str, tuple[str, Callable[..., dict]]] = {
    Role.ORG_ADMIN: ("web/home/org_admin.html", _admin),
    Role.COMMERCE_OFFICER: ("web/home/commerce_officer.html", lambda u, m: selectors.commerce_home(user=u)),
    Role.FINANCE_OFFICER: ("web/home/finance_officer.html", lambda u, m: selectors.finance_home(user=u)),
    Role.PROJECT_MANAGER: ("web/home/provider.html", _provider),
    Role.SUPPLIER_USER: ("web/home/provider.html", _provider),
    Role.MUNICIPALITY_USER: ("web/home/municipality_user.html", _municipality),
    Role.EXECUTIVE: ("web/home/executive.html", lambda u, m: selectors.executive_home(user=u)),
}


@page()
def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "web/home/no_membership.html")
    template, build = HOME[membership.role]
    return render(request, template, build(request.user, membership))


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico whatever the page links; send them to the one icon (an SVG)."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))
