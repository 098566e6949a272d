"""The catalog's xlsx exports: reads of a price list or of items the caller fetched through a selector."""

from collections.abc import Iterable

from django.db.models import QuerySet

from hamyar.directory.models import Organization, ServiceDomain

from . import sheets
from .models import CatalogItem, Price, PriceList


def price_sheet_template(*, organization: Organization) -> bytes:
    """An empty price sheet with its headers, unit and yes/no choices, and a guide of domain codes."""
    domains = ServiceDomain.objects.filter(organization=organization).order_by("code")
    return sheets.write_price_sheet([], domains=domains)


def price_list_export(*, price_list: PriceList) -> bytes:
    """The price list in the import format, a row per tier in its original order; it re-imports unchanged."""
    prices = (
        Price.objects.filter(price_list=price_list)
        .select_related("item", "item__domain")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    domains = ServiceDomain.objects.filter(organization_id=price_list.organization_id).order_by("code")
    return sheets.write_price_sheet(sheets.iter_lines((p.item, p) for p in prices), domains=domains,
                                    title=price_list.title)


ITEM_EXPORT_HEADERS = ["کد کالا", "نام کالا", "تأمین‌کننده", "حوزه", "واحد", "قیمت فعلی (ریال)",
                       "زمان تحویل (روز)", "موجود"]


def items_export(items: Iterable[CatalogItem]) -> bytes:
    """Search results as a sheet: name, supplier, domain, unit, current price in Rial, lead time, in stock."""
    if isinstance(items, QuerySet):
        items = items.select_related("provider", "domain").iterator(chunk_size=2000)
    rows = (
        [item.code, item.name, item.provider.name, item.domain.name, sheets.UNIT_FA.get(item.unit, item.unit),
         item.current_price, item.lead_time_days, sheets.YES if item.in_stock else sheets.NO]
        for item in items
    )
    return sheets.write_table(ITEM_EXPORT_HEADERS, rows, title="کالاها",
                              widths=[14, 40, 28, 20, 12, 18, 14, 9], number_columns=(5, 6))
