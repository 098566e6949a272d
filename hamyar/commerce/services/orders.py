"""Orders from approved quotations, deliveries, receipts and ratings."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hamyar.core.audit import audit_record, snapshot
from hamyar.core.numbering import next_number

from ..models import Order, OrderLine, Quotation

__all__ = ["order_place"]


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
