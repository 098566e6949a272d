"""Every write of finance: invoices from what was received or done, issuing, voiding, payments and
supplier commissions.

Each transition checks the actor (a row outside the actor's scope is NotFound, a wrong role
PermissionDenied), locks the rows it changes, checks the current state against the tables below,
and writes the new state with exactly one AuditEvent per object whose state changed, in one
transaction; whoever must act next is told.

Rules of the ledger:
- A delivery is billed once it is received, a milestone once its payment request is waiting;
  never twice while a live (not void) invoice of it exists (checked under the source's row lock,
  and the database's conditional unique constraints are the last guard).
- An invoice with payments (partially paid or paid) cannot be voided: the money received stays on
  record against the bill it paid. Only a draft or an issued, unpaid invoice is voided, with a
  reason; its delivery or payment request can then be billed again.
- A payment is more than zero and at most the invoice's balance (over-payment is refused, not held
  as credit); the invoice is locked first, so two officers paying at once are checked one after
  the other and can never over-pay it (the table's check constraint is the last guard).
- Payment references are unique in the organization, compared after Persian text normalization
  (Persian and Arabic digits read as Latin digits).
- VAT and commissions are rounded once, half up to the whole Rial, by `core.money.vat_amount`.

Locks are taken in one order — the source (delivery or payment request), the invoice, then the
organization (by the audit chain) — so two transitions never wait for each other.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.services import notification_recipients, notify
from hamyar.commerce.choices import DeliveryStatus
from hamyar.commerce.models import Delivery, DeliveryLine
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.jalali import format_jalali_date
from hamyar.core.money import group_thousands, vat_amount
from hamyar.core.numbering import next_number
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope, membership_of
from hamyar.core.text import normalize
from hamyar.directory.models import AgencyAgreement
from hamyar.projects.choices import MilestoneStatus, PaymentRequestStatus
from hamyar.projects.models import PaymentRequest

from .choices import OWED_STATUSES, InvoiceStatus, PaymentMethod, SettlementStatus
from .models import CommissionSettlement, Invoice, InvoiceLine, Payment

__all__ = [
    "DEFAULT_PAYMENT_TERM_DAYS",
    "INVOICE_TRANSITIONS",
    "MAX_REASON",
    "MAX_REFERENCE",
    "WRITERS",
    "commission_amount",
    "commission_calculate",
    "commission_settle",
    "invoice_from_delivery",
    "invoice_from_payment_request",
    "invoice_issue",
    "invoice_remind_overdue",
    "invoice_void",
    "payment_record",
]

# Who bills, records payments and settles commissions: the admin-finance deputy's staff, and the admin.
WRITERS = frozenset({Role.FINANCE_OFFICER, Role.ORG_ADMIN})
# Days from the issue date to the due date when the officer gives none.
DEFAULT_PAYMENT_TERM_DAYS = 30
MAX_REASON = 2000
MAX_REFERENCE = 40
# The largest amount a payment may carry (a BigIntegerField holds more; no bill comes near this).
MAX_AMOUNT = 10**17

# Every status change an invoice may make, and the AuditEvent action that records it. Anything else
# is refused (409). Partially paid and paid invoices are not voided (see the module's rules).
INVOICE_TRANSITIONS: dict[tuple[str, str], str] = {
    (InvoiceStatus.DRAFT, InvoiceStatus.ISSUED): "invoice.issue",
    (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID): "invoice.partially_paid",
    (InvoiceStatus.ISSUED, InvoiceStatus.PAID): "invoice.paid",
    (InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID): "invoice.paid",
    (InvoiceStatus.DRAFT, InvoiceStatus.VOID): "invoice.void",
    (InvoiceStatus.ISSUED, InvoiceStatus.VOID): "invoice.void",
}

SETTLEMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (SettlementStatus.CALCULATED, SettlementStatus.SETTLED): "commission.settle",
}


# ---------------------------------------------------------------- shared checks and formatting


def _rial(amount: int) -> str:
    """An amount for a message, in the active language's digits: ۱٬۲۰۰ or 1,200."""
    return group_thousands(amount, persian_digits=(get_language() or "fa").startswith("fa"))


def _jalali(value: dt.date) -> str:
    return format_jalali_date(value, persian_digits=(get_language() or "fa").startswith("fa"))


def _require_writer(obj, acting_user) -> None:
    """Outside the actor's scope looks like absent (404); inside it, only finance writers act (403)."""
    if obj is None or not in_scope(obj, acting_user):
        raise NotFound()
    membership = membership_of(acting_user)
    if membership is None or membership.role not in WRITERS:
        raise PermissionDenied()


