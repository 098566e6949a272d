"""Property-based: after any sequence of writes through the real services — needs submitted, triaged (into
another domain), rejected, cancelled or marked as gaps; orders placed by approving their quotations,
delivered, received or refused, rated; invoices billed, issued, paid and voided; service levels set and
cleared; orders and needs moved to other days as the demo stamps them — the rollups kept on each write
equal a full rebuild, fact by fact and cell by cell, after every step.

Refused steps (a delivery above what is left, a receipt refused without its reason, a rating of an open
order…) are part of the sequences: they must leave the rollups as they were. Each example runs in a
transaction rolled back at its end, so the examples do not mix.
"""

import datetime as dt
from itertools import count
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.choices import DeliveryStatus, OrderStatus
from hamyar.commerce.models import Delivery, Order
from hamyar.core.changes import announce
from hamyar.core.errors import ApplicationError
from hamyar.finance.choices import InvoiceStatus
from hamyar.finance.models import Invoice
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need

from .rollup_check import differences, rollups
from .rollup_flows import Shop

_references = count(1)
pick = st.integers(0, 7)  # the n-th of the rows in the state the step starts from (modulo how many)
domains = st.sampled_from(["furniture", "lighting", "green"])
order = st.tuples(st.just("order"), st.booleans(), st.integers(1, 20))  # a need of its own, to its order
# A delivery of an open order (None: all that is left), then (or not yet) its answer.
deliver = st.tuples(st.just("deliver"), pick, st.one_of(st.none(), st.integers(1, 20)),
                    st.sampled_from(["receive", "receive", "refuse", None]))

step = st.one_of(
    order, order,
    deliver, deliver, deliver,
    st.tuples(st.just("answer"), pick, st.sampled_from(["receive", "refuse"])),
    st.tuples(st.just("rate"), pick, st.integers(1, 5)),
    # A received delivery billed, then its invoice left a draft, issued, issued and paid, or voided.
    st.tuples(st.just("bill"), pick, st.sampled_from([(), ("issue",), ("issue", "pay"), ("issue", "void"),
                                                      ("void",)])),
    st.tuples(st.just("invoice"), pick, st.sampled_from(["issue", "pay", "void"])),
    # A new need, submitted, then left, triaged (into another domain, where it may be a gap), or closed.
    st.tuples(st.just("need"), st.booleans(), st.integers(1, 20),
              st.sampled_from([(), ("triage",), ("cancel",), ("reject",), ("lighting", "gap"),
                               ("green",), ("triage", "reject")])),
    st.tuples(st.just("close"), pick, st.sampled_from(["cancel", "reject"])),
    st.tuples(st.just("level"), domains, st.one_of(st.none(), st.integers(1, 48))),  # None: cleared
    # As the demo stamps its story: an order placed days earlier, due in the past; a need submitted earlier.
    st.tuples(st.just("stamp"), pick, st.sampled_from(["placed", "due", "submitted"]), st.integers(1, 90)),
    # Refused by the services, whatever the state: they must write nothing.
    st.tuples(st.just("refused"), pick, st.sampled_from(["no_reason", "too_many", "rate", "gap", "void"])),
)


def nth(rows: Any, n: int) -> Any:
    """The n-th (modulo their number) of these rows, oldest first; LookupError when there is none."""
    found = list(rows.order_by("pk"))
    if not found:
        raise LookupError
    return found[n % len(found)]


