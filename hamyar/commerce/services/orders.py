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
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.numbering import next_number
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.scoping import in_scope, membership_of
from hamyar.core.text import normalize
from hamyar.directory.models import Provider

from ..choices import DeliveryStatus, OrderStatus
from ..models import Delivery, Order, OrderLine, Quotation, Rating

__all__ = [
    "DELIVERY_RECORDERS",
    "ORDER_ACTIONS",
    "ORDER_TRANSITIONS",
    "order_build",
    "order_place",
    "order_rate",
    "order_start",
    "provider_scorecard_refresh",
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

def order_build(*, quotation: Quotation) -> Order:
    """The order of an approved quotation and its lines, not yet audited: the approval appends its own
    event and the order's to the chain together. Call inside the approval's transaction.

    One order per quotation is enforced by the database (a one-to-one), so a second
    approval racing the first fails there even if it slipped past the state check.
    """
    need = quotation.need
    quotation_lines = list(quotation.lines.select_related("item").order_by("pk"))
    lead_days = max((line.item.lead_time_days for line in quotation_lines if line.item), default=0)
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
        for line in quotation_lines
    )
    return order


def order_place(*, quotation: Quotation, acting_user: User) -> Order:
    """The order of an approved quotation, with its event (the approval itself uses `order_build`)."""
    with transaction.atomic():
        order = order_build(quotation=quotation)
        audit_record(actor=acting_user, action="order.place", obj=order, after=snapshot(order))
    return order


# ---------------------------------------------------------------- checks shared by the transitions


def require_visible(obj, acting_user) -> None:
    """Outside the actor's scope (another tenant, municipality or provider) looks like absent."""
    if obj is None or not in_scope(obj, acting_user):
        raise NotFound()


def require_recorder(order: Order, acting_user) -> None:
    """The order's own provider user, or a commerce officer; anyone else who sees it is refused."""
    require_visible(order, acting_user)
    membership = membership_of(acting_user)
    if membership is None or membership.role not in DELIVERY_RECORDERS:
        raise PermissionDenied()
    if membership.role in PROVIDER_ROLES and membership.provider_id != order.provider_id:
        raise NotFound()


def require_municipality(order: Order, acting_user) -> None:
    """A user of the order's own municipality: receipts and ratings are the municipality's word."""
    require_visible(order, acting_user)
    membership = membership_of(acting_user)
    if membership is None or membership.role != Role.MUNICIPALITY_USER:
        raise PermissionDenied()
    if membership.municipality_id != order.municipality_id:
        raise NotFound()


def require_action(order: Order, action: str) -> None:
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


def lock_order(order: Order) -> Order:
    """The order re-read under a row lock (PostgreSQL; SQLite serializes writers already)."""
    return Order.objects.select_for_update().select_related("need", "provider").get(pk=order.pk)


def lock_lines(order: Order) -> dict[int, OrderLine]:
    rows = OrderLine.objects.select_for_update().filter(order=order).order_by("pk")
    return {line.pk: line for line in rows}


def order_snapshot(order: Order, lines: Mapping[int, OrderLine]) -> dict:
    """The order's state with its lines' quantities: a delivery or receipt changes both together."""
    return {
        **snapshot(order, ["status", "closed_at"]),
        "lines": {
            str(pk): {"quantity": line.quantity, "delivered": line.delivered_quantity,
                      "received": line.received_quantity}
            for pk, line in sorted(lines.items())
        },
    }


def status_from_quantities(lines: Mapping[int, OrderLine]) -> str:
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


def move_order(order: Order, lines: Mapping[int, OrderLine], target: str, *, acting_user,
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
                 after=order_snapshot(order, lines))
    return True


def order_url(order: Order) -> str:
    return reverse("commerce:order_detail", args=[order.pk])


# ---------------------------------------------------------------- transitions


def order_start(*, order: Order, acting_user) -> Order:
    """The provider takes the order in hand: placed → in fulfilment."""
    require_recorder(order, acting_user)
    with transaction.atomic():
        locked = lock_order(order)
        require_action(locked, "start")
        lines = lock_lines(locked)
        before = order_snapshot(locked, lines)
        move_order(locked, lines, OrderStatus.IN_FULFILMENT, acting_user=acting_user, before=before)
    return locked


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
    require_municipality(order, acting_user)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        message = _("Choose a score from 1 to 5.")
        raise InvalidInput(message, code="score", extra={"fields": {"score": [str(message)]}})
    comment = normalize(comment or "", multiline=True)
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(_("The comment is too long (at most 2000 characters)."),
                           extra={"fields": {"comment": [str(_("At most 2000 characters."))]}})
    with transaction.atomic():
        locked = lock_order(order)
        require_action(locked, "rate")
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