def _field_error(field: str, message, *, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, extra={"fields": {field: [str(message)]}})


def _require_date(value, field: str, message) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _field_error(field, message)
    return value


def _url(name: str, pk: int) -> str:
    """The page of a finance object; empty while the pages are not routed (the notice has no link)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _invoice_url(invoice: Invoice) -> str:
    return _url("finance:invoice_detail", invoice.pk)


def _lock_invoice(invoice: Invoice) -> Invoice:
    """The invoice re-read under a row lock (PostgreSQL; SQLite's IMMEDIATE transactions serialize)."""
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _move_invoice(invoice: Invoice, target: str, *, acting_user, before: dict, fields: list[str]) -> None:
    """Save the invoice's new status (already set on the row) with the one event of the pair."""
    action = INVOICE_TRANSITIONS.get((before["status"], target))
    if action is None:  # a bug, not an input: callers check the state first
        raise ApplicationError(code="invoice_state")
    invoice.status = target
    invoice.save(update_fields=[*fields, "status", "updated_at"])
    audit_record(actor=acting_user, action=action, obj=invoice, before=before, after=snapshot(invoice))


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
    acting_user,
    lines: list[tuple[str, int, str, int]],
    source: dict,
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


def _live_invoice(**source) -> Invoice | None:
    return Invoice.objects.filter(**source).exclude(status=InvoiceStatus.VOID).order_by("pk").first()


# ---------------------------------------------------------------- invoices


def invoice_from_delivery(*, delivery: Delivery, acting_user) -> Invoice:
    """A draft invoice of a received delivery: its lines at the order's unit prices, VAT added."""
    _require_writer(delivery, acting_user)
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


def invoice_from_payment_request(*, payment_request: PaymentRequest, acting_user) -> Invoice:
    """A draft invoice of a completed milestone's payment request; the request becomes invoiced."""
    _require_writer(payment_request, acting_user)
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
    *, invoice: Invoice, acting_user, issue_date: dt.date | None = None, due_date: dt.date | None = None
) -> Invoice:
    """Draft → issued: dated (today by default, never in the future), due on or after the issue date
    (30 days later by default). The municipality's users are told."""
    _require_writer(invoice, acting_user)
    today = timezone.localdate()
    issue_date = (
        today if issue_date is None else _require_date(issue_date, "issue_date", _("Enter the issue date."))
    )
    if issue_date > today:
        raise _field_error("issue_date", _("The issue date cannot be in the future."))
    if due_date is None:
        due_date = issue_date + dt.timedelta(days=DEFAULT_PAYMENT_TERM_DAYS)
    due_date = _require_date(due_date, "due_date", _("Enter the due date."))
    if due_date < issue_date:
        raise _field_error(
            "due_date",
            _("The due date cannot be before the issue date (%(issued)s).") % {"issued": _jalali(issue_date)},
        )
    with transaction.atomic():
        locked = _lock_invoice(invoice)
        if locked.status != InvoiceStatus.DRAFT:
            raise ApplicationError(
                _("Invoice %(number)s is %(status)s; only a draft is issued.")
                % {"number": locked.number, "status": locked.get_status_display()},
                code="invoice_state",
            )
        before = snapshot(locked)
        locked.issue_date, locked.due_date, locked.issued_at = issue_date, due_date, timezone.now()
        _move_invoice(
            locked,
            InvoiceStatus.ISSUED,
            acting_user=acting_user,
            before=before,
            fields=["issue_date", "due_date", "issued_at"],
        )
        notify(
            organization_id=locked.organization_id,
            recipients=notification_recipients(
                organization_id=locked.organization_id,
                roles=[Role.MUNICIPALITY_USER],
                municipality_id=locked.municipality_id,
            ),
            subject=_("Invoice %(number)s of %(total)s Rial was issued; it is due on %(due)s.")
            % {"number": locked.number, "total": _rial(locked.total), "due": _jalali(due_date)},
            url=_invoice_url(locked),
        )
    return locked


