"""What finance bills, for tests: a received delivery and a completed milestone's payment request.

The delivery goes through the commerce services (start, deliver, receive), so it is exactly what
a municipality confirmed; the payment request is written with the ORM on a project built by the
projects tests' builder (the projects services are not needed to bill a milestone).

    delivery = received_delivery(tenant)                     # 40 benches for District 9, received
    delivery = received_delivery(tenant, order=order, quantity=5)   # 5 more of an open order
    request = requested_payment(tenant)                      # District 9's design milestone, 5 bn Rial
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from hamyar.catalog.tests.catalog_data import Catalog, build_catalog
from hamyar.commerce.choices import OrderStatus
from hamyar.commerce.models import Delivery, Order
from hamyar.commerce.services import delivery_record, order_start, receipt_confirm
from hamyar.commerce.tests.order_data import BENCH_PRICE, placed_order
from hamyar.projects.choices import MilestoneStatus, PaymentRequestStatus, ProjectStatus
from hamyar.projects.models import Milestone, PaymentRequest
from hamyar.projects.tests.project_data import vakilabad_project

__all__ = [
    "BENCH_PRICE",
    "issued_invoice",
    "open_order",
    "received_delivery",
    "requested_payment",
    "tenant_catalog",
]


def _municipality_user(tenant, municipality):
    """The municipality user who confirms receipts for `municipality` (District 9 or District 10)."""
    if municipality is None or municipality == tenant.district9:
        return tenant.users["district9"]
    if municipality == tenant.district10:
        return tenant.users["district10"]
    raise ValueError("only District 9 and District 10 have a user in the shared fixtures")


def tenant_catalog(tenant) -> Catalog:
    """The tenant's test catalog, built once per test (a second build would repeat its item codes)."""
    if getattr(tenant, "_finance_catalog", None) is None:
        tenant._finance_catalog = build_catalog(tenant)
    return tenant._finance_catalog


def open_order(tenant, catalog: Catalog | None = None, *, quantity: int = 40, municipality=None) -> Order:
    """An order of `quantity` benches from the represented supplier, taken in hand (in fulfilment)."""
    catalog = catalog or tenant_catalog(tenant)
    order = placed_order(tenant, catalog, quantity=quantity, municipality=municipality)
    return order_start(order=order, acting_user=tenant.users["supplier"])


def received_delivery(
    tenant,
    catalog: Catalog | None = None,
    *,
    order: Order | None = None,
    quantity: int | None = None,
    ordered: int = 40,
    municipality=None,
) -> Delivery:
    """A delivery the municipality received: `quantity` benches (default: all that is left) of
    `order`, or of a new order of `ordered` benches. The delivery is dated today.
    """
    if order is None:
        order = open_order(tenant, catalog, quantity=ordered, municipality=municipality)
    order.refresh_from_db()
    if order.status == OrderStatus.PLACED:
        order = order_start(order=order, acting_user=tenant.users["supplier"])
    line = order.lines.order_by("pk").first()
    left = line.quantity - line.delivered_quantity
    delivery = delivery_record(
        order=order,
        acting_user=tenant.users["supplier"],
        quantities={line.pk: quantity or left},
        delivered_on=timezone.localdate(),
    )
    receipt_confirm(delivery=delivery, acting_user=_municipality_user(tenant, order.municipality))
    delivery.refresh_from_db()
    return delivery


def requested_payment(
    tenant, *, milestone: int = 0, project=None, municipality=None, amount: int | None = None
) -> PaymentRequest:
    """The payment request of a completed milestone of District 9's Vakilabad Park project.

    `milestone` is its index (0 design, 5 bn Rial; 1 planting, 12 bn; 2 irrigation, 8 bn);
    pass the `project` of an earlier call to bill another of its milestones.
    """
    if project is None:
        project = vakilabad_project(
            tenant, status=ProjectStatus.IN_PROGRESS, municipality=municipality
        ).project
    stage: Milestone = project.milestones.order_by("sequence")[milestone]
    now = timezone.now()
    stage.status, stage.percent = MilestoneStatus.COMPLETED, Decimal("100")
    stage.started_at = stage.started_at or now - dt.timedelta(days=20)
    stage.completed_at = now
    stage.save()
    return PaymentRequest.objects.create(
        organization=tenant.org,
        project=project,
        milestone=stage,
        amount=stage.amount if amount is None else amount,
        status=PaymentRequestStatus.REQUESTED,
    )


def issued_invoice(
    tenant, *, source=None, issue_date: dt.date | None = None, due_date: dt.date | None = None
):
    """An issued invoice (through the finance services) of `source`: a received delivery, a payment
    request, or a new received delivery of 40 benches for District 9 when left out."""
    from hamyar.finance.services import invoice_from_delivery, invoice_from_payment_request, invoice_issue

    officer = tenant.users["finance"]
    source = source if source is not None else received_delivery(tenant)
    if isinstance(source, PaymentRequest):
        invoice = invoice_from_payment_request(payment_request=source, acting_user=officer)
    else:
        invoice = invoice_from_delivery(delivery=source, acting_user=officer)
    return invoice_issue(invoice=invoice, acting_user=officer, issue_date=issue_date, due_date=due_date)
