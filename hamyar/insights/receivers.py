"""Insights listens to the rows the services announce (`core.changes`) and brings its rollups up to
date: an order's figures change with the order, its lines, deliveries, rating and invoices; a need's
with the need and with the service levels of its domain.

A domain is announced when its targets change (a service level set or cleared) or when it moves in the
tree (its inherited targets change): every submitted need of the domain and of its sub-domains is
judged again. The domain is announced rather than the service level, which a clear has deleted."""

from typing import Any

from django.db.models import Model

from hamyar.commerce.models import Delivery, Order, OrderLine, Rating
from hamyar.directory.models import ServiceDomain
from hamyar.finance.models import Invoice
from hamyar.needs.models import Need

from .services import refresh_needs, refresh_orders

ORDER_OF: dict[type[Model], str | None] = {
    Order: None, OrderLine: "order_id", Delivery: "order_id", Rating: "order_id",
    Invoice: "delivery__order_id",
}


def on_rows_changed(sender: type[Model], ids: list[int], **_: Any) -> None:
    if sender in ORDER_OF:
        path = ORDER_OF[sender]
        orders = ids if path is None else list(sender._default_manager.filter(pk__in=ids)
                                               .exclude(**{f"{path}__isnull": True})
                                               .values_list(path, flat=True))
        refresh_orders(orders)
    elif sender is Need:
        refresh_needs(ids)
    elif sender is ServiceDomain:
        refresh_needs(Need.objects.filter(domain_id__in=_with_descendants(ids), submitted_at__isnull=False)
                      .values_list("pk", flat=True))


def _with_descendants(ids: list[int]) -> set[int]:
    """These domains and every domain under them (the tree of their organizations, read once)."""
    organizations = ServiceDomain.objects.filter(pk__in=ids).values("organization_id")
    children: dict[int, list[int]] = {}
    for pk, parent_id in ServiceDomain.objects.filter(organization_id__in=organizations).values_list(
            "pk", "parent_id"):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    found, todo = set(ids), list(ids)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
