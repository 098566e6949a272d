"""Orders from approved quotations, deliveries, receipts and ratings.

Each transition checks the actor (an order outside the actor's scope is NotFound, a wrong
role PermissionDenied) and the current state against the tables below, locks the rows it
changes, writes the new state with exactly one AuditEvent per object whose state changed, in
one transaction, and tells whoever waits next.

Locks are always taken in the same order — need, order, its lines, the delivery, the
provider, then the organization (by the audit chain) — so two transitions never hold one
lock each and wait for the other.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.services import notification_recipients, notify
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.numbering import next_number
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.scoping import in_scope, membership_of
from hamyar.core.text import normalize
from hamyar.directory.models import Provider
from hamyar.needs.choices import NeedStatus
from hamyar.needs.services import need_lock, need_record_commerce_step

from ..choices import DeliveryStatus, OrderStatus
from ..models import Delivery, DeliveryLine, Order, OrderLine, Quotation, Rating, Receipt

__all__ = [
    "DELIVERY_RECORDERS",
    "DELIVERY_TRANSITIONS",
    "ORDER_ACTIONS",
    "ORDER_TRANSITIONS",
    "delivery_record",
    "order_place",
    "order_rate",
    "order_start",
    "provider_scorecard_refresh",
    "receipt_confirm",
    "receipt_reject",
]

# Who may start an order and record its deliveries: the order's provider, or a commerce officer.
DELIVERY_RECORDERS = frozenset({Role.SUPPLIER_USER, Role.PROJECT_MANAGER, Role.COMMERCE_OFFICER})
MAX_COMMENT = 2000
MAX_NOTE = 2000

# The order statuses from which each action may be taken; anything else is refused (409).
ORDER_ACTIONS: dict[str, frozenset[str]] = {
    "start": frozenset({OrderStatus.PLACED}),
    "deliver": frozenset({OrderStatus.IN_FULFILMENT, OrderStatus.PARTIALLY_DELIVERED}),
    "receive": frozenset({OrderStatus.PARTIALLY_DELIVERED, OrderStatus.DELIVERED}),
    "reject": frozenset({OrderStatus.PARTIALLY_DELIVERED, OrderStatus.DELIVERED}),
    "rate": frozenset({OrderStatus.CLOSED}),
}

# Every status change an order may make, and the AuditEvent action that records it.
ORDER_TRANSITIONS: dict[tuple[str, str], str] = {
    (OrderStatus.PLACED, OrderStatus.IN_FULFILMENT): "order.start",
    (OrderStatus.IN_FULFILMENT, OrderStatus.PARTIALLY_DELIVERED): "order.partially_delivered",
    (OrderStatus.IN_FULFILMENT, OrderStatus.DELIVERED): "order.delivered",
    (OrderStatus.PARTIALLY_DELIVERED, OrderStatus.DELIVERED): "order.delivered",
    (OrderStatus.DELIVERED, OrderStatus.CLOSED): "order.close",
    # A rejected delivery gives its quantities back: the order goes back as far as it must.
    (OrderStatus.DELIVERED, OrderStatus.PARTIALLY_DELIVERED): "order.reopen",
    (OrderStatus.DELIVERED, OrderStatus.IN_FULFILMENT): "order.reopen",
    (OrderStatus.PARTIALLY_DELIVERED, OrderStatus.IN_FULFILMENT): "order.reopen",
}

# A delivery is answered once: received, or rejected with a reason.
DELIVERY_TRANSITIONS: dict[tuple[str, str], str] = {
    (DeliveryStatus.AWAITING_RECEIPT, DeliveryStatus.RECEIVED): "delivery.receive",
    (DeliveryStatus.AWAITING_RECEIPT, DeliveryStatus.REJECTED): "delivery.reject",
}


def order_place(*, quotation: Quotation, acting_user) -> Order:
    """The order of an approved quotation; called by the approval, inside its transaction.

    One order per quotation is enforced by the database (a one-to-one), so a second
    approval racing the first fails there even if it slipped past the state check.
    """
    need = quotation.need
    lead_days = max((line.item.lead_time_days for line in quotation.lines.all() if line.item), default=0)
    with transaction.atomic():
        order = Order.objects.create(
            organization_id=quotation.organization_id,
            quotation=quotation,
            need=need,
            municipality_id=need.municipality_id,
            provider_id=quotation.provider_id,
            number=next_number(quotation.organization_id, "O"),
            total=quotation.total,
            due_date=timezone.localdate() + timedelta(days=lead_days) if lead_days else need.desired_date,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                organization_id=order.organization_id, order=order, quotation_line=line, item=line.item,
                description=line.description, unit=line.unit, quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in quotation.lines.select_related("item")
        )
        audit_record(actor=acting_user, action="order.place", obj=order, after=snapshot(order))
    return order


# ---------------------------------------------------------------- checks shared by the transitions


def _require_visible(obj, acting_user) -> None:
    """Outside the actor's scope (another tenant, municipality or provider) looks like absent."""
    if obj is None or not in_scope(obj, acting_user):
        raise NotFound()


