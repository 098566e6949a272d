"""Writes of price lists: published whole, never edited in place; earlier lists stay as history."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import InvalidInput
from hamyar.core.text import normalize
from hamyar.directory.models import Provider

from ..models import CatalogItem, Price, PriceList
from ..selectors import current_price_lists
from .common import lock_provider, provider_membership
from .items import CATALOG_EDITORS

__all__ = ["PriceRow", "items_refresh_current_price", "price_list_publish"]


@dataclass(frozen=True)
class PriceRow:
    item: CatalogItem
    min_quantity: int
    unit_price: int


@transaction.atomic
def price_list_publish(
    *,
    acting_user: User,
    provider: Provider,
    title: str,
    valid_from: date,
    valid_until: date | None,
    rows: list[PriceRow],
    source: str = "manual",
) -> PriceList:
    """A new price list with all its tiers, in one transaction; earlier lists stay as history."""
    membership = provider_membership(acting_user, provider, CATALOG_EDITORS)
    title = normalize(title)
    if not title:
        raise InvalidInput(_("Give the price list a title."))
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput(_("The end of validity must not be before its start."))
    if not rows:
        raise InvalidInput(_("A price list needs at least one price."))
    seen: set[tuple[int, int]] = set()
    for row in rows:
        if row.item.provider_id != provider.pk:
            raise InvalidInput(_("Every priced item must belong to the price list's provider."))
        if row.unit_price < 0 or row.min_quantity < 1:
            raise InvalidInput(_("Prices must not be negative and tiers start at quantity 1."))
        if (row.item.pk, row.min_quantity) in seen:
            raise InvalidInput(_("An item has the same quantity tier twice."))
        seen.add((row.item.pk, row.min_quantity))
    lock_provider(provider)
    price_list = PriceList.objects.create(
        organization=membership.organization, provider=provider, title=title,
        valid_from=valid_from, valid_until=valid_until, source=source, created_by=acting_user,
    )
    Price.objects.bulk_create(
        [
            Price(organization=membership.organization, price_list=price_list, item=row.item,
                  min_quantity=row.min_quantity, unit_price=row.unit_price)
            for row in rows
        ],
        batch_size=2000,
    )
    items_refresh_current_price(provider=provider)
    audit_record(
        actor=acting_user, action="price_list.publish", obj=price_list,
        after={**snapshot(price_list), "prices": len(rows)},
    )
    return price_list


def items_refresh_current_price(*, provider: Provider | None = None, on: date | None = None) -> int:
    """Set each item's base-tier price from the newest price list in force that prices it."""
    newest = (
        Price.objects.filter(item=OuterRef("pk"), price_list__in=current_price_lists(on=on))
        .order_by("-price_list__valid_from", "-price_list_id", "min_quantity")
        .values("unit_price")[:1]
    )
    items = CatalogItem.objects.all()
    if provider is not None:
        items = items.filter(provider=provider)
    return items.update(current_price=Subquery(newest))