def take(shop: Shop, mine: dict[str, list[int]], action: str, *args: Any) -> None:
    """One step, on a row of this example in the state the step needs (the refused ones: on any)."""
    tenant = shop.tenant
    needs = Need.objects.filter(pk__in=mine["needs"])
    orders = Order.objects.filter(pk__in=mine["orders"])
    deliveries = Delivery.objects.filter(order__in=orders).select_related("order")
    invoices = Invoice.objects.filter(delivery__in=deliveries)
    awaiting = deliveries.filter(status=DeliveryStatus.AWAITING_RECEIPT)
    if action == "order":
        need = shop.triage(shop.need(district10=args[0], quantity=args[1]))
        mine["needs"].append(need.pk)
        mine["orders"].append(shop.order(need).pk)
    elif action == "deliver":
        open_order = nth(orders.exclude(status=OrderStatus.CLOSED), args[0])
        line = open_order.lines.get()
        left = line.quantity - line.delivered_quantity
        delivery = shop.deliver(open_order, min(args[1] or left, left) or 1)
        if args[2]:
            getattr(shop, args[2])(delivery)
    elif action == "answer":
        getattr(shop, args[1])(nth(awaiting, args[0]))
    elif action == "rate":
        shop.rate(nth(orders.filter(status=OrderStatus.CLOSED), args[0]), args[1])
    elif action == "bill":
        invoice = shop.invoice(nth(deliveries.filter(status=DeliveryStatus.RECEIVED), args[0]))
        for then in args[1]:
            getattr(shop, then)(invoice) if then == "void" else (
                shop.pay(invoice, f"R-{next(_references)}") if then == "pay" else shop.issue(invoice))
    elif action == "invoice":
        states = {"issue": [InvoiceStatus.DRAFT], "pay": [InvoiceStatus.ISSUED],
                  "void": [InvoiceStatus.DRAFT, InvoiceStatus.ISSUED]}[args[1]]
        invoice = nth(invoices.filter(status__in=states), args[0])
        shop.pay(invoice, f"R-{next(_references)}") if args[1] == "pay" else getattr(shop, args[1])(invoice)
    elif action == "need":
        need = shop.need(district10=args[0], quantity=args[1])
        mine["needs"].append(need.pk)
        for then in args[2]:
            if then in ("lighting", "green"):
                shop.triage(need, domain=getattr(tenant, then))
            else:
                getattr(shop, then)(need)
    elif action == "close":
        getattr(shop, args[1])(nth(needs.exclude(status__in=CLOSED_NEEDS), args[0]))
    elif action == "level":
        if args[1] is None:
            shop.clear_level(getattr(tenant, args[0]))
        else:
            shop.set_level(getattr(tenant, args[0]), triage_hours=args[1])
    elif action == "stamp":
        _stamp(orders, needs, *args)
    elif action == "refused":
        _refused(shop, orders, needs, deliveries, invoices, *args)


def _stamp(orders: Any, needs: Any, n: int, what: str, days: int) -> None:
    if what == "placed":
        row = nth(orders, n)
        stamp(Order, row.pk, created_at=row.created_at - dt.timedelta(days=days))
    elif what == "due":
        row = nth(orders, n)
        stamp(Order, row.pk, due_date=timezone.localdate(row.created_at) - dt.timedelta(days=days))
    else:
        row = nth(needs, n)
        stamp(Need, row.pk, submitted_at=row.submitted_at - dt.timedelta(hours=days * 7))


def _refused(shop: Shop, orders: Any, needs: Any, deliveries: Any, invoices: Any, n: int, what: str) -> None:
    if what == "no_reason":
        shop.refuse(nth(deliveries, n), reason="")
    elif what == "too_many":
        shop.deliver(nth(orders, n), 21)  # no order here is of more than 20
    elif what == "rate":
        shop.rate(nth(orders.exclude(status=OrderStatus.CLOSED), n), 3)
    elif what == "gap":
        shop.gap(nth(needs.filter(domain=shop.tenant.furniture), n))  # the supplier serves furniture
    else:
        shop.void(nth(invoices.filter(status=InvoiceStatus.PAID), n))


CLOSED_NEEDS = (NeedStatus.FULFILLED, NeedStatus.REJECTED, NeedStatus.CANCELLED)


def stamp(model: Any, pk: int, **values: Any) -> None:
    model.objects.filter(pk=pk).update(**values)
    announce(model, [pk])


@pytest.fixture
def shop(tenant):
    return Shop(tenant, build_catalog(tenant))


@pytest.mark.django_db
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(first=st.lists(order, min_size=1, max_size=2), steps=st.lists(step, min_size=6, max_size=16))
def test_the_rollups_kept_on_each_write_equal_a_rebuild(tenant, shop, first, steps):
    mine: dict[str, list[int]] = {"needs": [], "orders": []}
    with transaction.atomic():
        for action, *args in first + steps:
            before = rollups(tenant.org.pk)
            try:
                take(shop, mine, action, *args)
            except (ApplicationError, LookupError):
                assert rollups(tenant.org.pk) == before, f"the refused {action} changed the rollups"
            else:  # after each step, not only at the end: a later write of the same order would mend it
                assert differences(tenant.org.pk) == {}, f"after {action} {args}"
        transaction.set_rollback(True)
