"""Group purchases: creating a pool, inviting municipalities, and each municipality's place in it.

Every change of a place (join, change, withdraw, and the choices below the minimum) first locks the
group purchase's row, then the place: the close takes the same lock, so a quantity counts once, before
the close or not at all. Closing, ordering and allocating are in group_closing.py.
"""

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.catalog.models import CatalogItem, Price, PriceList
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.jalali import format_jalali_date
from hamyar.core.lifecycle import lock_in_scope, transition
from hamyar.core.numbering import next_number
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role, scope
from hamyar.core.text import normalize
from hamyar.directory.models import AgencyAgreement, Municipality
from hamyar.needs.choices import OPEN_STATUSES, NeedKind, NeedStatus
from hamyar.needs.models import Need, NeedLine

from ..choices import (
    OFFICER_ROLES,
    PARTICIPANT_LIFECYCLE,
    GroupPurchaseStatus,
    ParticipantAction,
    ParticipantStatus,
)
from ..models import GroupPurchase, GroupPurchaseItem, Participant, ParticipantLine
from .notices import tell

__all__ = [
    "group_purchase_create",
    "group_purchase_invite",
    "participant_change",
    "participant_fall_back",
    "participant_join",
    "participant_wait",
    "participant_withdraw",
]

MAX_QUANTITY = 10_000_000
MAX_INVITATIONS = 5000


def field_error(field: str, message: Any) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [str(message)]}})


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
                 % {"title": locked.title, "closes": _jalali(locked.closes_on)})
    return created


def _jalali(day: dt.date) -> str:
    return format_jalali_date(day)


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


# ---------------------------------------------------------------- a municipality's place


def _lock_pool(group_purchase: GroupPurchase | int, acting_user: Any) -> GroupPurchase:
    """The pool's row under its lock, if the actor may read it (404 otherwise)."""
    pk = group_purchase if isinstance(group_purchase, int) else group_purchase.pk
    return lock_in_scope(GroupPurchase(pk=pk), acting_user)


def _require_open(pool: GroupPurchase) -> None:
    if pool.status != GroupPurchaseStatus.OPEN:
        raise ApplicationError(
            _("Group purchase %(number)s is %(status)s: quantities can be joined, changed or withdrawn only "
              "while it is open.") % {"number": pool.number, "status": pool.get_status_display()},
            code="group_purchase_closed")


def _clean_lines(pool: GroupPurchase, lines: Mapping[Any, Any]) -> dict[int, int]:
    items = set(pool.items.values_list("item_id", flat=True))
    cleaned: dict[int, int] = {}
    for item, quantity in lines.items():
        try:
            item_id = int(item)
        except (TypeError, ValueError):
            item_id = -1
        if item_id not in items:
            raise field_error("lines", _("Only the items of this group purchase can be joined."))
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise field_error("quantity", _("Each quantity is a whole number of at least 1."))
        cleaned[item_id] = quantity
    if not cleaned:
        raise field_error("quantity", _("Enter the quantity you need."))
    total = sum(cleaned.values())
    if pool.max_per_municipality is not None and total > pool.max_per_municipality:
        raise field_error("quantity", _("One municipality may ask for at most %(cap)s in this group "
                                        "purchase.") % {"cap": pool.max_per_municipality})
    return cleaned


def _place_step(participant: Participant, action: str, acting_user: User, *, pool_open: bool = True) -> Any:
    """Lock the pool, then the place (in the actor's scope); the pool must be open, or closed below its
    minimum for the choices."""
    pool = _lock_pool(participant.group_purchase_id, acting_user)
    if pool_open:
        _require_open(pool)
    elif pool.status != GroupPurchaseStatus.CLOSED:
        raise ApplicationError(
            _("This choice is made when the group purchase has closed below its minimum."),
            code="group_purchase_state")
    return pool, transition(PARTICIPANT_LIFECYCLE, participant, action, acting_user=acting_user,
                            savepoint=False)


def participant_join(*, participant: Participant, acting_user: User, lines: Mapping[Any, Any],
                     need: Need | None = None) -> Participant:
    """Join an open pool with a quantity per item, from an open need of the municipality (its lines
    are linked) or new (a need is made for the share, assigned to the supplier)."""
    with transaction.atomic():
        pool, step = _place_step(participant, ParticipantAction.JOIN, acting_user)
        cleaned = _clean_lines(pool, lines)
        with step as move:
            place = move.obj
            _attach_need(place, pool, cleaned, need, acting_user)
            place.joined_at = timezone.now()
            place.waiting_since = None
            _write_lines(place, cleaned)
    return move.obj


def participant_change(*, participant: Participant, acting_user: User,
                       lines: Mapping[Any, Any]) -> Participant:
    """Change the quantities while the pool is open."""
    with transaction.atomic():
        pool, step = _place_step(participant, ParticipantAction.CHANGE, acting_user)
        cleaned = _clean_lines(pool, lines)
        with step as move:
            place = move.obj
            if place.need_made_here:
                ParticipantLine.objects.filter(participant=place).delete()  # they point at the need's lines
                _write_need_lines(place.need, cleaned)
            _write_lines(place, cleaned)
    return move.obj


