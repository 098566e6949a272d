"""Quotations and their approval chain, orders, deliveries, receipts and ratings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

from .choices import DeliveryStatus, OrderStatus, QuotationStatus

# A provider reaches what was given to it; a municipality what was offered to it.
NEED_MUNICIPALITY = "need__municipality"


class CommercePolicy(TenantModel):
    """An organization's approval thresholds (Rial) and quotation defaults; one row per organization."""

    deputy_approval_above = models.BigIntegerField(
        _("commerce deputy approves quotations above (Rial)"), default=5_000_000_000
    )
    mayor_approval_above = models.BigIntegerField(
        _("the mayor approves after the clerk above (Rial)"), default=10_000_000_000
    )
    quotation_validity_days = models.PositiveSmallIntegerField(_("quotation validity (days)"), default=15)

    scope_paths = {"municipality": "*", "provider": "*"}

    class Meta:
        verbose_name = _("commerce policy")
        verbose_name_plural = _("commerce policies")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="commerce_policy_one_per_org"),
            models.CheckConstraint(
                condition=Q(deputy_approval_above__gte=0) & Q(mayor_approval_above__gte=0),
                name="commerce_policy_thresholds_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)


class Quotation(TenantModel):
    """A priced offer for a need by one provider; a new revision supersedes the earlier one."""

    need = models.ForeignKey(
        "needs.Need", on_delete=models.PROTECT, related_name="quotations", verbose_name=_("need")
    )
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="quotations", verbose_name=_("provider")
    )
    number = models.CharField(_("number"), max_length=24, editable=False)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=QuotationStatus.choices, default=QuotationStatus.DRAFT,
        db_index=True,
    )
    is_competing = models.BooleanField(_("competing quotation"), default=False)
    # The agency agreement in force when priced, when the provider is a represented supplier:
    # the municipality is told it buys through the organization's agency.
    agreement = models.ForeignKey(
        "directory.AgencyAgreement", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("agency agreement"),
    )
    valid_until = models.DateField(_("valid until"))
    # Days from the order to delivery, as the provider promises (compared side by side when competing).
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), null=True, blank=True)
    vat_percent = models.DecimalField(_("VAT (%)"), max_digits=5, decimal_places=2)
    subtotal = models.BigIntegerField(_("subtotal (Rial)"), default=0)
    vat_amount = models.BigIntegerField(_("VAT (Rial)"), default=0)
    total = models.BigIntegerField(_("total (Rial)"), default=0)
    note = models.TextField(_("note"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Each step of the approval chain, stamped by whoever took it.
    deputy_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by the commerce deputy"),
    )
    deputy_approved_at = models.DateTimeField(_("deputy approved at"), null=True, blank=True)
    clerk_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by the municipality"),
    )
    clerk_approved_at = models.DateTimeField(_("municipality approved at"), null=True, blank=True)
    mayor_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by the mayor"),
    )
    mayor_approved_at = models.DateTimeField(_("mayor approved at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Why it was rejected, or (for a competing quotation) why it was chosen over the others.
    reason = models.TextField(_("reason"), blank=True)
    # A competing quotation: why the officer chose it (kept when the municipality later rejects it).
    choice_reason = models.TextField(_("reason for the choice"), blank=True)

    scope_paths = {"municipality": NEED_MUNICIPALITY, "provider": "provider"}

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="quotation_unique_number"),
            models.UniqueConstraint(
                fields=["need", "provider", "revision"], name="quotation_unique_revision"
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(vat_amount__gte=0) & Q(total__gte=0),
                name="quotation_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(lead_time_days__isnull=True) | Q(lead_time_days__lte=3650),
                name="quotation_lead_time_sane",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="quotation_org_status_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def needs_mayor(self) -> bool:
        """Whether the municipality's chain has a second step (kept on the row by the services)."""
        return self.status == QuotationStatus.AWAITING_MAYOR or self.mayor_approved_by_id is not None


class QuotationLine(TenantModel):
    """A priced line; a price that differs from the valid price list carries its reason."""

    quotation = models.ForeignKey(
        Quotation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quotation")
    )
    # The need's line it prices: competing quotations are compared line by line through it.
    need_line = models.ForeignKey(
        "needs.NeedLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("need line"),
    )
    item = models.ForeignKey(
        "catalog.CatalogItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("catalog item"),
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit of measure"), max_length=10)
    list_price = models.BigIntegerField(_("price-list unit price (Rial)"), null=True, blank=True)
    unit_price = models.BigIntegerField(_("unit price (Rial)"))
    price_reason = models.CharField(_("reason for the price"), max_length=300, blank=True)
    amount = models.BigIntegerField(_("amount (Rial)"))

    scope_paths = {"municipality": f"quotation__{NEED_MUNICIPALITY}", "provider": "quotation__provider"}

    class Meta:
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        ordering = ["quotation_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(unit_price__gte=0) & Q(amount__gte=0),
                name="quotation_line_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)


def unit_label(code: str) -> str:
    """A unit of measure as people read it (the catalog's units), or the code as written."""
    from hamyar.catalog.choices import Unit

    try:
        return str(Unit(code).label)
    except ValueError:
        return code


class Order(TenantModel):
    """What an approved quotation becomes: one order per quotation, lines delivered and received."""

    quotation = models.OneToOneField(
        Quotation, on_delete=models.PROTECT, related_name="order", verbose_name=_("quotation")
    )
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, related_name="orders",
                             verbose_name=_("need"))
    municipality = models.ForeignKey(
        "directory.Municipality", on_delete=models.PROTECT, related_name="orders",
        verbose_name=_("municipality"),
    )
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="orders", verbose_name=_("provider")
    )
    number = models.CharField(_("number"), max_length=24, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True
    )
    total = models.BigIntegerField(_("total (Rial)"))
    due_date = models.DateField(_("delivery due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    scope_paths = {"municipality": "municipality", "provider": "provider"}

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="order_unique_number"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(TenantModel):
    """An ordered quantity; delivered and received quantities are kept by the delivery services."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    quotation_line = models.OneToOneField(
        QuotationLine, on_delete=models.PROTECT, related_name="order_line", verbose_name=_("quotation line")
    )
    item = models.ForeignKey(
        "catalog.CatalogItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("catalog item"),
    )
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit of measure"), max_length=10)
    quantity = models.PositiveIntegerField(_("quantity ordered"))
    unit_price = models.BigIntegerField(_("unit price (Rial)"))
    # Delivered and awaiting receipt or received; a rejected delivery gives its quantity back.
    delivered_quantity = models.PositiveIntegerField(_("quantity delivered"), default=0)
    received_quantity = models.PositiveIntegerField(_("quantity received"), default=0)

    scope_paths = {"municipality": "order__municipality", "provider": "order__provider"}

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "pk"]
        constraints = [
            # Never more delivered than ordered, never more received than delivered (DB-enforced too).
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=models.F("quantity"))
                & Q(received_quantity__lte=models.F("delivered_quantity")),
                name="order_line_quantities_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"


class Delivery(TenantModel):
    """A (partial) delivery recorded by the provider; the municipality receives or rejects it."""

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("order")
    )
    number = models.CharField(_("number"), max_length=24, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.AWAITING_RECEIPT,
        db_index=True,
    )
    delivered_on = models.DateField(_("delivered on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    scope_paths = {"municipality": "order__municipality", "provider": "order__provider"}

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="delivery_unique_number"),
        ]

    def __str__(self) -> str:
        return self.number


class DeliveryLine(TenantModel):
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="lines", verbose_name=_("delivery")
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="delivery_lines", verbose_name=_("order line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    scope_paths = {"municipality": "delivery__order__municipality", "provider": "delivery__order__provider"}

    class Meta:
        verbose_name = _("delivery line")
        verbose_name_plural = _("delivery lines")
        ordering = ["delivery_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "order_line"], name="delivery_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="delivery_line_positive"),
        ]


class Receipt(TenantModel):
    """The municipality's answer to one delivery: received, or rejected with a reason (once)."""

    delivery = models.OneToOneField(
        Delivery, on_delete=models.PROTECT, related_name="receipt", verbose_name=_("delivery")
    )
    accepted = models.BooleanField(_("received"))
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    scope_paths = {"municipality": "delivery__order__municipality", "provider": "delivery__order__provider"}

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted=True) | ~Q(reason=""), name="receipt_rejection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery} ({'✓' if self.accepted else '✗'})"


class Rating(TenantModel):
    """The municipality's 1–5 score and comment on a closed order; it feeds the provider's scorecard."""

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="rating", verbose_name=_("order")
    )
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="ratings", verbose_name=_("provider")
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    # Delivered in full by the order's due date (kept for the on-time rate used in matching).
    on_time = models.BooleanField(_("on time"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("rated by")
    )

    scope_paths = {"municipality": "order__municipality", "provider": "provider"}

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"),
        ]
        # A provider's latest ratings (its scorecard) without sorting all of them.
        indexes = [models.Index(fields=["provider", "-created_at"], name="rating_provider_latest")]

    def __str__(self) -> str:
        return f"{self.order}: {self.score}"


from .complaint_models import Complaint, ComplaintAttachment  # noqa: E402
from .group_models import GroupPurchase, GroupPurchaseItem, Participant, ParticipantLine  # noqa: E402

__all__ = [
    "CommercePolicy", "Complaint", "ComplaintAttachment", "Delivery", "DeliveryLine", "GroupPurchase",
    "GroupPurchaseItem", "Order",
    "OrderLine", "Participant", "ParticipantLine", "Quotation", "QuotationLine", "Rating", "Receipt",
    "unit_label",
]
