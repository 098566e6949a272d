"""Group purchases: creating a pool and inviting municipalities. A municipality's place in it is in
group_places.py; closing, ordering and allocating in group_closing.py."""

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.catalog.models import CatalogItem, Price, PriceList
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, field_error
from hamyar.core.jalali import format_jalali_date
from hamyar.core.lifecycle import lock_in_scope
from hamyar.core.numbering import next_number
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role, scope
from hamyar.core.text import normalize
from hamyar.directory.models import AgencyAgreement, Municipality

from ..choices import (
    OFFICER_ROLES,
    GroupPurchaseStatus,
)
from ..models import GroupPurchase, GroupPurchaseItem, Participant
from .notices import tell

__all__ = [
    "group_purchase_create",
    "group_purchase_invite",
]

MAX_QUANTITY = 10_000_000
MAX_INVITATIONS = 5000


def group_purchase_url(group_purchase: GroupPurchase) -> str:
    return reverse("commerce:group_purchase_detail", args=[group_purchase.pk])


def tiers_of(group_purchase: GroupPurchase) -> dict[int, list[tuple[int, int]]]:
    """Each item's tiers (from quantity, unit price) in the pool's price list."""
    item_ids = list(group_purchase.items.values_list("item_id", flat=True))
    tiers: dict[int, list[tuple[int, int]]] = {item: [] for item in item_ids}
    rows = Price.objects.filter(price_list_id=group_purchase.price_list_id, item_id__in=item_ids)
    for item, from_quantity, price in rows.values_list("item_id", "min_quantity", "unit_price"):
        tiers[item].append((from_quantity, price))
    return {item: sorted(rows) for item, rows in tiers.items()}


# ---------------------------------------------------------------- the pool


def _whole(value: Any, field: str, *, low: int = 1, high: int = MAX_QUANTITY,
           optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise field_error(field, _("Enter a whole number from %(low)s to %(high)s.")
                          % {"low": low, "high": high})
    return value


def _rate(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        rate = Decimal(str(value))
    except ArithmeticError:
        rate = Decimal(-1)
    if not rate.is_finite() or not Decimal(0) < rate <= Decimal(100_000):
        raise field_error(field, _("Enter a number greater than zero and at most 100,000."))
    return rate.quantize(Decimal("0.01"))


def group_purchase_create(*, acting_user: User, title: str, item_ids: Iterable[int], opens_on: dt.date,
                          closes_on: dt.date, minimum_quantity: int, target_quantity: int,
                          max_per_municipality: int | None = None, description: str = "",
                          per_thousand_residents: Any = None, per_hectare: Any = None,
                          asset_kind: str = "") -> GroupPurchase:
    """A pool of one catalog item, or of interchangeable items of one supplier, open for a window.

    The supplier must be represented under an agency agreement in force for the whole window, and its
    price list in force for the whole window must price every item: its rows are the tiers.
    """
    membership = require_role(acting_user, *OFFICER_ROLES)
    title = normalize(title or "")[:200]
    if not title:
        raise field_error("title", _("Give the group purchase a title."))
    ids = sorted({int(pk) for pk in item_ids})
    items = list(scope(CatalogItem.objects.select_related("provider"), acting_user)
                 .filter(pk__in=ids, is_active=True))
    if not ids or len(items) != len(ids):
        raise field_error("items", _("Choose one or more active catalog items."))
    if len({item.provider_id for item in items}) > 1 or len({item.domain_id for item in items}) > 1:
        raise field_error("items", _("The items of one group purchase come from one supplier and one domain: "
                                     "they are bought together as interchangeable items."))
    for name, day in (("opens_on", opens_on), ("closes_on", closes_on)):
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            raise field_error(name, _("Enter a date such as 1405/09/16."))
    if closes_on < opens_on:
        raise field_error("closes_on", _("The window closes on or after the day it opens."))
    if closes_on < timezone.localdate():
        raise field_error("closes_on", _("The window must close today or later."))
    minimum = int(_whole(minimum_quantity, "minimum_quantity") or 0)
    target = int(_whole(target_quantity, "target_quantity") or 0)
    cap = _whole(max_per_municipality, "max_per_municipality", optional=True)
    provider = items[0].provider
    agreement = _agreement_in_force(provider.pk, opens_on, closes_on)
    price_list = _price_list_in_force(provider.pk, opens_on, closes_on)
    rows = Price.objects.filter(price_list=price_list, item_id__in=ids)
    priced = set(rows.values_list("item_id", flat=True))
    if priced != set(ids):
        raise field_error("items", _("The supplier's price list in force (%(list)s) does not price every "
                                     "item.") % {"list": price_list.title})
    thresholds = set(rows.values_list("min_quantity", flat=True))
    if target not in thresholds:
        raise field_error("target_quantity", _("The target is one of the price list's tiers: %(tiers)s.")
                          % {"tiers": "، ".join(str(t) for t in sorted(thresholds))})
    with transaction.atomic():
        group_purchase = GroupPurchase.objects.create(
            organization_id=membership.organization_id, number=next_number(membership.organization_id, "G"),
            title=title, description=normalize(description or "")[:4000], provider=provider,
            agreement=agreement, price_list=price_list, domain_id=items[0].domain_id, opens_on=opens_on,
            closes_on=closes_on, minimum_quantity=minimum, target_quantity=target, max_per_municipality=cap,
            per_thousand_residents=_rate(per_thousand_residents, "per_thousand_residents"),
            per_hectare=_rate(per_hectare, "per_hectare"), asset_kind=(asset_kind or "")[:20],
            vat_percent=Decimal(str(settings.HAMYAR_VAT_PERCENT)), created_by=acting_user,
        )
        GroupPurchaseItem.objects.bulk_create(
            GroupPurchaseItem(organization_id=group_purchase.organization_id, group_purchase=group_purchase,
                              item=item) for item in items)
        audit_record(actor=acting_user, action="group_purchase.create", obj=group_purchase,
                     after={**snapshot(group_purchase), "items": ids})
    return group_purchase


def _agreement_in_force(provider_id: int, opens_on: dt.date, closes_on: dt.date) -> AgencyAgreement:
    agreement = (AgencyAgreement.objects.filter(supplier_id=provider_id, starts_on__lte=opens_on,
                                                ends_on__gte=closes_on).order_by("-ends_on", "pk").first())
    if agreement is None:
        raise field_error("closes_on", _("Only a supplier with an agency agreement in force for the whole "
                                         "window can be pooled; no agreement covers these dates."))
    return agreement


def _price_list_in_force(provider_id: int, opens_on: dt.date, closes_on: dt.date) -> PriceList:
    price_list = (PriceList.objects.filter(provider_id=provider_id, valid_from__lte=opens_on)
                  .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=closes_on))
                  .order_by("-valid_from", "-pk").first())
    if price_list is None:
        raise field_error("closes_on", _("The supplier has no price list in force for the whole window."))
    return price_list


