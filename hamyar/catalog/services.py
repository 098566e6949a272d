"""Every write to the catalog: items, and price lists published whole (never edited in place)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.choices import PROVIDER_ROLES, Role
from hamyar.accounts.scoping import in_scope, require_role
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import InvalidInput, NotFound
from hamyar.core.services import save_audited
from hamyar.core.text import normalize, search_key
from hamyar.directory.models import Provider

from .models import CatalogItem, Price, PriceList

CATALOG_EDITORS = (Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.SUPPLIER_USER, Role.PROJECT_MANAGER)


def _require_provider(acting_user, provider: Provider):
    """The actor may edit this provider's catalog: officers any, bound users only their own."""
    membership = require_role(acting_user, *CATALOG_EDITORS)
    if provider is None or not in_scope(provider, acting_user):
        raise NotFound()
    if membership.role in PROVIDER_ROLES and membership.provider_id != provider.pk:
        raise NotFound()
    return membership


def item_search_text(item: CatalogItem) -> str:
    """Everything a clerk may type to find the item, normalized once on write."""
    values = [item.name, item.code, item.description, item.provider.name, item.domain.name]
    domain = item.domain.parent
    while domain is not None:
        values.append(domain.name)
        domain = domain.parent
    for key, value in (item.attributes or {}).items():
        values.extend([str(key), str(value)])
    return search_key(" ".join(v for v in values if v))


def _prepare(item: CatalogItem, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key in {"name", "description", "code"} and isinstance(value, str):
            value = normalize(value)
        if key == "attributes":
            if not isinstance(value, dict):
                raise InvalidInput(_("Attributes must be pairs of a name and a value."))
            value = {normalize(str(k)): normalize(str(v)) for k, v in value.items() if str(k).strip()}
        setattr(item, key, value)
    item.search_name = search_key(item.name)
    item.search_text = item_search_text(item)


def item_create(*, acting_user, data: dict[str, Any]) -> CatalogItem:
    provider = data.get("provider")
    membership = _require_provider(acting_user, provider)
    domain = data.get("domain")
    if domain is None or not in_scope(domain, acting_user):
        raise InvalidInput(_("Choose the service domain of the item."))
    item = CatalogItem(organization=membership.organization)
    _prepare(item, data)
    return save_audited(item, acting_user=acting_user, action="catalog_item.create")


def item_update(*, item: CatalogItem, acting_user, data: dict[str, Any]) -> CatalogItem:
    _require_provider(acting_user, item.provider)
    data = {k: v for k, v in data.items() if k not in {"provider", "organization"}}
    if "domain" in data and (data["domain"] is None or not in_scope(data["domain"], acting_user)):
        raise InvalidInput(_("Choose the service domain of the item."))
    before = snapshot(item)
    _prepare(item, data)
    return save_audited(item, acting_user=acting_user, action="catalog_item.update", before=before)


@dataclass(frozen=True)
class PriceRow:
    item: CatalogItem
    min_quantity: int
    unit_price: int


def _lock_provider(provider: Provider) -> None:
    """One writer per provider's prices at a time: a second import waits, it cannot interleave."""
    Provider.objects.select_for_update().filter(pk=provider.pk).exists()


@transaction.atomic
def price_list_publish(
    *,
    acting_user,
    provider: Provider,
    title: str,
    valid_from: date,
    valid_until: date | None,
    rows: list[PriceRow],
    source: str = "manual",
) -> PriceList:
    """A new price list with all its tiers, in one transaction; earlier lists stay as history."""
    membership = _require_provider(acting_user, provider)
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
    _lock_provider(provider)
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


def current_price_lists(*, on: date | None = None):
    """Price lists in force on a day."""
    on = on or timezone.localdate()
    return PriceList.objects.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


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
