"""Orders for the order, delivery and rating tests, from an approved quotation built with the ORM.

The quotation services are not used here: these tests start where the approval ended, and
only `order_place` (what the approval calls) makes the order.
"""

import datetime as dt
from itertools import count

from django.utils import timezone

from hamyar.catalog.tests.catalog_data import Catalog, build_catalog
from hamyar.commerce.choices import QuotationStatus
from hamyar.commerce.models import Order, Quotation, QuotationLine
from hamyar.commerce.services import order_place
from hamyar.needs.choices import NeedStatus

from .factories import assigned_need

_numbers = count(1)
BENCH_PRICE = 187_200_000  # the 10+ tier of the supplier's bench


def approved_quotation(tenant, catalog: Catalog | None = None, *, quantity: int = 40, municipality=None,
                       provider=None) -> Quotation:
    """District 9's (or `municipality`'s) need for `quantity` benches, priced and approved."""
    catalog = catalog or build_catalog(tenant)
    need = assigned_need(tenant, catalog, quantity=quantity, provider=provider, municipality=municipality,
                         status=NeedStatus.APPROVED)
    now = timezone.now()
    need.first_quoted_at, need.approved_at = now - dt.timedelta(hours=10), now - dt.timedelta(hours=1)
    need.save(update_fields=["first_quoted_at", "approved_at"])
    subtotal = BENCH_PRICE * quantity
    vat = subtotal // 10
    quotation = Quotation.objects.create(
        organization=tenant.org, need=need, provider=need.provider, number=f"Q-TEST-{next(_numbers):05d}",
        status=QuotationStatus.APPROVED, agreement=tenant.agreement,
        valid_until=timezone.localdate() + dt.timedelta(days=15), vat_percent=10, subtotal=subtotal,
        vat_amount=vat, total=subtotal + vat, prepared_by=tenant.users["commerce"],
        sent_at=now - dt.timedelta(hours=5),
        clerk_approved_by=tenant.users["district9"] if municipality is None else None,
        clerk_approved_at=now - dt.timedelta(hours=1), decided_at=now - dt.timedelta(hours=1),
    )
    QuotationLine.objects.create(
        organization=tenant.org, quotation=quotation, item=catalog.bench, description=catalog.bench.name,
        quantity=quantity, unit=catalog.bench.unit, list_price=BENCH_PRICE, unit_price=BENCH_PRICE,
        amount=subtotal,
    )
    return quotation


def placed_order(tenant, catalog: Catalog | None = None, **kwargs) -> Order:
    """The order the approval of `approved_quotation` makes."""
    quotation = approved_quotation(tenant, catalog, **kwargs)
    return order_place(quotation=quotation, acting_user=tenant.users["district9"])