def invoice_void(*, invoice: Invoice, acting_user, reason: str) -> Invoice:
    """A draft or issued, unpaid invoice is voided with a reason (never deleted); its source is billable
    again."""
    _require_writer(invoice, acting_user)
    reason = normalize(reason or "", multiline=True)
    if not reason:
        raise _field_error("reason", _("Give the reason for voiding the invoice."))
    if len(reason) > MAX_REASON:
        raise _field_error("reason", _("The reason is too long (at most 2000 characters)."))
    with transaction.atomic():
        request = None
        if invoice.payment_request_id:  # the source first, as when billing it
            request = PaymentRequest.objects.select_for_update().get(pk=invoice.payment_request_id)
        locked = _lock_invoice(invoice)
        if locked.status == InvoiceStatus.VOID:
            raise ApplicationError(
                _("Invoice %(number)s is already void.") % {"number": locked.number}, code="invoice_state"
            )
        if locked.paid_amount > 0 or (locked.status, InvoiceStatus.VOID) not in INVOICE_TRANSITIONS:
            raise ApplicationError(
                _(
                    "Invoice %(number)s has payments of %(paid)s Rial; an invoice that was paid (in full or "
                    "in part) cannot be voided."
                )
                % {"number": locked.number, "paid": _rial(locked.paid_amount)},
                code="invoice_has_payments",
            )
        before = snapshot(locked)
        locked.void_reason, locked.voided_at = reason, timezone.now()
        _move_invoice(
            locked,
            InvoiceStatus.VOID,
            acting_user=acting_user,
            before=before,
            fields=["void_reason", "voided_at"],
        )
        if request is not None and request.status == PaymentRequestStatus.INVOICED:
            request_before = snapshot(request, ["status"])
            request.status = PaymentRequestStatus.REQUESTED
            request.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=acting_user,
                action="payment_request.reopen",
                obj=request,
                before=request_before,
                after={**snapshot(request, ["status"]), "voided_invoice": locked.number},
            )
        if before["status"] != InvoiceStatus.DRAFT:
            notify(
                organization_id=locked.organization_id,
                recipients=notification_recipients(
                    organization_id=locked.organization_id,
                    roles=[Role.MUNICIPALITY_USER],
                    municipality_id=locked.municipality_id,
                ),
                subject=_("Invoice %(number)s was voided.") % {"number": locked.number},
                body=reason,
                url=_invoice_url(locked),
            )
    return locked


# ---------------------------------------------------------------- payments


def normalize_reference(value) -> str:
    """A bank or cheque reference as stored and compared: Persian text normalized, digits Latin."""
    return normalize(str(value or ""))


def payment_record(
    *,
    invoice: Invoice,
    acting_user,
    amount,
    paid_on: dt.date | None,
    reference: str,
    method: str = PaymentMethod.TRANSFER,
) -> Payment:
    """Money received against an issued invoice: more than zero, at most its balance.

    The invoice is locked before its balance is read: a second payment recorded at the same moment
    waits, then sees the first, so together they never exceed the total.
    """
    _require_writer(invoice, acting_user)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise _field_error("amount", _("Enter the amount in Rial as a whole number."))
    if amount <= 0:
        raise _field_error("amount", _("The amount must be more than zero."))
    if amount > MAX_AMOUNT:
        raise _field_error("amount", _("The amount is too large."))
    paid_on = _require_date(paid_on, "paid_on", _("Enter the date of the payment."))
    if paid_on > timezone.localdate():
        raise _field_error("paid_on", _("The payment date cannot be in the future."))
    reference = normalize_reference(reference)
    if not reference:
        raise _field_error("reference", _("Enter the payment's reference number."))
    if len(reference) > MAX_REFERENCE:
        raise _field_error("reference", _("The reference is too long (at most 40 characters)."))
    if method not in PaymentMethod.values:
        raise _field_error("method", _("Choose how the payment was made."))
    try:
        with transaction.atomic():
            locked = _lock_invoice(invoice)
            if locked.status not in (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID):
                messages = {
                    InvoiceStatus.DRAFT: _(
                        "Invoice %(number)s is a draft; issue it before recording payments."
                    ),
                    InvoiceStatus.PAID: _("Invoice %(number)s is already paid in full."),
                    InvoiceStatus.VOID: _("Invoice %(number)s is void; no payment is recorded against it."),
                }
                raise ApplicationError(
                    messages[locked.status] % {"number": locked.number}, code="invoice_state"
                )
            if paid_on < locked.issue_date:
                raise _field_error(
                    "paid_on",
                    _("The payment date cannot be before the invoice's issue date (%(issued)s).")
                    % {"issued": _jalali(locked.issue_date)},
                )
            if amount > locked.balance:
                raise _field_error(
                    "amount",
                    _(
                        "The payment of %(amount)s Rial is more than the balance of invoice %(number)s, "
                        "which is %(balance)s Rial."
                    )
                    % {"amount": _rial(amount), "number": locked.number, "balance": _rial(locked.balance)},
                    code="overpayment",
                )
            if Payment.objects.filter(organization_id=locked.organization_id, reference=reference).exists():
                raise _duplicate_reference(reference)
            before = snapshot(locked)
            payment = Payment.objects.create(
                organization_id=locked.organization_id,
                invoice=locked,
                amount=amount,
                paid_on=paid_on,
                reference=reference,
                method=method,
                recorded_by=acting_user,
            )
            locked.paid_amount += amount
            target = (
                InvoiceStatus.PAID if locked.paid_amount == locked.total else InvoiceStatus.PARTIALLY_PAID
            )
            audit_record(
                actor=acting_user,
                action="payment.record",
                obj=payment,
                after={
                    **snapshot(payment),
                    "invoice_paid_amount": locked.paid_amount,
                    "invoice_balance": locked.balance,
                },
            )
            if target != locked.status:
                _move_invoice(locked, target, acting_user=acting_user, before=before, fields=["paid_amount"])
            else:
                locked.save(update_fields=["paid_amount", "updated_at"])
            if target == InvoiceStatus.PAID:
                notify(
                    organization_id=locked.organization_id,
                    recipients=notification_recipients(
                        organization_id=locked.organization_id,
                        roles=[Role.MUNICIPALITY_USER],
                        municipality_id=locked.municipality_id,
                    ),
                    subject=_("Invoice %(number)s is paid in full. Thank you.") % {"number": locked.number},
                    url=_invoice_url(locked),
                )
    except IntegrityError:
        # Another officer recorded the same reference between the check and the insert.
        raise _duplicate_reference(reference) from None
    return payment


