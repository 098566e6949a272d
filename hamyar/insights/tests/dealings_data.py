"""A small, hand-countable set of dealings for the municipality dashboard and the scorecards: orders of
the represented supplier's benches (187,200,000 Rial each before 10% VAT) for District 9 and District
10, closed on time and late, rated, invoiced, one delivery rejected, and one order of another
organization; then the rollups rebuilt.

    District 9   order 1  40 benches  closed on time, rated 4, invoiced     this month
                 order 2  10 benches  closed late (due yesterday), rated 2  placed 62 days ago
                 order 3   5 benches  open; a delivery of 2 rejected        this month
    District 10  order 4  20 benches  closed on time, rated 5               placed 240 days ago

Service-level clocks (triage 24 h, first quotation 72 h, delivery 30 days by default): every need of
these orders was triaged 10 h and quoted 20 h after submission, and the closed ones fulfilled today,
except District 10's, submitted 60 h before now, so triaged 40 h after: late.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from hamyar.commerce.models import Order
from hamyar.commerce.services import delivery_record, order_rate, receipt_reject
from hamyar.finance.models import Invoice
from hamyar.finance.tests.finance_data import (
    BENCH_PRICE,
    issued_invoice,
    open_order,
    received_delivery,
    tenant_catalog,
)
from hamyar.insights.services.rollups import jalali_month, rebuild
from hamyar.needs.models import Need


def total(benches: int) -> int:
    """An order's total with VAT, Rial."""
    return benches * BENCH_PRICE * 11 // 10


@dataclass
class Dealings:
    order1: Order
    order2: Order
    order3: Order
    order4: Order
    invoice: Invoice
    other_order: Order

    def month(self, order: Order) -> int:
        order.refresh_from_db()
        return jalali_month(order.created_at)


def _closed(tenant, catalog, benches: int, municipality=None) -> Order:
    delivery = received_delivery(tenant, catalog, ordered=benches, municipality=municipality)
    return Order.objects.get(pk=delivery.order_id)


def build_dealings(tenant, other_tenant) -> Dealings:
    catalog = tenant_catalog(tenant)
    order1 = _closed(tenant, catalog, 40)
    invoice = issued_invoice(tenant, source=order1.deliveries.get())
    order_rate(order=order1, acting_user=tenant.users["district9"], score=4, comment="خوب")

    order2 = open_order(tenant, catalog, quantity=10)
    Order.objects.filter(pk=order2.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    received_delivery(tenant, order=order2)
    order2.refresh_from_db()
    order_rate(order=order2, acting_user=tenant.users["district9"], score=2, comment="دیر رسید")

    order3 = open_order(tenant, catalog, quantity=5)
    line = order3.lines.get()
    rejected = delivery_record(order=order3, acting_user=tenant.users["supplier"], quantities={line.pk: 2},
                               delivered_on=timezone.localdate())
    receipt_reject(delivery=rejected, acting_user=tenant.users["district9"], reason="رنگ نادرست")

    order4 = _closed(tenant, catalog, 20, municipality=tenant.district10)
    order_rate(order=order4, acting_user=tenant.users["district10"], score=5)
    now = timezone.now()
    Need.objects.filter(pk=order4.need_id).update(submitted_at=now - dt.timedelta(hours=60))

    Order.objects.filter(pk=order2.pk).update(created_at=now - dt.timedelta(days=62))
    Order.objects.filter(pk=order4.pk).update(created_at=now - dt.timedelta(days=240))

    other_order = _closed(other_tenant, tenant_catalog(other_tenant), 30)
    order_rate(order=other_order, acting_user=other_tenant.users["district9"], score=1)

    rebuild(tenant.org.pk)
    rebuild(other_tenant.org.pk)
    return Dealings(order1, order2, order3, order4, invoice, other_order)
