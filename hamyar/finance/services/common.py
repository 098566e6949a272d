"""What every finance write shares: who writes, the limits of the input, the checks of the actor and of
dates, and the words of amounts and dates in messages."""

import datetime as dt
from typing import Any

from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.jalali import format_jalali_date
from hamyar.core.money import group_thousands
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope, membership_of
from hamyar.core.text import normalize

from ..choices import InvoiceStatus
from ..models import Invoice

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


def rial(amount: int) -> str:
    """An amount for a message, in the active language's digits: ۱٬۲۰۰ or 1,200."""
    return group_thousands(amount, persian_digits=(get_language() or "fa").startswith("fa"))


def jalali(value: dt.date) -> str:
    return format_jalali_date(value, persian_digits=(get_language() or "fa").startswith("fa"))


def require_writer(obj: Model | None, acting_user: User) -> None:
    """Outside the actor's scope looks like absent (404); inside it, only finance writers act (403)."""
    if obj is None or not in_scope(obj, acting_user):
        raise NotFound()
    membership = membership_of(acting_user)
    if membership is None or membership.role not in WRITERS:
        raise PermissionDenied()


def field_error(field: str, message: Any, *, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, extra={"fields": {field: [str(message)]}})


def require_date(value: Any, field: str, message: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise field_error(field, message)
    return value


def page_url(name: str, pk: int) -> str:
    """The page of a finance object; empty while the pages are not routed (the notice has no link)."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def invoice_url(invoice: Invoice) -> str:
    return page_url("finance:invoice_detail", invoice.pk)


def lock_invoice(invoice: Invoice) -> Invoice:
    """The invoice re-read under a row lock (PostgreSQL; SQLite's IMMEDIATE transactions serialize)."""
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def normalize_reference(value: Any) -> str:
    """A bank or cheque reference as stored and compared: Persian text normalized, digits Latin."""
    return normalize(str(value or ""))


def move_invoice(
    invoice: Invoice, target: str, *, acting_user: User, before: dict[str, Any], fields: list[str]
) -> None:
    """Save the invoice's new status (already set on the row) with the one event of the pair."""
    action = INVOICE_TRANSITIONS.get((before["status"], target))
    if action is None:  # a bug, not an input: callers check the state first
        raise ApplicationError(code="invoice_state")
    invoice.status = target
    invoice.save(update_fields=[*fields, "status", "updated_at"])
    audit_record(actor=acting_user, action=action, obj=invoice, before=before, after=snapshot(invoice))

