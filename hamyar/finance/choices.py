from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


# Invoices that count in a municipality's balance (a draft is not owed yet; a void never was).
OWED_STATUSES = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID})


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer (Satna/Paya)")
    CHEQUE = "cheque", _("Cheque")
    TREASURY = "treasury", _("Treasury allocation")
    OTHER = "other", _("Other")


class SettlementStatus(models.TextChoices):
    CALCULATED = "calculated", _("Calculated")
    SETTLED = "settled", _("Settled")
