"""Scoped reads of orders and deliveries (a provider's ratings and scorecard are read in insights).

Every read starts from `scope`: a municipality sees its own orders, a provider the orders it
fulfils, officers their whole organization; anything else is NotFound.
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES
from hamyar.core.scoping import scope, scoped_get

from ..choices import DeliveryStatus, OrderStatus
from ..models import Delivery, DeliveryLine, Order, OrderLine

__all__ = [
    "OPEN_ORDER_STATUSES",
    "SCORECARD_READERS",
    "deliveries_awaiting_receipt",
    "delivery_get",
    "delivery_list",
    "order_deliveries",
    "order_get",
    "order_lines",
    "order_list",
    "orders_to_fulfil",
]

# Orders the provider still has to deliver.
OPEN_ORDER_STATUSES = (OrderStatus.PLACED, OrderStatus.IN_FULFILMENT, OrderStatus.PARTIALLY_DELIVERED)
# Who reads a provider's scorecard: officers, and the provider's own users (their own card only).
SCORECARD_READERS = ORGANIZATION_WIDE_ROLES | PROVIDER_ROLES


def _with_progress(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Each order with its quantities ordered / delivered / received and its deliveries awaiting receipt."""
    awaiting = (
        Delivery.objects.filter(order=OuterRef("pk"), status=DeliveryStatus.AWAITING_RECEIPT)
        .order_by().values("order").annotate(n=Count("pk")).values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return queryset.annotate(
        quantity_ordered=Coalesce(Sum("lines__quantity"), zero),
        quantity_delivered=Coalesce(Sum("lines__delivered_quantity"), zero),
        quantity_received=Coalesce(Sum("lines__received_quantity"), zero),
        awaiting_receipt=Coalesce(Subquery(awaiting, output_field=IntegerField()), zero),
    )


def order_list(*, user, status: str | None = None, municipality_id: int | None = None,
               provider_id: int | None = None, statuses=None) -> QuerySet[Order]:
    """The orders the user may see, newest first, with their progress."""
    qs = scope(Order.objects.all(), user).select_related("municipality", "provider", "need")
    if status:
        qs = qs.filter(status=status)
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if provider_id:
        qs = qs.filter(provider_id=provider_id)
    return _with_progress(qs).order_by("-created_at", "-pk")


def orders_to_fulfil(*, user, provider_id: int | None = None) -> QuerySet[Order]:
    """Orders still to deliver (a provider's own, or any for an officer), the oldest due first."""
    return order_list(user=user, provider_id=provider_id, statuses=OPEN_ORDER_STATUSES).order_by(
        "due_date", "created_at", "pk")


def order_get(*, user, pk: int) -> Order:
    return scoped_get(
        _with_progress(Order.objects.select_related("municipality", "provider", "need", "quotation")),
        user, pk=pk,
    )


def order_lines(*, order: Order) -> list[OrderLine]:
    """The order's lines (the order was read through a selector, so the user may see them)."""
    return list(order.lines.select_related("item").order_by("pk"))


def _delivery_rows() -> QuerySet[Delivery]:
    return Delivery.objects.select_related(
        "order", "order__municipality", "order__provider", "recorded_by", "receipt", "receipt__decided_by"
    ).prefetch_related(Prefetch("lines", queryset=DeliveryLine.objects.select_related("order_line")))


def order_deliveries(*, user, order: Order) -> list[Delivery]:
    """The order's deliveries, newest first, each with its lines and its receipt."""
    return list(scope(_delivery_rows(), user).filter(order=order).order_by("-delivered_on", "-pk"))


def delivery_list(*, user, order_id: int | None = None, status: str | None = None,
                  municipality_id: int | None = None) -> QuerySet[Delivery]:
    qs = scope(_delivery_rows(), user)
    if order_id:
        qs = qs.filter(order_id=order_id)
    if status:
        qs = qs.filter(status=status)
    if municipality_id:
        qs = qs.filter(order__municipality_id=municipality_id)
    return qs.order_by("-created_at", "-pk")


def deliveries_awaiting_receipt(*, user, municipality_id: int | None = None) -> QuerySet[Delivery]:
    """What a municipality still has to receive or reject, the oldest first."""
    return delivery_list(user=user, status=DeliveryStatus.AWAITING_RECEIPT,
                         municipality_id=municipality_id).order_by("created_at", "pk")


def delivery_get(*, user, pk: int) -> Delivery:
    return scoped_get(_delivery_rows(), user, pk=pk)
