"""Invoices: a draft from a received delivery or a completed milestone's payment request, issuing,
voiding, and the reminders of overdue invoices.

Rules of the ledger:
- A delivery is billed once it is received, a milestone once its payment request is waiting;
  never twice while a live (not void) invoice of it exists (checked under the source's row lock,
  and the database's conditional unique constraints are the last guard).
- An invoice with payments (partially paid or paid) cannot be voided: the money received stays on
  record against the bill it paid. Only a draft or an issued, unpaid invoice is voided, with a
  reason; its delivery or payment request can then be billed again.
- VAT is rounded once, half up to the whole Rial, by `core.money.vat_amount`.

Locks are taken in one order — the source (delivery or payment request), the invoice, then the
organization (by the audit chain) — so two transitions never wait for each other.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Notification, User
from hamyar.accounts.services import notification_recipients, notify
from hamyar.commerce.choices import DeliveryStatus
from hamyar.commerce.models import Delivery, DeliveryLine
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import transition
from hamyar.core.money import vat_amount
from hamyar.core.numbering import next_number
from hamyar.core.roles import Role
from hamyar.core.text import normalize
from hamyar.projects.choices import MilestoneStatus, PaymentRequestStatus
from hamyar.projects.models import PaymentRequest

from .. import selectors
from ..choices import INVOICE_LIFECYCLE, InvoiceAction, InvoiceStatus
from ..models import Invoice, InvoiceLine
from .common import (
    DEFAULT_PAYMENT_TERM_DAYS,
    MAX_REASON,
    field_error,
    invoice_url,
    jalali,
    require_date,
    require_writer,
    rial,
)

__all__ = [
    "invoice_from_delivery",
    "invoice_from_payment_request",
    "invoice_issue",
    "invoice_remind_overdue",
    "invoice_void",
]


def _vat_percent() -> Decimal:
    return Decimal(str(settings.HAMYAR_VAT_PERCENT))


def _already_billed(message_source: str, invoice: Invoice | None) -> ApplicationError:
    if invoice is not None:
        return ApplicationError(
            _(
                "%(source)s is already billed on invoice %(invoice)s; void that invoice first to bill it "
                "again."
            )
            % {"source": message_source, "invoice": invoice.number},
            code="already_invoiced",
        )
    return ApplicationError(
        _("%(source)s is already billed.") % {"source": message_source}, code="already_invoiced"
    )


def _create_invoice(
    *,
    organization_id: int,
    municipality_id: int,
    provider_id: int,
    acting_user: User,
    lines: list[tuple[str, int, str, int]],
    source: dict[str, Any],
) -> Invoice:
    """A draft invoice with its lines (description, quantity, unit, unit price); VAT from the setting."""
    subtotal = sum(quantity * price for _d, quantity, _u, price in lines)
    percent = _vat_percent()
    vat = vat_amount(subtotal, percent)
    invoice = Invoice.objects.create(
        organization_id=organization_id,
        number=next_number(organization_id, "I"),
        municipality_id=municipality_id,
        provider_id=provider_id,
        status=InvoiceStatus.DRAFT,
        subtotal=subtotal,
        vat_percent=percent,
        vat_amount=vat,
        total=subtotal + vat,
        created_by=acting_user,
        **source,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            organization_id=organization_id,
            invoice=invoice,
            description=description[:300],
            quantity=quantity,
            unit=unit[:10],
            unit_price=price,
            amount=quantity * price,
        )
        for description, quantity, unit, price in lines
    )
    announce(Invoice, [invoice.pk])
    audit_record(
        actor=acting_user,
        action="invoice.create",
        obj=invoice,
        after={
            **snapshot(invoice),
            "lines": [[description, quantity, unit, price] for description, quantity, unit, price in lines],
        },
    )
    return invoice


def _live_invoice(**source: Any) -> Invoice | None:
    return Invoice.objects.filter(**source).exclude(status=InvoiceStatus.VOID).order_by("pk").first()


# ---------------------------------------------------------------- invoices


def invoice_from_delivery(*, delivery: Delivery, acting_user: User) -> Invoice:
    """A draft invoice of a received delivery: its lines at the order's unit prices, VAT added."""
    require_writer(delivery, acting_user)
    source = _("Delivery %(number)s") % {"number": delivery.number}
    try:
        with transaction.atomic():
            locked = Delivery.objects.select_for_update().select_related("order").get(pk=delivery.pk)
            if locked.status != DeliveryStatus.RECEIVED:
                raise ApplicationError(
                    _(
                        "Delivery %(number)s is %(status)s; only a delivery the municipality received is "
                        "billed."
                    )
                    % {"number": locked.number, "status": locked.get_status_display()},
                    code="delivery_not_received",
                )
            existing = _live_invoice(delivery=locked)
            if existing is not None:
                raise _already_billed(str(source), existing)
            rows = DeliveryLine.objects.filter(delivery=locked).select_related("order_line").order_by("pk")
            lines = [
                (row.order_line.description, row.quantity, row.order_line.unit, row.order_line.unit_price)
                for row in rows
            ]
            order = locked.order
            invoice = _create_invoice(
                organization_id=locked.organization_id,
                municipality_id=order.municipality_id,
                provider_id=order.provider_id,
                acting_user=acting_user,
                lines=lines,
                source={"delivery": locked},
            )
    except IntegrityError:
        # A second officer's invoice of the same delivery committed between the check and the insert.
        raise _already_billed(str(source), _live_invoice(delivery_id=delivery.pk)) from None
    return invoice