def _duplicate_reference(reference: str) -> InvalidInput:
    return _field_error(
        "reference",
        _("A payment with reference %(reference)s is already recorded in this organization.")
        % {"reference": reference},
        code="duplicate_reference",
    )


# ---------------------------------------------------------------- commissions


def commission_amount(sales: int, percent) -> int:
    """The commission on `sales` (Rial): sales × percent / 100, rounded once, half up to the whole Rial.

    The same rule as VAT (`core.money.vat_amount`), so the whole project rounds a percentage one way.
    """
    return vat_amount(sales, percent)


def commission_calculate(
    *, agreement: AgencyAgreement, acting_user, period_start: dt.date, period_end: dt.date
) -> CommissionSettlement:
    """The commission of an agency agreement for a period: its supplier's invoiced sales before VAT.

    Sales are the subtotals of the supplier's invoices issued in the period and within the
    agreement's validity, void invoices and drafts left out. One settlement covers a period of an
    agreement: a period overlapping one already calculated is refused (409).
    """
    _require_writer(agreement, acting_user)
    period_start = _require_date(period_start, "period_start", _("Enter the first day of the period."))
    period_end = _require_date(period_end, "period_end", _("Enter the last day of the period."))
    if period_end < period_start:
        raise _field_error("period_end", _("The end of the period cannot be before its start."))
    if period_end > timezone.localdate():
        raise _field_error("period_end", _("The period has not ended yet; calculate it once it is over."))
    start, end = max(period_start, agreement.starts_on), min(period_end, agreement.ends_on)
    if start > end:
        raise _field_error(
            "period_start",
            _("Agreement %(number)s is valid from %(starts)s to %(ends)s; the period is outside it.")
            % {
                "number": agreement.number,
                "starts": _jalali(agreement.starts_on),
                "ends": _jalali(agreement.ends_on),
            },
            code="outside_agreement",
        )
    try:
        with transaction.atomic():
            # One calculation of an agreement at a time: the overlap check below cannot race.
            locked = AgencyAgreement.objects.select_for_update().get(pk=agreement.pk)
            overlapping = (
                CommissionSettlement.objects.filter(
                    agreement=locked, period_start__lte=period_end, period_end__gte=period_start
                )
                .order_by("period_start")
                .first()
            )
            if overlapping is not None:
                raise _settlement_exists(locked, overlapping)
            sales = Invoice.objects.filter(
                organization_id=locked.organization_id,
                provider_id=locked.supplier_id,
                status__in=sorted(OWED_STATUSES),
                issue_date__gte=start,
                issue_date__lte=end,
            ).aggregate(total=Sum("subtotal"), count=Count("pk"))
            total = sales["total"] or 0
            settlement = CommissionSettlement.objects.create(
                organization_id=locked.organization_id,
                agreement=locked,
                supplier_id=locked.supplier_id,
                period_start=period_start,
                period_end=period_end,
                sales_total=total,
                commission_percent=locked.commission_percent,
                commission_amount=commission_amount(total, locked.commission_percent),
                invoice_count=sales["count"],
                calculated_by=acting_user,
            )
            audit_record(
                actor=acting_user,
                action="commission.calculate",
                obj=settlement,
                after={**snapshot(settlement), "sales_from": start, "sales_to": end},
            )
    except IntegrityError:
        raise _settlement_exists(agreement, None) from None
    return settlement


