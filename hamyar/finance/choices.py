"""The states of finance's records and their lifecycles: an invoice (issue, pay, void) and a
commission settlement (settle), each action with the states it starts from, where it leads and who
may take it. Anything else is refused (409) with words that name the invoice or the settlement."""

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import Lifecycle, Step
from hamyar.core.money import group_thousands
from hamyar.core.roles import Role


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


# Invoices that count in a municipality's balance (a draft is not owed yet; a void never was).
OWED_STATUSES = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID})
# Invoices with money still owed on them.
OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer (Satna/Paya)")
    CHEQUE = "cheque", _("Cheque")
    TREASURY = "treasury", _("Treasury allocation")
    OTHER = "other", _("Other")


class SettlementStatus(models.TextChoices):
    CALCULATED = "calculated", _("Calculated")
    SETTLED = "settled", _("Settled")


# Who bills, records payments and settles commissions: the admin-finance deputy's staff, and the admin.
WRITERS = frozenset({Role.FINANCE_OFFICER, Role.ORG_ADMIN})

Refusal = tuple[Any, str]  # the message, and its code


class NamedLifecycle(Lifecycle):
    """A lifecycle whose refusals name the row (its number, reference, amount) and say what to do,
    rather than the kit's generic "it is X now"; a pair of action and state without words of its own
    falls back to the generic one."""

    def __init__(self, *, refusals: Mapping[tuple[str, str], Refusal],
                 words: Callable[[Any], dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refusals = dict(refusals)
        self.words = words

    def state_error(self, obj: models.Model, action: str) -> ApplicationError:
        refusal = self.refusals.get((action, getattr(obj, self.field)))
        if refusal is None:
            return super().state_error(obj, action)
        message, code = refusal
        return ApplicationError(message % self.words(obj), code=code)


def _rial(amount: int) -> str:
    return group_thousands(amount, persian_digits=(get_language() or "fa").startswith("fa"))


class InvoiceAction(models.TextChoices):
    ISSUE = "issue", _("Issue")
    PAY = "pay", _("Record a payment")
    VOID = "void", _("Void the invoice")


_NOT_A_DRAFT: Refusal = (_("Invoice %(number)s is %(status)s; only a draft is issued."), "invoice_state")
_HAS_PAYMENTS: Refusal = (
    _("Invoice %(number)s has payments of %(paid)s Rial; an invoice that was paid (in full or in part) "
      "cannot be voided."),
    "invoice_has_payments",
)

# A payment moves an issued invoice to partially paid or paid (the service chooses by the balance;
# a further part payment leaves the state as it is and is recorded as the payment's event only).
# Partially paid and paid invoices are not voided: the money received stays on record against them.
INVOICE_LIFECYCLE = NamedLifecycle(
    name="invoice",
    actions=InvoiceAction,
    code="invoice_state",
    steps={
        InvoiceAction.ISSUE: Step(frozenset({InvoiceStatus.DRAFT}), InvoiceStatus.ISSUED, WRITERS),
        InvoiceAction.PAY: Step(frozenset(OPEN_STATUSES), InvoiceStatus.PAID, WRITERS,
                                targets=frozenset({InvoiceStatus.PARTIALLY_PAID})),
        InvoiceAction.VOID: Step(frozenset({InvoiceStatus.DRAFT, InvoiceStatus.ISSUED}), InvoiceStatus.VOID,
                                 WRITERS),
    },
    refusals={
        **{(InvoiceAction.ISSUE, state): _NOT_A_DRAFT
           for state in InvoiceStatus.values if state != InvoiceStatus.DRAFT},
        (InvoiceAction.PAY, InvoiceStatus.DRAFT): (
            _("Invoice %(number)s is a draft; issue it before recording payments."), "invoice_state"),
        (InvoiceAction.PAY, InvoiceStatus.PAID): (
            _("Invoice %(number)s is already paid in full."), "invoice_state"),
        (InvoiceAction.PAY, InvoiceStatus.VOID): (
            _("Invoice %(number)s is void; no payment is recorded against it."), "invoice_state"),
        (InvoiceAction.VOID, InvoiceStatus.VOID): (_("Invoice %(number)s is already void."), "invoice_state"),
        (InvoiceAction.VOID, InvoiceStatus.PARTIALLY_PAID): _HAS_PAYMENTS,
        (InvoiceAction.VOID, InvoiceStatus.PAID): _HAS_PAYMENTS,
    },
    words=lambda invoice: {
        "number": invoice.number, "status": invoice.get_status_display(), "paid": _rial(invoice.paid_amount),
    },
)


class SettlementAction(models.TextChoices):
    SETTLE = "settle", _("Settle")


SETTLEMENT_LIFECYCLE = NamedLifecycle(
    name="commission",
    actions=SettlementAction,
    code="settlement_state",
    steps={
        SettlementAction.SETTLE: Step(frozenset({SettlementStatus.CALCULATED}), SettlementStatus.SETTLED,
                                      WRITERS),
    },
    refusals={
        (SettlementAction.SETTLE, SettlementStatus.SETTLED): (
            _("This commission is already settled (reference %(reference)s)."), "settlement_state"),
    },
    words=lambda settlement: {"reference": settlement.reference},
)