def invoice_from_payment_request(*, payment_request: PaymentRequest, acting_user: User) -> Invoice:
    """A draft invoice of a completed milestone's payment request; the request becomes invoiced."""
    require_writer(payment_request, acting_user)
    source = _("The payment request of milestone «%(milestone)s»") % {
        "milestone": payment_request.milestone.title
    }
    try:
        with transaction.atomic():
            locked = (
                PaymentRequest.objects.select_for_update()
                .select_related("project", "milestone")
                .get(pk=payment_request.pk)
            )
            existing = _live_invoice(payment_request=locked)
            if existing is not None:
                raise _already_billed(str(source), existing)
            if locked.status != PaymentRequestStatus.REQUESTED:
                raise ApplicationError(
                    _("%(source)s is %(status)s; only a waiting payment request is billed.")
                    % {"source": source, "status": locked.get_status_display()},
                    code="payment_request_state",
                )
            if locked.milestone.status != MilestoneStatus.COMPLETED:
                raise ApplicationError(
                    _("Milestone «%(milestone)s» is not completed; a milestone is billed once it is done.")
                    % {"milestone": locked.milestone.title},
                    code="milestone_not_completed",
                )
            project = locked.project
            description = f"{project.title} — {locked.milestone.title} ({project.number})"
            invoice = _create_invoice(
                organization_id=locked.organization_id,
                municipality_id=project.municipality_id,
                provider_id=project.provider_id,
                acting_user=acting_user,
                lines=[(description, 1, "", locked.amount)],
                source={"payment_request": locked},
            )
            before = snapshot(locked, ["status"])
            locked.status = PaymentRequestStatus.INVOICED
            locked.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=acting_user,
                action="payment_request.invoice",
                obj=locked,
                before=before,
                after={**snapshot(locked, ["status"]), "invoice": invoice.number},
            )
    except IntegrityError:
        raise _already_billed(str(source), _live_invoice(payment_request_id=payment_request.pk)) from None
    return invoice


def invoice_issue(
    *, invoice: Invoice, acting_user: User, issue_date: dt.date | None = None, due_date: dt.date | None = None
) -> Invoice:
    """Draft → issued: dated (today by default, never in the future), due on or after the issue date
    (30 days later by default). The municipality's users are told."""
    today = timezone.localdate()
    issue_date = (
        today if issue_date is None else require_date(issue_date, "issue_date", _("Enter the issue date."))
    )
    if issue_date > today:
        raise field_error("issue_date", _("The issue date cannot be in the future."))
    if due_date is None:
        due_date = issue_date + dt.timedelta(days=DEFAULT_PAYMENT_TERM_DAYS)
    due_date = require_date(due_date, "due_date", _("Enter the due date."))
    if due_date < issue_date:
        raise field_error(
            "due_date",
            _("The due date cannot be before the issue date (%(issued)s).") % {"issued": jalali(issue_date)},
        )
    with transaction.atomic():
        with transition(INVOICE_LIFECYCLE, invoice, InvoiceAction.ISSUE, acting_user=acting_user,
                        savepoint=False) as move:
            locked = move.obj
            locked.issue_date, locked.due_date, locked.issued_at = issue_date, due_date, timezone.now()
            notify(
                organization_id=locked.organization_id,
                recipients=notification_recipients(
                    organization_id=locked.organization_id,
                    roles=[Role.MUNICIPALITY_USER],
                    municipality_id=locked.municipality_id,
                ),
                subject=_("Invoice %(number)s of %(total)s Rial was issued; it is due on %(due)s.")
                % {"number": locked.number, "total": rial(locked.total), "due": jalali(due_date)},
                url=invoice_url(locked),
            )
        announce(Invoice, [locked.pk])
    return invoice


