"""Loading the demo's group purchases (story.POOLS) through the services, on the story's clock.

The commerce officer opens each pool and invites municipalities with the reasons the invitation page
gives (an open need of the pool's domain, or the residents' suggestion); each municipality's user joins
on its day (a need is made for its share); a pool the story closes is closed by the officer, which
orders and allocates it, and a share's order can go on to its delivery and receipt. As for the needs,
each step is audited at the story's moment and its rows are then stamped with the same moment (the
window's last day too, since a window is created to close today or later).
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from hamyar.core import clock
from hamyar.core.changes import announce
from hamyar.core.text import normalize
from hamyar.needs.models import Need

from .. import services
from ..choices import OrderStatus, ParticipantStatus
from ..models import Delivery, GroupPurchase, Order, Participant, ParticipantLine, Quotation, Receipt
from ..selectors import invitation_candidates
from .story import POOLS, DemoPool

# When no open need or profile suggests the pool to an invited municipality.
INVITED_ON_REQUEST = "به درخواست شهرداری در جلسه هماهنگی خرید تجمیعی"


def load_pools(loader: Any) -> None:
    """Every pool of the story that is not in the organization yet (matched by its title)."""
    for spec in POOLS:
        if not _ready(loader, spec):
            continue
        if GroupPurchase.objects.filter(organization=loader.org, title=normalize(spec.title)).exists():
            continue
        _pool(loader, spec)


def _ready(loader: Any, spec: DemoPool) -> bool:
    usernames = {"commerce", "supplier", *(join.username for join in spec.joins)}
    places = {*spec.invited, *(join.municipality for join in spec.joins)}
    return (usernames <= set(loader.users) and places <= set(loader.municipalities)
            and all(code in loader.items for code in spec.items))


def _stamp(model, moment: dt.datetime, **filters) -> None:
    model.objects.filter(**filters).update(updated_at=moment)


def _pool(loader: Any, spec: DemoPool) -> None:
    officer = loader.users["commerce"]
    opened = loader.now - dt.timedelta(days=spec.opened)
    opens_on = timezone.localdate(opened)
    closes_on = opens_on + dt.timedelta(days=spec.window)

    def at(day: float) -> dt.datetime:
        return opened + dt.timedelta(days=day)

    items = [loader.items[code] for code in spec.items]
    with clock.at(opened):
        pool = services.group_purchase_create(
            acting_user=officer, title=spec.title, item_ids=[item.pk for item in items], opens_on=opens_on,
            closes_on=max(closes_on, loader.today), minimum_quantity=spec.minimum,
            target_quantity=spec.target, max_per_municipality=spec.cap, description=spec.description,
            per_thousand_residents=spec.per_thousand_residents)
    loader.created["group purchases"] += 1
    GroupPurchase.objects.filter(pk=pool.pk).update(created_at=opened, updated_at=opened, closes_on=closes_on)
    pool.closes_on = closes_on

    invited = at(0.1)
    candidates = {c.municipality.pk: c for c in invitation_candidates(pool, officer)}
    invitations: dict[int, tuple[str, int | None]] = {}
    for name in spec.invited:
        municipality = loader.municipalities[name]
        candidate = candidates.get(municipality.pk)
        invitations[municipality.pk] = ((candidate.reason, candidate.suggested) if candidate
                                        else (INVITED_ON_REQUEST, None))
    with clock.at(invited):
        services.group_purchase_invite(group_purchase=pool, acting_user=officer, invitations=invitations)
    Participant.objects.filter(group_purchase=pool).update(created_at=invited, updated_at=invited)

    receivers = {}
    for join in spec.joins:
        moment = at(join.day)
        municipality = loader.municipalities[join.municipality]
        place = Participant.objects.get(group_purchase=pool, municipality=municipality)
        with clock.at(moment):
            place = services.participant_join(participant=place, acting_user=loader.users[join.username],
                                              lines={items[0].pk: join.quantity})
        loader.created["group purchase shares"] += 1
        receivers[join.municipality] = loader.users[join.username]
        Participant.objects.filter(pk=place.pk).update(joined_at=moment, updated_at=moment)
        ParticipantLine.objects.filter(participant=place).update(created_at=moment, updated_at=moment)
        Need.objects.filter(pk=place.need_id).update(created_at=moment, submitted_at=moment,
                                                     triaged_at=moment, assigned_at=moment, updated_at=moment)
        announce(Need, [place.need_id])
    if spec.closed_after is None:
        return
    closed = at(spec.closed_after)
    with clock.at(closed):
        services.group_purchase_close(group_purchase=pool, acting_user=officer)
    _date_allocation(loader, pool, closed)
    for name, day, note in spec.deliveries:
        place = Participant.objects.select_related("order").get(
            group_purchase=pool, municipality=loader.municipalities[name])
        _deliver(loader, place.order, closed, closed + dt.timedelta(days=day), note, receivers[name])


def _date_allocation(loader: Any, pool: GroupPurchase, closed: dt.datetime) -> None:
    """The close, the supplier order and every share's quotation, order and need on the day of the close."""
    day = timezone.localdate(closed)
    GroupPurchase.objects.filter(pk=pool.pk).update(closed_at=closed, ordered_at=closed, updated_at=closed)
    shares = Participant.objects.filter(group_purchase=pool, status=ParticipantStatus.JOINED)
    shares.update(updated_at=closed)
    orders = Order.objects.filter(group_share__group_purchase=pool)
    for order in orders.only("pk", "due_date"):
        due = order.due_date and day + (order.due_date - loader.today)
        Order.objects.filter(pk=order.pk).update(created_at=closed, updated_at=closed, due_date=due)
    announce(Order, orders.values_list("pk", flat=True))
    Quotation.objects.filter(order__in=orders).update(created_at=closed, updated_at=closed, sent_at=closed,
                                                      decided_at=closed, valid_until=day)
    needs = Need.objects.filter(group_participations__in=shares)
    needs.update(approved_at=closed, updated_at=closed)
    needs.filter(first_quoted_at__isnull=False).update(first_quoted_at=closed)  # when the close sets it
    announce(Need, needs.values_list("pk", flat=True))


def _deliver(loader: Any, order: Order, closed: dt.datetime, moment: dt.datetime, note: str,
             receiver: Any) -> None:
    """The supplier takes the share's order in hand the day after the close, delivers it in full, and the
    municipality receives it the next day (its order closes, and its need is fulfilled)."""
    supplier = loader.users["supplier"]
    started = closed + dt.timedelta(days=1)
    with clock.at(started):
        services.order_start(order=order, acting_user=supplier)
    _stamp(Order, started, pk=order.pk)
    with clock.at(moment):
        delivery = services.delivery_record(
            order=order, acting_user=supplier, delivered_on=timezone.localdate(moment),
            quantities={line.pk: line.quantity for line in order.lines.order_by("pk")}, note=note)
    loader.created["deliveries"] += 1
    answered = moment + dt.timedelta(days=1)
    with clock.at(answered):
        services.receipt_confirm(delivery=delivery, acting_user=receiver)
    Delivery.objects.filter(pk=delivery.pk).update(created_at=moment, updated_at=answered)
    Receipt.objects.filter(delivery=delivery).update(created_at=answered, updated_at=answered)
    order.refresh_from_db(fields=["status"])
    if order.status == OrderStatus.CLOSED:
        Order.objects.filter(pk=order.pk).update(closed_at=answered, updated_at=answered)
        Need.objects.filter(pk=order.need_id).update(closed_at=answered, updated_at=answered)
        announce(Need, [order.need_id])
