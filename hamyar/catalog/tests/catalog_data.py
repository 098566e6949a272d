"""A small catalog on conftest's `tenant`: what the page, API and visibility tests look at.

Built through the services, as a clerk would: items of the represented supplier
(agreement in force), of `other_supplier` (agreement expired ten days ago) and of
the affiliated company, with an older price list kept as history.
"""

import datetime as dt
import io
from dataclasses import dataclass

import openpyxl
from django.utils import timezone

from hamyar.catalog.models import CatalogItem, PriceList
from hamyar.catalog.services import PriceRow, item_create, price_list_publish


@dataclass
class Catalog:
    bench: CatalogItem
    concrete_bench: CatalogItem
    lamp: CatalogItem  # of the supplier whose agreement expired
    sapling: CatalogItem
    old_list: PriceList
    bench_list: PriceList
    lamp_list: PriceList
    sapling_list: PriceList


def add_item(tenant, provider, domain, code: str, name: str, **extra) -> CatalogItem:
    data = {"provider": provider, "domain": domain, "code": code, "name": name, "unit": "piece",
            "lead_time_days": 14, **extra}
    return item_create(acting_user=tenant.users["commerce"], data=data)


def publish(tenant, provider, title: str, rows: list[tuple[CatalogItem, int, int]], *, days_ago: int = 30,
            until_days_ago: int | None = None) -> PriceList:
    today = timezone.localdate()
    return price_list_publish(
        acting_user=tenant.users["commerce"], provider=provider, title=title,
        valid_from=today - dt.timedelta(days=days_ago),
        valid_until=None if until_days_ago is None else today - dt.timedelta(days=until_days_ago),
        rows=[PriceRow(item, quantity, price) for item, quantity, price in rows],
    )


def build_catalog(tenant) -> Catalog:
    bench = add_item(tenant, tenant.supplier, tenant.furniture, "PRS-BN-01", "نیمکت پارکی فلزی دو متری",
                     description="برای پارک وکیل‌آباد", attributes={"طول": "۲۰۰ سانتی‌متر"}, lead_time_days=21)
    concrete = add_item(tenant, tenant.supplier, tenant.furniture, "PRS-BN-02", "نیمکت بتنی پیش‌ساخته",
                        in_stock=False, lead_time_days=30)
    lamp = add_item(tenant, tenant.other_supplier, tenant.lighting, "NGS-LD-01", "چراغ خیابانی LED ۱۵۰ وات")
    sapling = add_item(tenant, tenant.affiliate, tenant.green, "HTS-GR-01", "کاشت نهال زبان‌گنجشک",
                       lead_time_days=7)
    old = publish(tenant, tenant.supplier, "فهرست بهای سال گذشته",
                  [(bench, 1, 150_000_000), (bench, 10, 145_000_000)], days_ago=400, until_days_ago=31)
    current = publish(tenant, tenant.supplier, "فهرست بهای جاری",
                      [(bench, 1, 195_000_000), (bench, 10, 187_200_000), (bench, 50, 179_400_000),
                       (concrete, 1, 148_000_000)])
    lamp_list = publish(tenant, tenant.other_supplier, "فهرست بهای روشنایی", [(lamp, 1, 128_000_000)])
    sapling_list = publish(tenant, tenant.affiliate, "فهرست بهای نهال", [(sapling, 1, 9_500_000)])
    return Catalog(bench, concrete, lamp, sapling, old, current, lamp_list, sapling_list)


HEADERS = ["کد کالا", "نام کالا", "کد حوزه", "واحد", "زمان تحویل (روز)", "از تعداد", "قیمت واحد (ریال)",
           "موجود"]


def price_sheet(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    """An xlsx price sheet as a supplier's Excel saves it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [
    ["PRS-BN-01", "نیمکت پارکی فلزی دو متری", "urban-furniture", "عدد", 21, 1, 205_000_000, "بله"],
    ["PRS-BN-01", "", "", "", "", 10, 198_000_000, ""],
    ["PRS-BN-03", "نیمکت دایره‌ای دور درخت", "urban-furniture", "دست", 30, 1, 420_000_000, "خیر"],
]
BAD_ROWS = [
    ["PRS-BN-01", "نیمکت پارکی فلزی دو متری", "urban-furniture", "عدد", 21, 1, -5, "بله"],
    ["PRS-BN-04", "نیمکت سنگی", "urban-furniture", "بشکه", 10, 1, 90_000_000, "بله"],
    ["PRS-BN-05", "نیمکت چوبی", "no-such-domain", "عدد", 10, 1, 80_000_000, "بله"],
]
