"""Order pages: the list by role, the order with its lines' progress, deliveries and receipts and
the actions each role may take (a provider's scorecard is insights' page, under the same name).

Every view reads through a scoped selector and writes through one service; a refused action shows
the order again with the service's message, at the service's status (409, 422), writing nothing.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page, page_action, render_list
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES
from hamyar.core.scoping import membership_of
from hamyar.core.text import parse_id
from hamyar.directory import selectors as directory

from .. import selectors, services
from ..choices import (
    DELIVERY_LIFECYCLE,
    ORDER_LIFECYCLE,
    DeliveryAction,
    DeliveryStatus,
    OrderAction,
    OrderStatus,
)
from ..filters import OrderFilter
from ..models import Delivery, Order
from ..order_forms import DeliveryForm, RatingForm, RejectForm

ORDER_READERS = ALL_ROLES
RECEIVERS = frozenset(MUNICIPALITY_ROLES)
# Each step's route admits the roles its lifecycle step names; the service checks them again.
STEP_ROLES = {action: step.roles for action, step in ORDER_LIFECYCLE.steps.items()}
DELIVERY_STEP_ROLES = {action: step.roles for action, step in DELIVERY_LIFECYCLE.steps.items()}
SCORECARD_READERS = frozenset(selectors.SCORECARD_READERS)


def _int(value: str | None) -> int | None:
    return parse_id(value)


# ---------------------------------------------------------------- the list


@page(roles=ORDER_READERS, model=Order)
def order_list(request: HttpRequest) -> HttpResponse:
    """A municipality's orders and the deliveries it must answer; a provider's orders to fulfil; all for
    officers, filtered by status, municipality and provider."""
    user = request.user
    membership = membership_of(user)
    role = membership.role
    filters = OrderFilter(request.GET)
    values = filters.values()
    is_officer = role in ORGANIZATION_WIDE_ROLES
    rows = selectors.order_list(user=user, filters=values)
    context = {
        "filters": filters, "status": values.get("status", ""), "statuses": OrderStatus.choices,
        "role": role, "is_officer": is_officer,
        "is_municipality": role in RECEIVERS, "is_provider": role in PROVIDER_ROLES,
        "municipality_id": values.get("municipality"), "provider_id": values.get("provider"),
        "awaiting": [], "to_fulfil": [],
    }
    if role in RECEIVERS:
        context["awaiting"] = list(selectors.deliveries_awaiting_receipt(user=user)[:50])
    if role in PROVIDER_ROLES:
        context["to_fulfil"] = list(selectors.orders_to_fulfil(user=user)[:50])
    if is_officer:
        context["municipalities"] = directory.municipality_list(user=user)
        context["providers"] = directory.provider_list(user=user)
    # A dashboard figure's rows: its domain and month are kept as the other filters change.
    context["drill"] = {key: values[key] for key in ("domain", "month", "since") if key in values}
    if "domain" in values:
        context["drill_domain"] = directory.domain_list(user=user).filter(pk=values["domain"]).first()
    return render_list(request, template="commerce/order_list.html",
                       fragment="commerce/partials/order_rows.html", rows=rows, context=context)


# ---------------------------------------------------------------- one order


def _order_context(request: HttpRequest, order: Order, **extra: Any) -> dict:
    role = membership_of(request.user).role
    lines = selectors.order_lines(order=order)
    deliveries = selectors.order_deliveries(user=request.user, order=order)
    allowed = ORDER_LIFECYCLE.allowed_actions(order.status, role)
    rating = selectors.order_rating(order=order)
    context = {
        "order": order,
        "lines": lines,
        "deliveries": deliveries,
        "rating": rating,
        "can_start": OrderAction.START in allowed,
        "can_deliver": OrderAction.DELIVER in allowed,
        "can_receive": role in DELIVERY_STEP_ROLES[DeliveryAction.RECEIVE],
        "can_rate": OrderAction.RATE in allowed and rating is None,
        "can_see_scorecard": role in SCORECARD_READERS,
        "awaiting_status": DeliveryStatus.AWAITING_RECEIPT,
        "delivery_form": extra.pop("delivery_form", None) or DeliveryForm(lines=lines),
        "reject_form": extra.pop("reject_form", None) or RejectForm(),
        "rating_form": extra.pop("rating_form", None) or RatingForm(),
        **extra,
    }
    return context


@page(roles=ORDER_READERS, model=Order)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, pk=pk)
    return render(request, "commerce/order_detail.html", _order_context(request, order))


Show = Callable[[ApplicationError | None], HttpResponse]


def _shown(request: HttpRequest, order_pk: int, **extra: object) -> Show:
    """The order page again, as `page_action` shows a refusal (or a form whose input was bad)."""
    def show(error: ApplicationError | None) -> HttpResponse:
        order = selectors.order_get(user=request.user, pk=order_pk)
        context = _order_context(request, order, error=error, **extra)
        return render(request, "commerce/order_detail.html", context)

    return show


def _bad_form(show: Show) -> HttpResponse:
    response = show(None)
    response.status_code = 422
    return response


def _to(order_pk: int) -> str:
    return reverse("commerce:order_detail", args=[order_pk])


@require_POST
@page(roles=STEP_ROLES[OrderAction.START], model=Order)
def order_start(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, pk=pk)
    return page_action(request, lambda: services.order_start(order=order, acting_user=request.user),
                       redirect_to=_to(pk), show=_shown(request, pk),
                       success=_("The order is in fulfilment."))


@require_POST
@page(roles=STEP_ROLES[OrderAction.DELIVER], model=Order)
def delivery_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a delivery from the order page's form: quantities per line, a Jalali date, a note."""
    order = selectors.order_get(user=request.user, pk=pk)
    form = DeliveryForm(request.POST, lines=selectors.order_lines(order=order))
    show = _shown(request, pk, delivery_form=form, open_form="delivery")
    if not form.is_valid():
        return _bad_form(show)

    def recorded(delivery: Delivery) -> str:
        """The order page, saying which delivery was recorded (its number is known only now)."""
        messages.success(request, _("Delivery %(number)s was recorded; the municipality is asked to confirm "
                                    "the receipt.") % {"number": delivery.number})
        return _to(pk)

    return page_action(
        request,
        lambda: services.delivery_record(
            order=order, acting_user=request.user, quantities=form.quantities(),
            delivered_on=form.cleaned_data["delivered_on"], note=form.cleaned_data["note"]),
        redirect_to=recorded, show=show, forms=[form])