def group_purchase_invite(*, group_purchase: GroupPurchase, acting_user: User,
                          invitations: Mapping[int, tuple[str, int | None]]) -> list[Participant]:
    """Invite municipalities (id → why, suggested quantity) to an open pool; one already invited is
    left as it is. Each invited municipality's users are told."""
    if not invitations:
        raise field_error("municipalities", _("Choose at least one municipality to invite."))
    if len(invitations) > MAX_INVITATIONS:
        raise field_error("municipalities", _("Invite at most %(n)s municipalities at once.")
                          % {"n": MAX_INVITATIONS})
    with transaction.atomic():
        locked = _lock_pool(group_purchase, acting_user)
        require_role(acting_user, *OFFICER_ROLES)
        if locked.status != GroupPurchaseStatus.OPEN:
            raise ApplicationError(_("Municipalities are invited while the group purchase is open."),
                                   code="group_purchase_state")
        known = set(Municipality.objects.filter(organization_id=locked.organization_id,
                                                pk__in=list(invitations)).values_list("pk", flat=True))
        if known != set(invitations):
            raise field_error("municipalities", _("One of the municipalities is not of this organization."))
        already = set(locked.participants.values_list("municipality_id", flat=True))
        new = [Participant(organization_id=locked.organization_id, group_purchase=locked, municipality_id=pk,
                           invitation_reason=normalize(reason)[:300], suggested_quantity=suggested)
               for pk, (reason, suggested) in sorted(invitations.items()) if pk not in already]
        created = Participant.objects.bulk_create(new)
        audit_record(actor=acting_user, action="group_purchase.invite", obj=locked,
                     after={"municipalities": [p.municipality_id for p in created]})
        if created:
            tell(organization_id=locked.organization_id,
                 municipality_ids=[p.municipality_id for p in created],
                 roles=[Role.MUNICIPALITY_USER], url=group_purchase_url(locked),
                 subject=_("You are invited to group purchase %(number)s") % {"number": locked.number},
                 body=_("%(title)s: join with your quantity by %(closes)s to pay the pooled price.")
                 % {"title": locked.title, "closes": format_jalali_date(locked.closes_on)})
    return created



def suggested_quantity(group_purchase: GroupPurchase, municipality: Municipality,
                       asset_hectares: Decimal | None) -> tuple[int | None, str]:
    """What a municipality's profile suggests it needs, and the sentence that says why."""
    reasons = []
    quantity = 0
    if group_purchase.per_thousand_residents and municipality.population:
        units = math.ceil(Decimal(municipality.population) * group_purchase.per_thousand_residents / 1000)
        quantity += units
        reasons.append(_("%(population)s residents × %(rate)s per 1,000 residents ≈ %(units)s")
                       % {"population": f"{municipality.population:,}", "units": units,
                          "rate": group_purchase.per_thousand_residents.normalize()})
    if group_purchase.per_hectare and asset_hectares:
        units = math.ceil(Decimal(asset_hectares) * group_purchase.per_hectare)  # exact: no float
        quantity += units
        reasons.append(_("%(area)s ha of assets × %(rate)s per hectare ≈ %(units)s")
                       % {"area": asset_hectares.normalize(), "units": units,
                          "rate": group_purchase.per_hectare.normalize()})
    if not reasons:
        return None, ""
    return quantity, "؛ ".join(str(reason) for reason in reasons)


def _lock_pool(group_purchase: GroupPurchase | int, acting_user: Any) -> GroupPurchase:
    """The pool's row under its lock, if the actor may read it (404 otherwise)."""
    pk = group_purchase if isinstance(group_purchase, int) else group_purchase.pk
    return lock_in_scope(GroupPurchase(pk=pk), acting_user)