def _require_recorder(order: Order, acting_user) -> None:
    """The order's own provider user, or a commerce officer; anyone else who sees it is refused."""
    _require_visible(order, acting_user)
    membership = membership_of(acting_user)
    if membership is None or membership.role not in DELIVERY_RECORDERS:
        raise PermissionDenied()
    if membership.role in PROVIDER_ROLES and membership.provider_id != order.provider_id:
        raise NotFound()


def _require_municipality(order: Order, acting_user) -> None:
    """A user of the order's own municipality: receipts and ratings are the municipality's word."""
    _require_visible(order, acting_user)
    membership = membership_of(acting_user)
    if membership is None or membership.role != Role.MUNICIPALITY_USER:
        raise PermissionDenied()
    if membership.municipality_id != order.municipality_id:
        raise NotFound()


def _require_action(order: Order, action: str) -> None:
    if order.status not in ORDER_ACTIONS[action]:
        messages = {
            "start": _("Order %(number)s is %(status)s; only a placed order can be started."),
            "deliver": _("Order %(number)s is %(status)s; deliveries are recorded once it is in "
                         "fulfilment and until everything is delivered."),
            "receive": _("Order %(number)s is %(status)s; it has no delivery to receive."),
            "reject": _("Order %(number)s is %(status)s; it has no delivery to reject."),
            "rate": _("Order %(number)s is %(status)s; an order is rated once it is received and closed."),
        }
        raise ApplicationError(
            messages[action] % {"number": order.number, "status": order.get_status_display()},
            code="order_state",
        )


def _lock_order(order: Order) -> Order:
    """The order re-read under a row lock (PostgreSQL; SQLite serializes writers already)."""
    return Order.objects.select_for_update().select_related("need", "provider").get(pk=order.pk)


def _lock_lines(order: Order) -> dict[int, OrderLine]:
    rows = OrderLine.objects.select_for_update().filter(order=order).order_by("pk")
    return {line.pk: line for line in rows}


def _lock_delivery(delivery: Delivery) -> Delivery:
    return Delivery.objects.select_for_update().get(pk=delivery.pk)


def _order_snapshot(order: Order, lines: Mapping[int, OrderLine]) -> dict:
    """The order's state with its lines' quantities: a delivery or receipt changes both together."""
    return {
        **snapshot(order, ["status", "closed_at"]),
        "lines": {
            str(pk): {"quantity": line.quantity, "delivered": line.delivered_quantity,
                      "received": line.received_quantity}
            for pk, line in sorted(lines.items())
        },
    }


def _status_from_quantities(lines: Mapping[int, OrderLine]) -> str:
    ordered = sum(line.quantity for line in lines.values())
    delivered = sum(line.delivered_quantity for line in lines.values())
    received = sum(line.received_quantity for line in lines.values())
    if received >= ordered:
        return OrderStatus.CLOSED
    if delivered >= ordered:
        return OrderStatus.DELIVERED
    if delivered > 0:
        return OrderStatus.PARTIALLY_DELIVERED
    return OrderStatus.IN_FULFILMENT