def _settlement_exists(agreement: AgencyAgreement, other: CommissionSettlement | None) -> ApplicationError:
    if other is None:
        return ApplicationError(
            _("The commission of agreement %(number)s for this period is already calculated.")
            % {"number": agreement.number},
            code="settlement_exists",
        )
    return ApplicationError(
        _(
            "The commission of agreement %(number)s is already calculated for %(start)s to %(end)s, which "
            "overlaps this period."
        )
        % {
            "number": agreement.number,
            "start": _jalali(other.period_start),
            "end": _jalali(other.period_end),
        },
        code="settlement_exists",
    )


def commission_settle(
    *, settlement: CommissionSettlement, acting_user, reference: str, settled_on: dt.date | None
) -> CommissionSettlement:
    """Calculated → settled, with the settlement's reference and date; the supplier's users are told."""
    _require_writer(settlement, acting_user)
    reference = normalize_reference(reference)
    if not reference:
        raise _field_error("reference", _("Enter the settlement's reference number."))
    if len(reference) > MAX_REFERENCE:
        raise _field_error("reference", _("The reference is too long (at most 40 characters)."))
    settled_on = _require_date(settled_on, "settled_on", _("Enter the date of the settlement."))
    if settled_on > timezone.localdate():
        raise _field_error("settled_on", _("The settlement date cannot be in the future."))
    with transaction.atomic():
        locked = CommissionSettlement.objects.select_for_update().get(pk=settlement.pk)
        action = SETTLEMENT_TRANSITIONS.get((locked.status, SettlementStatus.SETTLED))
        if action is None:
            raise ApplicationError(
                _("This commission is already settled (reference %(reference)s).")
                % {"reference": locked.reference},
                code="settlement_state",
            )
        before = snapshot(locked)
        locked.status, locked.reference, locked.settled_on = SettlementStatus.SETTLED, reference, settled_on
        locked.settled_by = acting_user
        locked.save(update_fields=["status", "reference", "settled_on", "settled_by", "updated_at"])
        audit_record(actor=acting_user, action=action, obj=locked, before=before, after=snapshot(locked))
        notify(
            organization_id=locked.organization_id,
            recipients=notification_recipients(
                organization_id=locked.organization_id,
                roles=[Role.SUPPLIER_USER],
                provider_id=locked.supplier_id,
            ),
            subject=_("Your commission statement of %(start)s to %(end)s was settled: %(amount)s Rial.")
            % {
                "start": _jalali(locked.period_start),
                "end": _jalali(locked.period_end),
                "amount": _rial(locked.commission_amount),
            },
            url=_url("finance:commission_detail", locked.pk),
        )
    return locked


# ---------------------------------------------------------------- reminders


def invoice_remind_overdue(*, today: dt.date | None = None) -> int:
    """Tell the municipality's users and the finance officers, once, of each invoice past its due date
    with money still owed; returns how many invoices were reminded. Safe to run again: a recipient who
    already has this invoice's reminder is not told twice."""
    from hamyar.accounts.models import Notification

    today = today or timezone.localdate()
    reminded = 0
    overdue = Invoice.objects.filter(
        status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID], due_date__lt=today
    ).order_by("organization_id", "pk")
    for invoice in overdue.iterator(chunk_size=500):
        with override_site_language():
            subject = str(
                _("Invoice %(number)s is past its due date (%(due)s); %(balance)s Rial is still owed.")
                % {
                    "number": invoice.number,
                    "due": _jalali(invoice.due_date),
                    "balance": _rial(invoice.balance),
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
                url=_invoice_url(invoice),
            )
            reminded += 1
    return reminded


def override_site_language():
    """Reminders are written in the site's language (Persian), whoever runs the task."""
    from django.utils import translation

    return translation.override(settings.LANGUAGE_CODE)
