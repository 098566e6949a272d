"""Orders from approved quotations, deliveries, receipts and ratings.

Each transition checks the actor (an order outside the actor's scope is NotFound, a wrong
role PermissionDenied) and the current state against `ORDER_LIFECYCLE` (choices.py), locks the rows it
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
from django.db.models import Avg, Count, Model, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.lifecycle import transition
from hamyar.core.numbering import next_number
from hamyar.core.scoping import in_scope, membership_of
from hamyar.core.text import normalize
from hamyar.directory.models import Provider

from ..choices import DELIVERY_RECORDERS, ORDER_LIFECYCLE, DeliveryStatus, OrderAction, OrderStatus
from ..models import Delivery, Order, OrderLine, Quotation, Rating

__all__ = [
    "DELIVERY_RECORDERS",
    "order_build",
    "order_place",
    "order_rate",
    "order_start",
    "provider_scorecard_refresh",
]

MAX_COMMENT = 2000
MAX_NOTE = 2000
# The steps an order takes as its quantities say (a consequence of a delivery or of its answer).
FOLLOWING = (OrderAction.PARTIALLY_DELIVERED, OrderAction.DELIVERED, OrderAction.CLOSE, OrderAction.REOPEN)


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
    announce(Order, [order.pk])
    return order


def order_place(*, quotation: Quotation, acting_user: User) -> Order:
    """The order of an approved quotation, with its event (the approval itself uses `order_build`)."""
    with transaction.atomic():
        order = order_build(quotation=quotation)
        audit_record(actor=acting_user, action="order.place", obj=order, after=snapshot(order))
    return order


# ---------------------------------------------------------------- checks shared by the transitions


def require_visible(obj: Model | None, acting_user: User) -> None:
    """Outside the actor's scope (another tenant, municipality or provider) looks like absent."""
    if obj is None or not in_scope(obj, acting_user):
        raise NotFound()


def require_step(order: Order, action: str, acting_user: User) -> None:
    """The order in the actor's scope (404) and the actor's role among the step's (403); the state is
    checked under the lock (`require_action`)."""
    require_visible(order, acting_user)
    membership = membership_of(acting_user)
    if membership is None or membership.role not in ORDER_LIFECYCLE.step(action).roles:
        raise PermissionDenied()


def require_action(order: Order, action: str) -> None:
    """The order's state allows the step (409 with the step's own message otherwise)."""
    if not ORDER_LIFECYCLE.allows(order.status, action):
        raise ORDER_LIFECYCLE.state_error(order, action)


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


def move_order(order: Order, lines: Mapping[int, OrderLine], target: str, *, acting_user: User,
               before: dict) -> bool:
    """Write the order's new status (and one event) if it changed: the step of `ORDER_LIFECYCLE` that
    leads from its state to `target` as its quantities say (partially delivered, delivered, close, reopen)."""
    if target == order.status:
        return False
    steps = ORDER_LIFECYCLE.steps
    action = next((action for action in FOLLOWING if ORDER_LIFECYCLE.allows(order.status, action)
                   and target in {steps[action].target, *steps[action].targets}), None)
    if action is None:  # a bug, not an input: the quantities only lead along the lifecycle
        raise ApplicationError(code="order_state")
    order.status = target
    if target == OrderStatus.CLOSED:
        order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=acting_user, action=f"order.{action}", obj=order, before=before,
                 after=order_snapshot(order, lines))
    return True


def order_url(order: Order) -> str:
    return reverse("commerce:order_detail", args=[order.pk])


# ---------------------------------------------------------------- transitions


def order_start(*, order: Order, acting_user: User) -> Order:
    """The provider takes the order in hand: placed → in fulfilment."""
    lines: dict[int, OrderLine] = {}

    def state(locked: Order) -> dict:
        if not lines:
            lines.update(lock_lines(locked))
        return order_snapshot(locked, lines)

    with transaction.atomic():
        with transition(ORDER_LIFECYCLE, order, OrderAction.START, acting_user=acting_user,
                        snapshot_of=state, savepoint=False) as move:
            pass
        announce(Order, [move.obj.pk])
    return move.obj


def _on_time(order: Order) -> bool:
    """Delivered in full by the due date: the last received delivery is on or before it."""
    if order.due_date is None:
        return True
    last = (Delivery.objects.filter(order=order, status=DeliveryStatus.RECEIVED)
            .order_by("-delivered_on").values_list("delivered_on", flat=True).first())
    return last is not None and last <= order.due_date


def _two_places(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def provider_scorecard_refresh(*, provider: Provider, acting_user: User) -> Provider:
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


def order_rate(*, order: Order, acting_user: User, score: object, comment: str = "") -> Rating:
    """The municipality's 1–5 score and comment on its closed order, once; the scorecard follows."""
    require_step(order, OrderAction.RATE, acting_user)
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
        announce(Rating, [rating.pk])
        audit_record(actor=acting_user, action="rating.create", obj=rating, after=snapshot(rating))
        provider_scorecard_refresh(provider=locked.provider, acting_user=acting_user)
    return rating

