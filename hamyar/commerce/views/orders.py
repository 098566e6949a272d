"""Order pages: the list by role, the order with its lines' progress, deliveries and receipts and
the actions each role may take (a provider's scorecard is insights' page, under the same name).

Every view reads through a scoped selector and writes through one service; a refused action shows
the order again with the service's message, at the service's status (409, 422), writing nothing.
"""

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page, place_service_error, render_list
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES
from hamyar.core.scoping import membership_of
from hamyar.core.text import parse_id
from hamyar.directory import selectors as directory

from .. import selectors, services
from ..choices import DeliveryStatus, OrderStatus
from ..models import Delivery, Order, Rating
from ..order_forms import DeliveryForm, RatingForm, RejectForm

ORDER_READERS = ALL_ROLES
RECORDERS = frozenset(services.DELIVERY_RECORDERS)
RECEIVERS = frozenset(MUNICIPALITY_ROLES)
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
    status = request.GET.get("status", "")
    if status not in OrderStatus.values:
        status = ""
    is_officer = role in ORGANIZATION_WIDE_ROLES
    municipality_id = _int(request.GET.get("municipality")) if is_officer else None
    provider_id = _int(request.GET.get("provider")) if is_officer else None
    rows = selectors.order_list(user=user, status=status or None, municipality_id=municipality_id,
                                provider_id=provider_id)
    context = {
        "status": status, "statuses": OrderStatus.choices, "role": role, "is_officer": is_officer,
        "is_municipality": role in RECEIVERS, "is_provider": role in PROVIDER_ROLES,
        "municipality_id": municipality_id, "provider_id": provider_id,
        "awaiting": [], "to_fulfil": [],
    }
    if role in RECEIVERS:
        context["awaiting"] = list(selectors.deliveries_awaiting_receipt(user=user)[:50])
    if role in PROVIDER_ROLES:
        context["to_fulfil"] = list(selectors.orders_to_fulfil(user=user)[:50])
    if is_officer:
        context["municipalities"] = directory.municipality_list(user=user)
        context["providers"] = directory.provider_list(user=user)
    return render_list(request, template="commerce/order_list.html",
                       fragment="commerce/partials/order_rows.html", rows=rows, context=context)


# ---------------------------------------------------------------- one order


def _order_context(request: HttpRequest, order: Order, **extra) -> dict:
    role = membership_of(request.user).role
    lines = selectors.order_lines(order=order)
    deliveries = selectors.order_deliveries(user=request.user, order=order)
    can_record = role in RECORDERS
    is_receiver = role in RECEIVERS
    rating = Rating.objects.filter(order=order).first()
    context = {
        "order": order,
        "lines": lines,
        "deliveries": deliveries,
        "rating": rating,
        "can_start": can_record and order.status in services.ORDER_ACTIONS["start"],
        "can_deliver": can_record and order.status in services.ORDER_ACTIONS["deliver"],
        "can_receive": is_receiver,
        "can_rate": is_receiver and order.status == OrderStatus.CLOSED and rating is None,
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


def _refused(request: HttpRequest, pk: int, error: ApplicationError, **extra) -> HttpResponse:
    """The order again with the service's message, at its status; 403/404 go to the page decorator.

    Bad input goes on the form that sent it; a refused state (409) is shown above the order.
    """
    placed = place_service_error(error, (value for value in extra.values() if isinstance(value, Form)))
    order = selectors.order_get(user=request.user, pk=pk)
    context = _order_context(request, order, error=None if placed else error, **extra)
    return render(request, "commerce/order_detail.html", context, status=error.status)


@require_POST
@page(roles=RECORDERS, model=Order)
def order_start(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, pk=pk)
    try:
        services.order_start(order=order, acting_user=request.user)
    except ApplicationError as error:
        return _refused(request, pk, error)
    messages.success(request, _("The order is in fulfilment."))
    return redirect("commerce:order_detail", pk=pk)


@require_POST
@page(roles=RECORDERS, model=Order)
def delivery_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a delivery from the order page's form: quantities per line, a Jalali date, a note."""
    order = selectors.order_get(user=request.user, pk=pk)
    form = DeliveryForm(request.POST, lines=selectors.order_lines(order=order))
    if not form.is_valid():
        context = _order_context(request, order, delivery_form=form, open_form="delivery")
        return render(request, "commerce/order_detail.html", context, status=422)
    try:
        delivery = services.delivery_record(
            order=order, acting_user=request.user, quantities=form.quantities(),
            delivered_on=form.cleaned_data["delivered_on"], note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        return _refused(request, pk, error, delivery_form=form, open_form="delivery")
    messages.success(request, _("Delivery %(number)s was recorded; the municipality is asked to confirm "
                                "the receipt.") % {"number": delivery.number})
    return redirect("commerce:order_detail", pk=pk)


@require_POST
@page(roles=RECEIVERS, model=Delivery)
def receipt_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    try:
        services.receipt_confirm(delivery=delivery, acting_user=request.user)
    except ApplicationError as error:
        return _refused(request, delivery.order_id, error)
    delivery.order.refresh_from_db()
    if delivery.order.status == OrderStatus.CLOSED:
        messages.success(request, _("Everything ordered is received: the order is closed. Please rate it."))
    else:
        messages.success(request, _("The receipt of delivery %(number)s is confirmed.")
                         % {"number": delivery.number})
    return redirect("commerce:order_detail", pk=delivery.order_id)


@require_POST
@page(roles=RECEIVERS, model=Delivery)
def receipt_reject(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        context = _order_context(request, selectors.order_get(user=request.user, pk=delivery.order_id),
                                 reject_form=form, reject_for=delivery.pk)
        return render(request, "commerce/order_detail.html", context, status=422)
    try:
        services.receipt_reject(delivery=delivery, acting_user=request.user,
                                reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        return _refused(request, delivery.order_id, error, reject_form=form, reject_for=delivery.pk)
    messages.success(request, _("Delivery %(number)s was rejected; the provider is told to deliver again.")
                     % {"number": delivery.number})
    return redirect("commerce:order_detail", pk=delivery.order_id)


@require_POST
@page(roles=RECEIVERS, model=Order)
def order_rate(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get(user=request.user, pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        context = _order_context(request, order, rating_form=form)
        return render(request, "commerce/order_detail.html", context, status=422)
    try:
        services.order_rate(order=order, acting_user=request.user, score=form.cleaned_data["score"],
                            comment=form.cleaned_data["comment"])
    except ApplicationError as error:
        return _refused(request, pk, error, rating_form=form)
    messages.success(request, _("Thank you: your rating was recorded."))
    return redirect("commerce:order_detail", pk=pk)


urlpatterns: list = [
    path("orders/", order_list, name="order_list"),
    path("orders/<int:pk>/", order_detail, name="order_detail"),
    path("orders/<int:pk>/start/", order_start, name="order_start"),
    path("orders/<int:pk>/deliveries/", delivery_create, name="delivery_create"),
    path("orders/<int:pk>/rate/", order_rate, name="order_rate"),
    path("deliveries/<int:pk>/confirm/", receipt_confirm, name="receipt_confirm"),
    path("deliveries/<int:pk>/reject/", receipt_reject, name="receipt_reject"),
]
