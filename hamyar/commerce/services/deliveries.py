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
from hamyar.core.changes import announce
from hamyar.core.errors import InvalidInput
from hamyar.core.lifecycle import transition
from hamyar.core.numbering import next_number
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.text import normalize
from hamyar.needs.choices import NeedStatus
from hamyar.needs.services import need_lock, need_record_commerce_step

from ..choices import DELIVERY_LIFECYCLE, DeliveryAction, OrderAction, OrderStatus
from ..models import Delivery, DeliveryLine, Order, OrderLine, Receipt
from .group_closing import group_purchase_finish_if_received
from .notices import tell
from .orders import (
    MAX_COMMENT,
    MAX_NOTE,
    lock_lines,
    lock_order,
    move_order,
    order_snapshot,
    order_url,
    require_action,
    require_step,
    status_from_quantities,
)

__all__ = ["delivery_record", "receipt_confirm", "receipt_reject"]

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
            cleaned[line.pk] = value
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
    require_step(order, OrderAction.DELIVER, acting_user)
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
        require_action(locked, OrderAction.DELIVER)
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
        announce(Order, [locked.pk])  # its lines' quantities and its state
        tell(
            organization_id=locked.organization_id, roles=[Role.MUNICIPALITY_USER],
            municipality_id=locked.municipality_id,
            subject=_("Delivery %(delivery)s of order %(order)s has arrived: confirm the receipt.")
            % {"delivery": delivery.number, "order": locked.number},
            url=order_url(locked),
        )
    return delivery


def _answer(delivery: Delivery, action: str, *, acting_user: User, reason: str = "") -> Delivery:
    """Receive or reject a delivery through `DELIVERY_LIFECYCLE`: the need (closing moves it), the order and
    its lines are locked before the delivery; its event is written first, then the order moves as its
    quantities now say, and the need when the order closes."""
    accepted = action == DeliveryAction.RECEIVE
    extra: dict[str, object] = {}
    with transaction.atomic():
        order = delivery.order
        if accepted:
            need_lock(order.need)
        locked = lock_order(order)
        with transition(DELIVERY_LIFECYCLE, delivery, action, acting_user=acting_user,
                        snapshot_of=lambda row: {**snapshot(row), **extra}) as move:
            require_action(locked, OrderAction.RECEIVE if accepted else OrderAction.REJECT)
            if not accepted:
                reason = normalize(reason or "", multiline=True)
                if not reason:
                    message = _("Give the reason for rejecting the delivery.")
                    raise InvalidInput(message, extra={"fields": {"reason": [str(message)]}})
                if len(reason) > MAX_COMMENT:
                    raise InvalidInput(_("The reason is too long (at most 2000 characters)."),
                                       extra={"fields": {"reason": [str(_("At most 2000 characters."))]}})
            current = move.obj
            lines = lock_lines(locked)
            before_order = order_snapshot(locked, lines)
            Receipt.objects.create(organization_id=current.organization_id, delivery=current,
                                   accepted=accepted, reason="" if accepted else reason,
                                   decided_by=acting_user)
            for row in current.lines.all():
                line = lines[row.order_line_id]
                if accepted:
                    line.received_quantity += row.quantity
                    line.save(update_fields=["received_quantity", "updated_at"])
                else:
                    line.delivered_quantity -= row.quantity
                    line.save(update_fields=["delivered_quantity", "updated_at"])
            extra.update({"accepted": True} if accepted else {"accepted": False, "reason": reason})
        target = status_from_quantities(lines)
        if not accepted:
            move_order(locked, lines, target, acting_user=acting_user, before=before_order)
            tell(
                organization_id=locked.organization_id, roles=list(PROVIDER_ROLES),
                provider_id=locked.provider_id,
                subject=_("Delivery %(delivery)s of order %(order)s was rejected: deliver it again.")
                % {"delivery": current.number, "order": locked.number},
                body=reason,
                url=order_url(locked),
            )
        elif target == OrderStatus.CLOSED:
            move_order(locked, lines, target, acting_user=acting_user, before=before_order)
            need_record_commerce_step(need=locked.need, status=NeedStatus.FULFILLED, acting_user=acting_user)
            group_purchase_finish_if_received(locked)
            tell(
                organization_id=locked.organization_id, roles=[Role.COMMERCE_OFFICER],
                subject=_("Order %(order)s was received in full and closed.") % {"order": locked.number},
                url=order_url(locked),
            )
        announce(Order, [locked.pk])  # its lines' quantities, the delivery's answer and its state
    return move.obj


def receipt_confirm(*, delivery: Delivery, acting_user: User) -> Delivery:
    """The municipality received the delivery: its quantities count as received.

    When everything ordered is received the order closes and its need becomes fulfilled.
    """
    return _answer(delivery, DeliveryAction.RECEIVE, acting_user=acting_user)


def receipt_reject(*, delivery: Delivery, acting_user: User, reason: str) -> Delivery:
    """The municipality refuses the delivery, with a reason: its quantities are open again."""
    return _answer(delivery, DeliveryAction.REJECT, acting_user=acting_user, reason=reason)
