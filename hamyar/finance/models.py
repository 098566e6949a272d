"""Billing: invoices from received deliveries and completed milestones, payments, supplier commissions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

from .choices import InvoiceStatus, PaymentMethod, SettlementStatus

_USER = settings.AUTH_USER_MODEL


class Invoice(TenantModel):
    """A bill to a municipality for one received delivery or one completed milestone (never twice)."""

    number = models.CharField(_("number"), max_length=24, editable=False)
    municipality = models.ForeignKey(
        "directory.Municipality", on_delete=models.PROTECT, related_name="invoices",
        verbose_name=_("municipality"),
    )
    # Who delivered or carried out what is billed (commissions are computed from suppliers' sales).
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("provider")
    )
    delivery = models.ForeignKey(
        "commerce.Delivery", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices",
        verbose_name=_("delivery"),
    )
    payment_request = models.ForeignKey(
        "projects.PaymentRequest", on_delete=models.PROTECT, null=True, blank=True,
        related_name="invoices", verbose_name=_("payment request"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, db_index=True
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    subtotal = models.BigIntegerField(_("subtotal (Rial)"))
    vat_percent = models.DecimalField(_("VAT (%)"), max_digits=5, decimal_places=2)
    vat_amount = models.BigIntegerField(_("VAT (Rial)"))
    total = models.BigIntegerField(_("total (Rial)"))
    # Kept by the payment service: the sum of this invoice's payments.
    paid_amount = models.BigIntegerField(_("paid (Rial)"), default=0)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    scope_paths = {"municipality": "municipality", "provider": None}

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="invoice_unique_number"),
            # Never billed twice: one live (not void) invoice per delivery and per payment request.
            models.UniqueConstraint(
                fields=["delivery"], condition=Q(delivery__isnull=False) & ~Q(status="void"),
                name="invoice_one_live_per_delivery",
            ),
            models.UniqueConstraint(
                fields=["payment_request"], condition=Q(payment_request__isnull=False) & ~Q(status="void"),
                name="invoice_one_live_per_payment_request",
            ),
            models.CheckConstraint(
                condition=Q(delivery__isnull=True) | Q(payment_request__isnull=True),
                name="invoice_one_source",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(vat_amount__gte=0) & Q(total__gte=0),
                name="invoice_amounts_not_negative",
            ),
            # Over-payment is refused: what is paid never exceeds the total.
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("total")),
                name="invoice_paid_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self) -> int:
        return self.total - self.paid_amount


class InvoiceLine(TenantModel):
    """A billed line: what was received (or the milestone), quantity, unit price, amount."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines",
                                verbose_name=_("invoice"))
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit of measure"), max_length=10, blank=True)
    unit_price = models.BigIntegerField(_("unit price (Rial)"))
    amount = models.BigIntegerField(_("amount (Rial)"))

    scope_paths = {"municipality": "invoice__municipality", "provider": None}

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(unit_price__gte=0) & Q(amount__gte=0),
                name="invoice_line_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def unit_label(self) -> str:
        """The unit as people read it (عدد, not piece); the code as written when it is no catalog unit."""
        from hamyar.commerce.models import unit_label

        return unit_label(self.unit) if self.unit else ""


class Payment(TenantModel):
    """Money received against one invoice; its reference is unique in the organization."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("invoice"))
    amount = models.BigIntegerField(_("amount (Rial)"))
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference number"), max_length=40)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices,
                              default=PaymentMethod.TRANSFER)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    scope_paths = {"municipality": "invoice__municipality", "provider": None}

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "reference"], name="payment_unique_reference"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.reference


class CommissionSettlement(TenantModel):
    """The commission on a represented supplier's invoiced sales in a period, and its settlement."""

    agreement = models.ForeignKey(
        "directory.AgencyAgreement", on_delete=models.PROTECT, related_name="settlements",
        verbose_name=_("agency agreement"),
    )
    supplier = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="settlements", verbose_name=_("supplier")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    sales_total = models.BigIntegerField(_("sales (Rial, before VAT)"))
    commission_percent = models.DecimalField(_("commission (%)"), max_digits=5, decimal_places=2)
    commission_amount = models.BigIntegerField(_("commission (Rial)"))
    invoice_count = models.PositiveIntegerField(_("invoices"))
    status = models.CharField(_("status"), max_length=12, choices=SettlementStatus.choices,
                              default=SettlementStatus.CALCULATED)
    reference = models.CharField(_("settlement reference"), max_length=40, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    calculated_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("calculated by"))
    settled_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("settled by"))

    scope_paths = {"municipality": None, "provider": "supplier"}

    class Meta:
        verbose_name = _("commission settlement")
        verbose_name_plural = _("commission settlements")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period_start", "period_end"],
                                    name="settlement_unique_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="settlement_period_sane"
            ),
            models.CheckConstraint(
                condition=Q(sales_total__gte=0) & Q(commission_amount__gte=0), name="settlement_amounts_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.period_start}–{self.period_end}"
