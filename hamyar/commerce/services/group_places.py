"""A municipality's place in a group purchase: join, change, withdraw, and the choices below the minimum.

Every change of a place first locks the group purchase's row, then the place: the close takes the same
lock, so a quantity counts once, before the close or not at all.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.catalog.models import CatalogItem
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import transition
from hamyar.core.numbering import next_number
from hamyar.core.scoping import scope
from hamyar.needs.choices import OPEN_STATUSES, NeedKind, NeedStatus
from hamyar.needs.models import Need, NeedLine

from ..choices import (
    OFFICER_ROLES,
    PARTICIPANT_LIFECYCLE,
    GroupPurchaseStatus,
    ParticipantAction,
    ParticipantStatus,
)
from ..models import GroupPurchase, Participant, ParticipantLine
from .group_purchases import MAX_QUANTITY, _lock_pool, field_error
from .notices import tell

__all__ = [
    "participant_change",
    "participant_fall_back",
    "participant_join",
    "participant_wait",
    "participant_withdraw",
]


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
        # The pool's tiers are its price offer from the day it joins: no first-quotation clock runs.
        submitted_at=now, triaged_at=now, assigned_at=now, first_quoted_at=now,
    )
    announce(Need, [made.pk])
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
    announce(Need, [need.pk])
    audit_record(actor=acting_user, action=f"need.group_purchase_{status}", obj=need,
                 before=before, after=snapshot(need))