def _move_order(order: Order, lines: Mapping[int, OrderLine], target: str, *, acting_user,
                before: dict) -> bool:
    """Write the order's new status (and one event) if it changed; the pair must be in the table."""
    if target == order.status:
        return False
    action = ORDER_TRANSITIONS.get((order.status, target))
    if action is None:  # a bug, not an input: the callers only ask for pairs of the table
        raise ApplicationError(code="order_state")
    order.status = target
    if target == OrderStatus.CLOSED:
        order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=acting_user, action=action, obj=order, before=before,
                 after=_order_snapshot(order, lines))
    return True


def _move_delivery(delivery: Delivery, target: str) -> str:
    action = DELIVERY_TRANSITIONS.get((delivery.status, target))
    if action is None:
        raise ApplicationError(
            _("Delivery %(number)s was already answered (%(status)s); a delivery is received or "
              "rejected once.") % {"number": delivery.number, "status": delivery.get_status_display()},
            code="delivery_state",
        )
    delivery.status = target
    delivery.save(update_fields=["status", "updated_at"])
    return action


def _order_url(order: Order) -> str:
    return reverse("commerce:order_detail", args=[order.pk])


# ---------------------------------------------------------------- transitions


def order_start(*, order: Order, acting_user) -> Order:
    """The provider takes the order in hand: placed → in fulfilment."""
    _require_recorder(order, acting_user)
    with transaction.atomic():
        locked = _lock_order(order)
        _require_action(locked, "start")
        lines = _lock_lines(locked)
        before = _order_snapshot(locked, lines)
        _move_order(locked, lines, OrderStatus.IN_FULFILMENT, acting_user=acting_user, before=before)
    return locked


def _clean_quantities(quantities: Mapping, lines: Mapping[int, OrderLine]) -> dict[int, int]:
    """{order line id: quantity} checked against what is still open on each line (after the lock)."""
    cleaned: dict[int, int] = {}
    errors: list[str] = []
    for key, value in quantities.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        line = lines.get(pk) if pk is not None else None
        if line is None:
            raise InvalidInput(_("A delivered line is not a line of this order."), code="unknown_line",
                               extra={"fields": {"lines": [str(_("A delivered line is not a line of this "
                                                                 "order."))]}})
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(str(_("Enter the delivered quantity of «%(line)s» as a whole number.")
                              % {"line": line.description}))
            continue
        if value == 0:
            continue
        remaining = line.quantity - line.delivered_quantity
        if value < 1:
            errors.append(str(_("The delivered quantity of «%(line)s» must be at least 1.")
                              % {"line": line.description}))
        elif value > remaining:
            errors.append(str(
                _("«%(line)s»: %(quantity)s delivered now, but only %(remaining)s of %(ordered)s are still "
                  "to deliver.")
                % {"line": line.description, "quantity": value, "remaining": remaining,
                   "ordered": line.quantity}
            ))
        else:
            cleaned[pk] = value
    if errors:
        raise InvalidInput(errors[0], code="quantity", extra={"fields": {"lines": errors}})
    if not cleaned:
        message = _("Enter the quantity delivered of at least one line.")
        raise InvalidInput(message, code="empty", extra={"fields": {"lines": [str(message)]}})
    return cleaned


