"""Closing a pool: the tier fixed by the total, one supplier order, and each municipality's share as its
own approved quotation and order at the pooled price (in bulk: a pool of 1,400 municipalities closes in
a few statements per table, not a round of queries per municipality).

Below the minimum the pool stays closed while each participant chooses (services/group_purchases.py);
the officer then extends its window or cancels it.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.db.models import Max, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.catalog.models import CatalogItem, Price
from hamyar.core.audit import audit_record, audit_record_many, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import ApplicationError
from hamyar.core.jalali import format_jalali_date
from hamyar.core.lifecycle import Move, transition
from hamyar.core.numbering import next_number, next_numbers
from hamyar.core.roles import Role
from hamyar.core.text import normalize
from hamyar.directory.models import Organization
from hamyar.needs.choices import OPEN_STATUSES, NeedStatus
from hamyar.needs.models import Need

from ..choices import (
    GROUP_PURCHASE_LIFECYCLE,
    QUOTATION_LIFECYCLE,
    GroupPurchaseAction,
    GroupPurchaseStatus,
    OrderStatus,
    ParticipantStatus,
    QuotationAction,
    QuotationStatus,
)
from ..models import (
    GroupPurchase,
    GroupPurchaseItem,
    Order,
    OrderLine,
    Participant,
    ParticipantLine,
    Quotation,
    QuotationLine,
)
from .group_bulk import _insert, _update_shares
from .group_places import _release_need
from .group_pricing import Allocation, allocate
from .group_purchases import (
    _agreement_in_force,
    _price_list_in_force,
    field_error,
    group_purchase_url,
    tiers_of,
)
from .notices import tell
from .quotations import follow

__all__ = [
    "group_purchase_cancel",
    "group_purchase_close",
    "group_purchase_close_due",
    "group_purchase_extend",
    "group_purchase_finish_if_received",
]

logger = logging.getLogger(__name__)


@contextmanager
def _step(group_purchase: GroupPurchase, action: str, acting_user: User | None) -> Iterator[Move]:
    """A step of the pool by a person (`transition`), or by the system (the task at the window's end):
    the same lock, state check, save and one event."""
    if acting_user is not None:
        with transition(GROUP_PURCHASE_LIFECYCLE, group_purchase, action, acting_user=acting_user,
                        savepoint=False) as move:
            yield move
        return
    locked = GroupPurchase.objects.select_for_update().get(pk=group_purchase.pk)
    if not GROUP_PURCHASE_LIFECYCLE.allows(locked.status, action):
        raise GROUP_PURCHASE_LIFECYCLE.state_error(locked, action)
    move = Move(obj=locked, before=snapshot(locked), action=action)
    yield move
    locked.status = GROUP_PURCHASE_LIFECYCLE.step(action).target
    locked.save()
    audit_record(actor=None, action=f"group_purchase.{action}", obj=locked, before=move.before,
                 after=snapshot(locked))


def _follow(pool: GroupPurchase, action: str, acting_user: User | None, after: dict | None = None) -> None:
    """A step that follows the close under the same lock (order, allocate, finish)."""
    if not GROUP_PURCHASE_LIFECYCLE.allows(pool.status, action):
        raise GROUP_PURCHASE_LIFECYCLE.state_error(pool, action)
    before = snapshot(pool)
    pool.status = GROUP_PURCHASE_LIFECYCLE.step(action).target
    pool.save()
    audit_record(actor=acting_user, action=f"group_purchase.{action}", obj=pool, before=before,
                 after={**snapshot(pool), **(after or {})})


def group_purchase_close(*, group_purchase: GroupPurchase, acting_user: User | None) -> GroupPurchase:
    """Close the window. At or above the minimum: order and allocate at once. Below it: the pool waits,
    closed, for each participant's choice. An empty pool is not closed (cancel it instead)."""
    with transaction.atomic():
        with _step(group_purchase, GroupPurchaseAction.CLOSE, acting_user) as move:
            pool = move.obj
            joined = _without_needs_gone(pool, acting_user, list(
                pool.participants.filter(status=ParticipantStatus.JOINED).order_by("pk")))
            if not joined:
                raise ApplicationError(
                    _("No municipality has joined group purchase %(number)s; there is nothing to order. "
                      "Cancel it, or extend its window.") % {"number": pool.number},
                    code="group_purchase_empty")
            pool.pooled_quantity = sum(place.quantity for place in joined)
            pool.closed_at = timezone.now()
        if pool.pooled_quantity < pool.minimum_quantity:
            tell(organization_id=pool.organization_id, municipality_ids=[p.municipality_id for p in joined],
                 roles=[Role.MUNICIPALITY_USER], url=group_purchase_url(pool),
                 subject=_("Group purchase %(number)s closed below its minimum: choose how to go on")
                 % {"number": pool.number},
                 body=_("%(pooled)s of the minimum %(minimum)s were joined. Wait for an extended window, ask "
                        "for an individual quotation, or withdraw.")
                 % {"pooled": pool.pooled_quantity, "minimum": pool.minimum_quantity})
            group_purchase.status = pool.status
            return pool
        allocation = _order(pool, joined, acting_user)
        _allocate(pool, joined, allocation, acting_user)
    group_purchase.status = pool.status
    return pool


def _without_needs_gone(pool: GroupPurchase, acting_user: User | None,
                        joined: list[Participant]) -> list[Participant]:
    """A place whose need went on without the pool (approved on an individual quotation, cancelled) is
    withdrawn at the close, so that no need is ordered twice; the others are returned."""
    gone = set(Need.objects.filter(pk__in=[place.need_id for place in joined])
               .exclude(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    for place in joined:
        if place.need_id in gone:
            before = snapshot(place)
            place.status, place.quantity = ParticipantStatus.WITHDRAWN, 0
            place.save(update_fields=["status", "quantity", "updated_at"])
            ParticipantLine.objects.filter(participant=place).delete()
            audit_record(actor=acting_user, action="group_participant.withdraw", obj=place, before=before,
                         after={**snapshot(place), "need_gone": place.need_id})
    return [place for place in joined if place.need_id not in gone]


def _order(pool: GroupPurchase, joined: list[Participant], acting_user: User | None) -> Allocation:
    """The tier by the pooled quantity, and one supplier order of everything."""
    lines: dict[int, dict[int, int]] = defaultdict(dict)
    need_lines: dict[tuple[int, int], int | None] = {}
    # The joined places' lines, read once (the pool's lock keeps them as they are until the commit).
    for participant_id, item, quantity, need_line in (
            ParticipantLine.objects.filter(participant__group_purchase=pool,
                                           participant__status=ParticipantStatus.JOINED)
            .values_list("participant_id", "item_id", "quantity", "need_line_id")):
        lines[participant_id][item] = quantity
        need_lines[participant_id, item] = need_line
    allocation = allocate(tiers_of(pool), [lines[place.pk] for place in joined], pool.vat_percent)
    pool.order_number = next_number(pool.organization_id, "SO")
    pool.subtotal, pool.vat_amount, pool.total = allocation.subtotal, allocation.vat_amount, allocation.total
    pool.alone_subtotal = sum(share.alone_subtotal for share in allocation.shares)
    pool.ordered_at = timezone.now()
    items = list(pool.items.all())
    for row in items:
        row.quantity = allocation.item_quantities.get(row.item_id, 0)
        row.unit_price = allocation.prices[row.item_id]
    GroupPurchaseItem.objects.bulk_update(items, ["quantity", "unit_price"])
    _follow(pool, GroupPurchaseAction.ORDER, acting_user,
            after={"items": {row.item_id: [row.quantity, row.unit_price] for row in items}})
    tell(organization_id=pool.organization_id, provider_id=pool.provider_id,
         roles=[Role.SUPPLIER_USER], url=group_purchase_url(pool),
         subject=_("Group order %(order)s: %(quantity)s units of group purchase %(number)s")
         % {"order": pool.order_number, "quantity": pool.pooled_quantity, "number": pool.number})
    pool._lines = lines, need_lines  # type: ignore[attr-defined]  # read once, used by the allocation
    return allocation


def _allocate(pool: GroupPurchase, joined: list[Participant], allocation: Allocation,
              acting_user: User | None) -> None:
    """Each share as an approved quotation and a placed order of its municipality, all in bulk."""
    lines, need_lines = pool._lines  # type: ignore[attr-defined]
    now = timezone.now()
    today = timezone.localdate()
    organization_id = pool.organization_id
    items = CatalogItem.objects.in_bulk([row.item_id for row in pool.items.all()])
    base_prices = dict(Price.objects.filter(price_list_id=pool.price_list_id, item_id__in=list(items))
                       .order_by("item_id", "-min_quantity").values_list("item_id", "unit_price"))
    need_ids: list[int] = [place.need_id for place in joined]  # type: ignore[misc]  # a joined place has one
    _supersede_live_quotations(pool, joined, acting_user)
    revisions = _next_revisions(pool, need_ids)
    quotation_numbers = next_numbers(organization_id, "Q", len(joined))
    order_numbers = next_numbers(organization_id, "O", len(joined))
    reason = str(_("Pooled price of group purchase %(number)s") % {"number": pool.number})[:300]
    note = str(_("Group purchase %(number)s: %(pooled)s units pooled; supplier order %(order)s.")
               % {"number": pool.number, "pooled": pool.pooled_quantity, "order": pool.order_number})
    prepared_by = acting_user or pool.created_by
    approved = str(QuotationStatus.APPROVED.value)  # COPY writes an enum by its name: the value, plain
    quotation_ids = _insert(Quotation, (
        "organization_id", "need_id", "provider_id", "number", "revision", "status", "agreement_id",
        "valid_until", "vat_percent", "subtotal", "vat_amount", "total", "note", "prepared_by_id", "sent_at",
        "decided_at"), [
        (organization_id, need, pool.provider_id, number, revisions.get(need, 1), approved,
         pool.agreement_id, today, pool.vat_percent, share.subtotal, share.vat_amount, share.total, note,
         prepared_by.pk, now, now)
        for need, number, share in zip(need_ids, quotation_numbers, allocation.shares, strict=True)])
    line_rows = [(place, quotation, item, quantity)
                 for place, quotation in zip(joined, quotation_ids, strict=True)
                 for item, quantity in sorted(lines[place.pk].items())]
    quotation_line_ids = _insert(QuotationLine, (
        "organization_id", "quotation_id", "item_id", "need_line_id", "description", "quantity", "unit",
        "list_price", "unit_price", "price_reason", "amount"), [
        (organization_id, quotation, item, need_lines.get((place.pk, item)), items[item].name[:300],
         quantity, items[item].unit, base_prices.get(item), allocation.prices[item], reason,
         quantity * allocation.prices[item])
        for place, quotation, item, quantity in line_rows])
    lead_days = max((item.lead_time_days for item in items.values()), default=0)
    due = today + timedelta(days=lead_days) if lead_days else None
    order_ids = _insert(Order, (
        "organization_id", "quotation_id", "need_id", "municipality_id", "provider_id", "number", "status",
        "total", "due_date"), [
        (organization_id, quotation, need, place.municipality_id, pool.provider_id, number,
         str(OrderStatus.PLACED.value), share.total, due)
        for place, quotation, need, number, share in zip(joined, quotation_ids, need_ids, order_numbers,
                                                         allocation.shares, strict=True)])
    order_of = dict(zip(quotation_ids, order_ids, strict=True))
    _insert(OrderLine, ("organization_id", "order_id", "quotation_line_id", "item_id", "description", "unit",
                        "quantity", "unit_price"), [
        (organization_id, order_of[quotation], line_id, item, items[item].name[:300], items[item].unit,
         quantity, allocation.prices[item])
        for (_place, quotation, item, quantity), line_id in zip(line_rows, quotation_line_ids, strict=True)])
    announce(Order, order_ids)
    for place, share, order_id in zip(joined, allocation.shares, order_ids, strict=True):
        place.order_id = order_id
        place.subtotal, place.vat_amount, place.total = share.subtotal, share.vat_amount, share.total
        place.alone_subtotal = share.alone_subtotal
    _update_shares(joined)
    Need.objects.filter(pk__in=need_ids).update(
        status=NeedStatus.APPROVED, approved_at=now, provider_id=pool.provider_id, updated_at=now,
        first_quoted_at=Coalesce("first_quoted_at", Value(now)))
    announce(Need, need_ids)
    audit_record_many(actor=acting_user, organization=Organization(pk=organization_id),
                      entries=[("order.place_from_group_purchase", Order(pk=order_id, number=number), None,
                                {"number": number, "quotation": quotation_number, "total": share.total,
                                 "group_purchase": pool.number})
                               for order_id, number, quotation_number, share in zip(
                                   order_ids, order_numbers, quotation_numbers, allocation.shares,
                                   strict=True)])
    _follow(pool, GroupPurchaseAction.ALLOCATE, acting_user,
            after={"orders": len(order_ids), "subtotal": pool.subtotal, "total": pool.total})
    tell(organization_id=organization_id, municipality_ids=[place.municipality_id for place in joined],
         roles=[Role.MUNICIPALITY_USER], url=group_purchase_url(pool),
         subject=_("Group purchase %(number)s closed: your order is placed at the pooled price")
         % {"number": pool.number})


def _supersede_live_quotations(pool: GroupPurchase, joined: list[Participant],
                               acting_user: User | None) -> None:
    """A need brought into the pool may have had quotations on their way: the pooled share replaces them
    (left live, they would wait in the municipality's queue for an approval the approved need refuses)."""
    own_needs = [place.need_id for place in joined if not place.need_made_here and place.need_id is not None]
    if not own_needs:
        return
    live_states = QUOTATION_LIFECYCLE.step(QuotationAction.SUPERSEDE).sources
    live = (Quotation.objects.select_for_update().filter(need_id__in=own_needs, status__in=live_states)
            .order_by("pk"))
    for old in live:
        follow(old, QuotationAction.SUPERSEDE, acting_user=acting_user, superseded_by=pool.number)


def _next_revisions(pool: GroupPurchase, need_ids: list[int]) -> dict[int, int]:
    """Each need's next revision from the pool's supplier (a need may have had its quotations)."""
    rows = (Quotation.objects.filter(need_id__in=need_ids, provider_id=pool.provider_id)
            .values("need_id").annotate(last=Max("revision")).values_list("need_id", "last"))
    return {need: last + 1 for need, last in rows}


def group_purchase_extend(*, group_purchase: GroupPurchase, acting_user: User, closes_on: dt.date
                          ) -> GroupPurchase:
    """Open a pool closed below its minimum again until `closes_on`, for those who wait."""
    if isinstance(closes_on, dt.datetime) or not isinstance(closes_on, dt.date):
        raise field_error("closes_on", _("Enter a date such as 1405/09/16."))
    if closes_on <= timezone.localdate():
        raise field_error("closes_on", _("The extended window must close after today."))
    with transaction.atomic():
        with _step(group_purchase, GroupPurchaseAction.EXTEND, acting_user) as move:
            pool = move.obj
            if pool.pooled_quantity >= pool.minimum_quantity:
                raise ApplicationError(_("This pool reached its minimum; it is not extended."),
                                       code="group_purchase_state")
            _agreement_in_force(pool.provider_id, pool.opens_on, closes_on)
            _price_list_in_force(pool.provider_id, pool.opens_on, closes_on)
            pool.closes_on = closes_on
            pool.closed_at = None
            pool.pooled_quantity = 0
            waiting = list(pool.participants.filter(status=ParticipantStatus.JOINED)
                           .values_list("municipality_id", flat=True))
            if waiting:
                tell(organization_id=pool.organization_id, municipality_ids=waiting,
                     roles=[Role.MUNICIPALITY_USER], url=group_purchase_url(pool),
                     subject=_("Group purchase %(number)s is open again until %(closes)s")
                     % {"number": pool.number, "closes": format_jalali_date(closes_on)})
    return move.obj


def group_purchase_cancel(*, group_purchase: GroupPurchase, acting_user: User,
                          reason: str) -> GroupPurchase:
    """Cancel an open pool, or one closed below its minimum; needs made for its shares go back to the
    officers for individual quotations, so no municipality loses its need."""
    reason = normalize(reason or "", multiline=True)[:2000]
    if not reason:
        raise field_error("reason", _("Say why the group purchase is cancelled."))
    with transaction.atomic():
        with _step(group_purchase, GroupPurchaseAction.CANCEL, acting_user) as move:
            pool = move.obj
            pool.cancel_reason = reason
            joined = list(pool.participants.filter(status=ParticipantStatus.JOINED))
            for place in joined:
                _release_need(place, acting_user, NeedStatus.TRIAGED, reason[:2000])
            if joined:
                tell(organization_id=pool.organization_id,
                     municipality_ids=[p.municipality_id for p in joined],
                     roles=[Role.MUNICIPALITY_USER], url=group_purchase_url(pool), body=reason[:2000],
                     subject=_("Group purchase %(number)s was cancelled") % {"number": pool.number})
    return move.obj


def group_purchase_close_due(*, today: dt.date | None = None) -> int:
    """Close every open pool whose window has ended (the periodic task); safe to run again. An empty
    pool is left for the officer to cancel or extend."""
    today = today or timezone.localdate()
    closed = 0
    due = GroupPurchase.objects.filter(status=GroupPurchaseStatus.OPEN, closes_on__lt=today)
    for pool in due.order_by("pk"):
        try:
            group_purchase_close(group_purchase=pool, acting_user=None)
        except ApplicationError:
            continue  # closed meanwhile, or empty
        except Exception:  # one broken pool must not keep the others open; it is logged and retried
            logger.exception("group purchase %s could not be closed", pool.number)
            continue
        closed += 1
    return closed


def group_purchase_finish_if_received(order: Order) -> None:
    """Once every share's order is received and closed, the pool is done. Called inside the step that
    closed `order`."""
    share = Participant.objects.filter(order=order).values_list("group_purchase_id", flat=True).first()
    if share is None:
        return
    pool = GroupPurchase.objects.select_for_update().get(pk=share)
    if pool.status != GroupPurchaseStatus.ALLOCATED:
        return
    open_orders = (Order.objects.filter(group_share__group_purchase=pool).exclude(status=OrderStatus.CLOSED)
                   .exclude(pk=order.pk).exists())
    if not open_orders:
        _follow(pool, GroupPurchaseAction.FINISH, None)