@require_POST
@page(roles=DELIVERY_STEP_ROLES[DeliveryAction.RECEIVE], model=Delivery)
def receipt_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    response = page_action(
        request, lambda: services.receipt_confirm(delivery=delivery, acting_user=request.user),
        redirect_to=_to(delivery.order_id), show=_shown(request, delivery.order_id))
    if response.status_code == 302:
        delivery.order.refresh_from_db()
        if delivery.order.status == OrderStatus.CLOSED:
            messages.success(request,
                             _("Everything ordered is received: the order is closed. Please rate it."))
        else:
            messages.success(request, _("The receipt of delivery %(number)s is confirmed.")
                             % {"number": delivery.number})
    return response


@require_POST
@page(roles=DELIVERY_STEP_ROLES[DeliveryAction.REJECT], model=Delivery)
def receipt_reject(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    form = RejectForm(request.POST)
    show = _shown(request, delivery.order_id, reject_form=form, reject_for=delivery.pk)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(
        request, lambda: services.receipt_reject(delivery=delivery, acting_user=request.user,
                                                 reason=form.cleaned_data["reason"]),
        redirect_to=_to(delivery.order_id), show=show, forms=[form],
        success=_("Delivery %(number)s was rejected; the provider is told to deliver again.")
        % {"number": delivery.number})


@require_POST
@page(roles=STEP_ROLES[OrderAction.RATE], model=Order)
def order_rate(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, pk=pk)
    form = RatingForm(request.POST)
    show = _shown(request, pk, rating_form=form)
    if not form.is_valid():
        return _bad_form(show)
    return page_action(
        request, lambda: services.order_rate(order=order, acting_user=request.user,
                                             score=form.cleaned_data["score"],
                                             comment=form.cleaned_data["comment"]),
        redirect_to=_to(pk), show=show, forms=[form], success=_("Thank you: your rating was recorded."))


urlpatterns: list = [
    path("orders/", order_list, name="order_list"),
    path("orders/<int:pk>/", order_detail, name="order_detail"),
    path("orders/<int:pk>/start/", order_start, name="order_start"),
    path("orders/<int:pk>/deliveries/", delivery_create, name="delivery_create"),
    path("orders/<int:pk>/rate/", order_rate, name="order_rate"),
    path("deliveries/<int:pk>/confirm/", receipt_confirm, name="receipt_confirm"),
    path("deliveries/<int:pk>/reject/", receipt_reject, name="receipt_reject"),
]