def delivery_record(*, order: Order, acting_user, quantities: Mapping, delivered_on: date | None,
                    note: str = "") -> Delivery:
    """A (partial) delivery: quantities per order line, each at most what is still to deliver.

    The order and its lines are locked before the quantities are checked, so two deliveries
    recorded at the same moment are checked one after the other and together can never exceed
    the ordered quantity (the database's check constraint is the last guard).
    """
    _require_recorder(order, acting_user)
    note = normalize(note or "", multiline=True)
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("The note is too long (at most 2000 characters)."),
                           extra={"fields": {"note": [str(_("At most 2000 characters."))]}})
    if not isinstance(delivered_on, date):
        message = _("Enter the date of the delivery.")
        raise InvalidInput(message, extra={"fields": {"delivered_on": [str(message)]}})
    if delivered_on > timezone.localdate():
        message = _("The delivery date cannot be in the future.")
        raise InvalidInput(message, extra={"fields": {"delivered_on": [str(message)]}})
    if delivered_on < timezone.localdate(order.created_at):
        message = _("The delivery date cannot be before the order was placed.")
        raise InvalidInput(message, extra={"fields": {"delivered_on": [str(message)]}})
    if not isinstance(quantities, Mapping):
        raise InvalidInput(_("Enter the quantity delivered of at least one line."))
    with transaction.atomic():
        locked = _lock_order(order)
        _require_action(locked, "deliver")
        lines = _lock_lines(locked)
        cleaned = _clean_quantities(quantities, lines)
        before = _order_snapshot(locked, lines)
        delivery = Delivery.objects.create(
            organization_id=locked.organization_id, order=locked,
            number=next_number(locked.organization_id, "D"), delivered_on=delivered_on, note=note,
            recorded_by=acting_user,
        )
        DeliveryLine.objects.bulk_create(
            DeliveryLine(organization_id=locked.organization_id, delivery=delivery, order_line_id=pk,
                         quantity=quantity)
            for pk, quantity in cleaned.items()
        )
        for pk, quantity in cleaned.items():
            lines[pk].delivered_quantity += quantity
            lines[pk].save(update_fields=["delivered_quantity", "updated_at"])
        audit_record(actor=acting_user, action="delivery.record", obj=delivery, after={
            **snapshot(delivery), "lines": {str(pk): quantity for pk, quantity in cleaned.items()},
        })
        _move_order(locked, lines, _status_from_quantities(lines), acting_user=acting_user, before=before)
        notify(
            organization_id=locked.organization_id,
            recipients=notification_recipients(organization_id=locked.organization_id,
                                               roles=[Role.MUNICIPALITY_USER],
                                               municipality_id=locked.municipality_id),
            subject=_("Delivery %(delivery)s of order %(order)s has arrived: confirm the receipt.")
            % {"delivery": delivery.number, "order": locked.number},
            url=_order_url(locked),
        )
    return delivery


def _delivery_order(delivery: Delivery, acting_user) -> Order:
    _require_visible(delivery, acting_user)
    order = delivery.order
    _require_municipality(order, acting_user)
    return order


def receipt_confirm(*, delivery: Delivery, acting_user) -> Delivery:
    """The municipality received the delivery: its quantities count as received.

    When everything ordered is received the order closes and its need becomes fulfilled.
    """
    order = _delivery_order(delivery, acting_user)
    with transaction.atomic():
        need_lock(order.need)  # first, as the needs services do, since closing moves the need
        locked = _lock_order(order)
        current = _lock_delivery(delivery)
        if current.status != DeliveryStatus.AWAITING_RECEIPT:
            _move_delivery(current, DeliveryStatus.RECEIVED)  # refuses: answered already
        _require_action(locked, "receive")
        lines = _lock_lines(locked)
        before_order = _order_snapshot(locked, lines)
        before = snapshot(current)
        action = _move_delivery(current, DeliveryStatus.RECEIVED)
        Receipt.objects.create(organization_id=current.organization_id, delivery=current, accepted=True,
                               decided_by=acting_user)
        for row in current.lines.all():
            lines[row.order_line_id].received_quantity += row.quantity
            lines[row.order_line_id].save(update_fields=["received_quantity", "updated_at"])
        audit_record(actor=acting_user, action=action, obj=current, before=before,
                     after={**snapshot(current), "accepted": True})
        target = _status_from_quantities(lines)
        if target == OrderStatus.CLOSED:
            _move_order(locked, lines, target, acting_user=acting_user, before=before_order)
            need_record_commerce_step(need=locked.need, status=NeedStatus.FULFILLED, acting_user=acting_user)
            notify(
                organization_id=locked.organization_id,
                recipients=notification_recipients(organization_id=locked.organization_id,
                                                   roles=[Role.COMMERCE_OFFICER]),
                subject=_("Order %(order)s was received in full and closed.") % {"order": locked.number},
                url=_order_url(locked),
            )
    return current