def participant_withdraw(*, participant: Participant, acting_user: User) -> Participant:
    """Leave the pool (while open, or below the minimum); a need made for the share is cancelled."""
    with transaction.atomic():
        pool = _lock_pool(participant.group_purchase_id, acting_user)
        if pool.status not in (GroupPurchaseStatus.OPEN, GroupPurchaseStatus.CLOSED):
            _require_open(pool)
        with transition(PARTICIPANT_LIFECYCLE, participant, ParticipantAction.WITHDRAW,
                        acting_user=acting_user, savepoint=False) as move:
            place = move.obj
            _release_need(place, acting_user, NeedStatus.CANCELLED,
                          _("Withdrawn from group purchase %(number)s.") % {"number": pool.number})
            place.quantity = 0
            ParticipantLine.objects.filter(participant=place).delete()
    return move.obj


def participant_wait(*, participant: Participant, acting_user: User) -> Participant:
    """Below the minimum: stay in the pool for an extended window."""
    with transaction.atomic():
        _pool, step = _place_step(participant, ParticipantAction.WAIT, acting_user, pool_open=False)
        with step as move:
            move.obj.waiting_since = timezone.now()
    return move.obj


def participant_fall_back(*, participant: Participant, acting_user: User) -> Participant:
    """Below the minimum: leave the pool and have the need quoted on its own (back to the officers)."""
    with transaction.atomic():
        pool, step = _place_step(participant, ParticipantAction.FALL_BACK, acting_user, pool_open=False)
        with step as move:
            place = move.obj
            _release_need(place, acting_user, NeedStatus.TRIAGED,
                          _("Back from group purchase %(number)s for an individual quotation.")
                          % {"number": pool.number})
            place.quantity = 0
            ParticipantLine.objects.filter(participant=place).delete()
            tell(organization_id=pool.organization_id, roles=sorted(OFFICER_ROLES),
                 url=reverse("needs:need_detail", args=[place.need_id]) if place.need_id else "",
                 subject=_("A municipality asks for an individual quotation instead of group purchase "
                           "%(number)s") % {"number": pool.number})
    return move.obj


def _attach_need(place: Participant, pool: GroupPurchase, lines: dict[int, int], need: Need | None,
                 acting_user: User) -> None:
    if need is not None:
        own = scope(Need.objects.filter(pk=need.pk, municipality_id=place.municipality_id,
                                        status__in=OPEN_STATUSES), acting_user).first()
        if own is None:
            raise field_error("need", _("Choose one of your municipality's open needs."))
        # Locked, so two pools joining the same need at once are checked one after the other.
        Need.objects.select_for_update().filter(pk=own.pk).first()
        elsewhere = Participant.objects.filter(need=own, status=ParticipantStatus.JOINED).exclude(pk=place.pk)
        if elsewhere.exists():
            raise field_error("need", _("This need is already in another group purchase."))
        place.need, place.need_made_here = own, False
        return
    if place.need_made_here and place.need_id:  # joining again after withdrawing: a fresh need
        place.need = None
    now = timezone.now()
    made = Need.objects.create(
        organization_id=place.organization_id, municipality_id=place.municipality_id,
        number=next_number(place.organization_id, "N"), kind=NeedKind.GOODS, domain_id=pool.domain_id,
        title=str(_("Share in group purchase %(number)s: %(title)s") % {"number": pool.number,
                                                                        "title": pool.title})[:200],
        status=NeedStatus.ASSIGNED, provider_id=pool.provider_id, created_by=acting_user,
        submitted_at=now, triaged_at=now, assigned_at=now,
    )
    _write_need_lines(made, lines)
    audit_record(actor=acting_user, action="need.create_for_group_purchase", obj=made,
                 after={**snapshot(made), "group_purchase": pool.number})
    place.need, place.need_made_here = made, True


def _write_need_lines(need: Need, lines: dict[int, int]) -> None:
    NeedLine.objects.filter(need=need).delete()
    items = CatalogItem.objects.in_bulk(list(lines))
    NeedLine.objects.bulk_create(
        NeedLine(organization_id=need.organization_id, need=need, item_id=item, description=items[item].name,
                 quantity=quantity, unit=items[item].unit) for item, quantity in lines.items())


def _write_lines(place: Participant, lines: dict[int, int]) -> None:
    ParticipantLine.objects.filter(participant=place).delete()
    by_item: dict[int, int] = {}
    if place.need_id:
        for line_id, item in NeedLine.objects.filter(need_id=place.need_id, item_id__in=list(lines)) \
                .values_list("pk", "item_id"):
            by_item.setdefault(item, line_id)
    ParticipantLine.objects.bulk_create(
        ParticipantLine(organization_id=place.organization_id, participant=place, item_id=item,
                        need_line_id=by_item.get(item), quantity=quantity)
        for item, quantity in lines.items())
    place.quantity = sum(lines.values())


def _release_need(place: Participant, acting_user: User | None, status: str, reason: Any) -> None:
    """A need made for the share is cancelled (withdrawn) or handed back to the officers (fallback);
    a need of the municipality's own stays where it was."""
    if not (place.need_made_here and place.need_id):
        return
    need = Need.objects.select_for_update().get(pk=place.need_id)
    before = snapshot(need)
    need.status = status
    need.reason = str(reason)
    if status == NeedStatus.CANCELLED:
        need.closed_at = timezone.now()
    else:
        need.provider = None
    need.save()
    audit_record(actor=acting_user, action=f"need.group_purchase_{status}", obj=need,
                 before=before, after=snapshot(need))


def pool_total(group_purchase: GroupPurchase) -> int:
    """The quantity joined so far (every joined place's total)."""
    return (group_purchase.participants.filter(status=ParticipantStatus.JOINED)
            .aggregate(total=Sum("quantity"))["total"] or 0)
