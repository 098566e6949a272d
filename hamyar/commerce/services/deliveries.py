"""Deliveries of an order and the municipality's receipts: each delivery is received or rejected once.

The locks follow the order of `orders.py`: need, order, its lines, the delivery, then the organization.
"""

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.numbering import next_number
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.text import normalize
from hamyar.needs.choices import NeedStatus
from hamyar.needs.services import need_lock, need_record_commerce_step

from ..choices import DeliveryStatus, OrderStatus
from ..models import Delivery, DeliveryLine, Order, OrderLine, Receipt
from .notices import tell_on_commit
from .orders import (
    MAX_COMMENT,
    MAX_NOTE,
    lock_lines,
    lock_order,
    move_order,
    order_snapshot,
    order_url,
    require_action,
    require_municipality,
    require_recorder,
    require_visible,
    status_from_quantities,
)

__all__ = ["DELIVERY_TRANSITIONS", "delivery_record", "receipt_confirm", "receipt_reject"]

# A delivery is answered once: received, or rejected with a reason.
DELIVERY_TRANSITIONS: dict[tuple[str, str], str] = {
    (DeliveryStatus.AWAITING_RECEIPT, DeliveryStatus.RECEIVED): "delivery.receive",
    (DeliveryStatus.AWAITING_RECEIPT, DeliveryStatus.REJECTED): "delivery.reject",
}


def _lock_delivery(delivery: Delivery) -> Delivery:
    return Delivery.objects.select_for_update().get(pk=delivery.pk)


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


def delivery_record(*, order: Order, acting_user: User, quantities: Mapping, delivered_on: date | None,
                    note: str = "") -> Delivery:
    """A (partial) delivery: quantities per order line, each at most what is still to deliver.

    The order and its lines are locked before the quantities are checked, so two deliveries
    recorded at the same moment are checked one after the other and together can never exceed
    the ordered quantity (the database's check constraint is the last guard).
    """
    require_recorder(order, acting_user)
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
        locked = lock_order(order)
        require_action(locked, "deliver")
        lines = lock_lines(locked)
        cleaned = _clean_quantities(quantities, lines)
        before = order_snapshot(locked, lines)
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
        move_order(locked, lines, status_from_quantities(lines), acting_user=acting_user, before=before)
        tell_on_commit(
            organization_id=locked.organization_id, roles=[Role.MUNICIPALITY_USER],
            municipality_id=locked.municipality_id,
            subject=_("Delivery %(delivery)s of order %(order)s has arrived: confirm the receipt.")
            % {"delivery": delivery.number, "order": locked.number},
            url=order_url(locked),
        )
    return delivery


def _delivery_order(delivery: Delivery, acting_user: User) -> Order:
    require_visible(delivery, acting_user)
    order = delivery.order
    require_municipality(order, acting_user)
    return order


def receipt_confirm(*, delivery: Delivery, acting_user: User) -> Delivery:
    """The municipality received the delivery: its quantities count as received.

    When everything ordered is received the order closes and its need becomes fulfilled.
    """
    order = _delivery_order(delivery, acting_user)
    with transaction.atomic():
        need_lock(order.need)  # first, as the needs services do, since closing moves the need
        locked = lock_order(order)
        current = _lock_delivery(delivery)
        if current.status != DeliveryStatus.AWAITING_RECEIPT:
            _move_delivery(current, DeliveryStatus.RECEIVED)  # refuses: answered already
        require_action(locked, "receive")
        lines = lock_lines(locked)
        before_order = order_snapshot(locked, lines)
        before = snapshot(current)
        action = _move_delivery(current, DeliveryStatus.RECEIVED)
        Receipt.objects.create(organization_id=current.organization_id, delivery=current, accepted=True,
                               decided_by=acting_user)
        for row in current.lines.all():
            lines[row.order_line_id].received_quantity += row.quantity
            lines[row.order_line_id].save(update_fields=["received_quantity", "updated_at"])
        audit_record(actor=acting_user, action=action, obj=current, before=before,
                     after={**snapshot(current), "accepted": True})
        target = status_from_quantities(lines)
        if target == OrderStatus.CLOSED:
            move_order(locked, lines, target, acting_user=acting_user, before=before_order)
            need_record_commerce_step(need=locked.need, status=NeedStatus.FULFILLED, acting_user=acting_user)
            tell_on_commit(
                organization_id=locked.organization_id, roles=[Role.COMMERCE_OFFICER],
                subject=_("Order %(order)s was received in full and closed.") % {"order": locked.number},
                url=order_url(locked),
            )
    return current


def receipt_reject(*, delivery: Delivery, acting_user: User, reason: str) -> Delivery:
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
        locked = lock_order(order)
        current = _lock_delivery(delivery)
        if current.status != DeliveryStatus.AWAITING_RECEIPT:
            _move_delivery(current, DeliveryStatus.REJECTED)  # refuses: answered already
        require_action(locked, "reject")
        lines = lock_lines(locked)
        before_order = order_snapshot(locked, lines)
        before = snapshot(current)
        action = _move_delivery(current, DeliveryStatus.REJECTED)
        Receipt.objects.create(organization_id=current.organization_id, delivery=current, accepted=False,
                               reason=reason, decided_by=acting_user)
        for row in current.lines.all():
            lines[row.order_line_id].delivered_quantity -= row.quantity
            lines[row.order_line_id].save(update_fields=["delivered_quantity", "updated_at"])
        audit_record(actor=acting_user, action=action, obj=current, before=before,
                     after={**snapshot(current), "accepted": False, "reason": reason})
        move_order(locked, lines, status_from_quantities(lines), acting_user=acting_user,
                    before=before_order)
        tell_on_commit(
            organization_id=locked.organization_id, roles=list(PROVIDER_ROLES),
            provider_id=locked.provider_id,
            subject=_("Delivery %(delivery)s of order %(order)s was rejected: deliver it again.")
            % {"delivery": current.number, "order": locked.number},
            body=reason,
            url=order_url(locked),
        )
    return current