def receipt_reject(*, delivery: Delivery, acting_user, reason: str) -> Delivery:
    """The municipality refuses the delivery, with a reason: its quantities are open again."""
    order = _delivery_order(delivery, acting_user)
    reason = normalize(reason or "", multiline=True)
    if not reason:
        message = _("Give the reason for rejecting the delivery.")
        raise InvalidInput(message, extra={"fields": {"reason": [str(message)]}})
    if len(reason) > MAX_COMMENT:
        raise InvalidInput(_("The reason is too long (at most 2000 characters)."),
                           extra={"fields": {"reason": [str(_("At most 2000 characters."))]}})
    with transaction.atomic():
        locked = _lock_order(order)
        current = _lock_delivery(delivery)
        if current.status != DeliveryStatus.AWAITING_RECEIPT:
            _move_delivery(current, DeliveryStatus.REJECTED)  # refuses: answered already
        _require_action(locked, "reject")
        lines = _lock_lines(locked)
        before_order = _order_snapshot(locked, lines)
        before = snapshot(current)
        action = _move_delivery(current, DeliveryStatus.REJECTED)
        Receipt.objects.create(organization_id=current.organization_id, delivery=current, accepted=False,
                               reason=reason, decided_by=acting_user)
        for row in current.lines.all():
            lines[row.order_line_id].delivered_quantity -= row.quantity
            lines[row.order_line_id].save(update_fields=["delivered_quantity", "updated_at"])
        audit_record(actor=acting_user, action=action, obj=current, before=before,
                     after={**snapshot(current), "accepted": False, "reason": reason})
        _move_order(locked, lines, _status_from_quantities(lines), acting_user=acting_user,
                    before=before_order)
        notify(
            organization_id=locked.organization_id,
            recipients=notification_recipients(organization_id=locked.organization_id,
                                               roles=list(PROVIDER_ROLES), provider_id=locked.provider_id),
            subject=_("Delivery %(delivery)s of order %(order)s was rejected: deliver it again.")
            % {"delivery": current.number, "order": locked.number},
            body=reason,
            url=_order_url(locked),
        )
    return current


def _on_time(order: Order) -> bool:
    """Delivered in full by the due date: the last received delivery is on or before it."""
    if order.due_date is None:
        return True
    last = (Delivery.objects.filter(order=order, status=DeliveryStatus.RECEIVED)
            .order_by("-delivered_on").values_list("delivered_on", flat=True).first())
    return last is not None and last <= order.due_date


def _two_places(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def provider_scorecard_refresh(*, provider: Provider, acting_user) -> Provider:
    """Recompute the provider's rating, rated orders and on-time rate from its ratings (one event)."""
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    fields = ["rating", "rated_orders", "on_time_rate"]
    before = snapshot(locked, fields)
    figures = Rating.objects.filter(provider=locked).aggregate(
        average=Avg("score"), count=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)),
    )
    count = figures["count"] or 0
    locked.rating = _two_places(figures["average"]) if count else None
    locked.rated_orders = count
    locked.on_time_rate = (
        (Decimal(figures["on_time"]) / Decimal(count)).quantize(Decimal("0.001"), ROUND_HALF_UP)
        if count else None
    )
    locked.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=acting_user, action="provider.scorecard", obj=locked, before=before,
                 after=snapshot(locked, fields))
    return locked


def order_rate(*, order: Order, acting_user, score, comment: str = "") -> Rating:
    """The municipality's 1–5 score and comment on its closed order, once; the scorecard follows."""
    _require_municipality(order, acting_user)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        message = _("Choose a score from 1 to 5.")
        raise InvalidInput(message, code="score", extra={"fields": {"score": [str(message)]}})
    comment = normalize(comment or "", multiline=True)
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(_("The comment is too long (at most 2000 characters)."),
                           extra={"fields": {"comment": [str(_("At most 2000 characters."))]}})
    with transaction.atomic():
        locked = _lock_order(order)
        _require_action(locked, "rate")
        if Rating.objects.filter(order=locked).exists():
            raise ApplicationError(_("Order %(number)s has already been rated; a rating is given once.")
                                   % {"number": locked.number}, code="rated")
        rating = Rating.objects.create(
            organization_id=locked.organization_id, order=locked, provider_id=locked.provider_id,
            score=score, comment=comment, on_time=_on_time(locked), rated_by=acting_user,
        )
        audit_record(actor=acting_user, action="rating.create", obj=rating, after=snapshot(rating))
        provider_scorecard_refresh(provider=locked.provider, acting_user=acting_user)
    return rating

