"""Insights listens to the rows the services announce (`core.changes`) and brings its rollups up to
date: an order's figures change with the order, its lines, deliveries, rating and invoices; a need's
with the need and with its domain's service levels."""

from typing import Any

from django.db.models import Model

from hamyar.commerce.models import Delivery, Order, OrderLine, Rating
from hamyar.finance.models import Invoice
from hamyar.needs.models import Need, ServiceLevel

from .services import refresh_needs, refresh_orders

ORDER_OF: dict[type[Model], str | None] = {
    Order: None, OrderLine: "order_id", Delivery: "order_id", Rating: "order_id",
    Invoice: "delivery__order_id",
}


def on_rows_changed(sender: type[Model], ids: list[int], **_: Any) -> None:
    if sender in ORDER_OF:
        path = ORDER_OF[sender]
        orders = ids if path is None else (sender.objects.filter(pk__in=ids)
                                           .exclude(**{f"{path}__isnull": True}).values_list(path, flat=True))
        refresh_orders(orders)
    elif sender is Need:
        refresh_needs(ids)
    elif sender is ServiceLevel:  # new targets judge every submitted need of the organization again
        organizations = ServiceLevel.objects.filter(pk__in=ids).values("organization_id")
        refresh_needs(Need.objects.filter(organization_id__in=organizations, submitted_at__isnull=False)
                      .values_list("pk", flat=True))