def invoice_void(*, invoice: Invoice, acting_user: User, reason: str) -> Invoice:
    """A draft or issued, unpaid invoice is voided with a reason (never deleted); its source is billable
    again."""
    reason = normalize(reason or "", multiline=True)
    if not reason:
        raise field_error("reason", _("Give the reason for voiding the invoice."))
    if len(reason) > MAX_REASON:
        raise field_error("reason", _("The reason is too long (at most 2000 characters)."))
    if not invoice.payment_request_id:
        return _void(invoice, acting_user=acting_user, reason=reason)
    with transaction.atomic():
        # The source first, as when billing it: the payment request is open again in the same step.
        request = PaymentRequest.objects.select_for_update().get(pk=invoice.payment_request_id)
        _void(invoice, acting_user=acting_user, reason=reason)
        if request.status == PaymentRequestStatus.INVOICED:
            request_before = snapshot(request, ["status"])
            request.status = PaymentRequestStatus.REQUESTED
            request.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=acting_user,
                action="payment_request.reopen",
                obj=request,
                before=request_before,
                after={**snapshot(request, ["status"]), "voided_invoice": invoice.number},
            )
    return invoice


def _void(invoice: Invoice, *, acting_user: User, reason: str) -> Invoice:
    with transaction.atomic():
        with transition(INVOICE_LIFECYCLE, invoice, InvoiceAction.VOID, acting_user=acting_user,
                        savepoint=False) as move:
            locked = move.obj
            locked.void_reason, locked.voided_at = reason, timezone.now()
            if move.before["status"] != InvoiceStatus.DRAFT:  # a draft was never sent to the municipality
                notify(
                    organization_id=locked.organization_id,
                    recipients=notification_recipients(
                        organization_id=locked.organization_id,
                        roles=[Role.MUNICIPALITY_USER],
                        municipality_id=locked.municipality_id,
                    ),
                    subject=_("Invoice %(number)s was voided.") % {"number": locked.number},
                    body=reason,
                    url=invoice_url(locked),
                )
        announce(Invoice, [locked.pk])
    return invoice


# ---------------------------------------------------------------- reminders


def invoice_remind_overdue(*, today: dt.date | None = None) -> int:
    """Tell the municipality's users and the finance officers, once, of each invoice past its due date
    with money still owed; returns how many invoices were reminded. Safe to run again: a recipient who
    already has this invoice's reminder is not told twice."""
    today = today or timezone.localdate()
    reminded = 0
    for invoice in selectors.invoices_overdue(today=today).iterator(chunk_size=500):
        if invoice.due_date is None:  # never: the query asks for a due date before today
            continue
        with override_site_language():
            subject = str(
                _("Invoice %(number)s is past its due date (%(due)s); %(balance)s Rial is still owed.")
                % {
                    "number": invoice.number,
                    "due": jalali(invoice.due_date),
                    "balance": rial(invoice.balance),
                }
            )
        recipients = notification_recipients(
            organization_id=invoice.organization_id,
            roles=[Role.MUNICIPALITY_USER],
            municipality_id=invoice.municipality_id,
        )
        recipients += notification_recipients(
            organization_id=invoice.organization_id, roles=[Role.FINANCE_OFFICER]
        )
        told = set(
            Notification.objects.filter(recipient__in=recipients, subject=subject[:200]).values_list(
                "recipient_id", flat=True
            )
        )
        fresh = [user for user in recipients if user.pk not in told]
        if fresh:
            notify(
                organization_id=invoice.organization_id,
                recipients=fresh,
                subject=subject,
                url=invoice_url(invoice),
            )
            reminded += 1
    return reminded


def override_site_language() -> translation.override:
    """Reminders are written in the site's language (Persian), whoever runs the task."""
    return translation.override(settings.LANGUAGE_CODE)