"""Payments: money received against an issued invoice, which moves it to partially paid or paid.

A payment is more than zero and at most the invoice's balance (over-payment is refused, not held as
credit); the invoice is locked first, so two officers paying at once are checked one after the other
and can never over-pay it (the table's check constraint is the last guard). References are unique in
the organization, compared after Persian text normalization (Persian and Arabic digits read as Latin).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.accounts.services import notification_recipients, notify
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import InvalidInput
from hamyar.core.lifecycle import transition
from hamyar.core.roles import Role

from ..choices import INVOICE_LIFECYCLE, InvoiceAction, InvoiceStatus, PaymentMethod
from ..models import Invoice, Payment
from .common import (
    MAX_AMOUNT,
    MAX_REFERENCE,
    field_error,
    hold,
    invoice_url,
    jalali,
    normalize_reference,
    require_date,
    rial,
)

__all__ = ["normalize_reference", "payment_record"]


def payment_record(
    *,
    invoice: Invoice,
    acting_user: User,
    amount: Any,
    paid_on: dt.date | None,
    reference: str,
    method: str = PaymentMethod.TRANSFER,
) -> Payment:
    """Money received against an issued invoice: more than zero, at most its balance.

    The invoice is locked before its balance is read: a second payment recorded at the same moment
    waits, then sees the first, so together they never exceed the total.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise field_error("amount", _("Enter the amount in Rial as a whole number."))
    if amount <= 0:
        raise field_error("amount", _("The amount must be more than zero."))
    if amount > MAX_AMOUNT:
        raise field_error("amount", _("The amount is too large."))
    paid_on = require_date(paid_on, "paid_on", _("Enter the date of the payment."))
    if paid_on > timezone.localdate():
        raise field_error("paid_on", _("The payment date cannot be in the future."))
    reference = normalize_reference(reference)
    if not reference:
        raise field_error("reference", _("Enter the payment's reference number."))
    if len(reference) > MAX_REFERENCE:
        raise field_error("reference", _("The reference is too long (at most 40 characters)."))
    if method not in PaymentMethod.values:
        raise field_error("method", _("Choose how the payment was made."))
    try:
        with transaction.atomic():
            # A further part payment leaves the invoice's state as it is: hold the row, move it only
            # when the payment changes its state.
            locked = hold(INVOICE_LIFECYCLE, invoice, InvoiceAction.PAY, acting_user=acting_user)
            if paid_on < locked.issue_date:
                raise field_error(
                    "paid_on",
                    _("The payment date cannot be before the invoice's issue date (%(issued)s).")
                    % {"issued": jalali(locked.issue_date)},
                )
            if amount > locked.balance:
                raise field_error(
                    "amount",
                    _(
                        "The payment of %(amount)s Rial is more than the balance of invoice %(number)s, "
                        "which is %(balance)s Rial."
                    )
                    % {"amount": rial(amount), "number": locked.number, "balance": rial(locked.balance)},
                    code="overpayment",
                )
            if Payment.objects.filter(organization_id=locked.organization_id, reference=reference).exists():
                raise _duplicate_reference(reference)
            payment = Payment.objects.create(
                organization_id=locked.organization_id,
                invoice=locked,
                amount=amount,
                paid_on=paid_on,
                reference=reference,
                method=method,
                recorded_by=acting_user,
            )
            paid = locked.paid_amount + amount
            target = InvoiceStatus.PAID if paid == locked.total else InvoiceStatus.PARTIALLY_PAID
            audit_record(
                actor=acting_user,
                action="payment.record",
                obj=payment,
                after={
                    **snapshot(payment), "invoice_paid_amount": paid, "invoice_balance": locked.total - paid,
                },
            )
            if target == locked.status:
                locked.paid_amount = paid
                locked.save(update_fields=["paid_amount", "updated_at"])
            else:
                with transition(INVOICE_LIFECYCLE, locked, InvoiceAction.PAY, acting_user=acting_user,
                                audit_action=f"invoice.{target}") as move:
                    move.obj.paid_amount, move.obj.status = paid, target
                announce(Invoice, [locked.pk])
            if target == InvoiceStatus.PAID:
                notify(
                    organization_id=locked.organization_id,
                    recipients=notification_recipients(
                        organization_id=locked.organization_id,
                        roles=[Role.MUNICIPALITY_USER],
                        municipality_id=locked.municipality_id,
                    ),
                    subject=_("Invoice %(number)s is paid in full. Thank you.") % {"number": locked.number},
                    url=invoice_url(locked),
                )
    except IntegrityError:
        # Another officer recorded the same reference between the check and the insert.
        raise _duplicate_reference(reference) from None
    return payment


def _duplicate_reference(reference: str) -> InvalidInput:
    return field_error(
        "reference",
        _("A payment with reference %(reference)s is already recorded in this organization.")
        % {"reference": reference},
        code="duplicate_reference",
    )
