"""Group purchase pages: the list, and one pool filling up against its tiers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from hamyar.core.access import ALL_ROLES
from hamyar.core.pages import page

from .. import selectors
from ..models import GroupPurchase


@page(roles=ALL_ROLES, model=GroupPurchase)
def group_purchase_list(request: HttpRequest) -> HttpResponse:
    pools = selectors.group_purchase_list(request.user)
    return render(request, "commerce/group_purchase_list.html", {"pools": pools})


@page(roles=ALL_ROLES, model=GroupPurchase)
def group_purchase_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pool = selectors.group_purchase_get(request.user, pk)
    state = selectors.pool_state(pool, request.user)
    return render(request, "commerce/group_purchase_detail.html", {"pool": pool, "state": state})


urlpatterns = [
    path("group-purchases/", group_purchase_list, name="group_purchase_list"),
    path("group-purchases/<int:pk>/", group_purchase_detail, name="group_purchase_detail"),
]
