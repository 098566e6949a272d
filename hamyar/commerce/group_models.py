"""Group purchases: one supplier order pooled from the same need of many municipalities, one share each.

The pool's price is the supplier's tier for the pooled quantity (its price list in force); each
municipality's share gets its own quotation and order at that price, so deliveries, receipts and
invoices follow as for any order.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

from .choices import GroupPurchaseStatus, ParticipantStatus


class GroupPurchase(TenantModel):
    """A window in which invited municipalities pool their quantities of one item (or a set)."""

    number = models.CharField(_("number"), max_length=24, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="group_purchases",
        verbose_name=_("supplier"),
    )
    # In force for the whole window: the organization buys as the supplier's agent.
    agreement = models.ForeignKey(
        "directory.AgencyAgreement", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("agency agreement"),
    )
    price_list = models.ForeignKey(
        "catalog.PriceList", on_delete=models.PROTECT, related_name="+", verbose_name=_("price list"),
    )
    domain = models.ForeignKey(
        "directory.ServiceDomain", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("service domain"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    minimum_quantity = models.PositiveIntegerField(_("minimum pooled quantity"))
    # The tier the officer aims for: a "from quantity" of the price list.
    target_quantity = models.PositiveIntegerField(_("target tier (from quantity)"))
    max_per_municipality = models.PositiveIntegerField(_("most one municipality may ask for"), null=True,
                                                       blank=True)
    # What suggests the need to a municipality without an open one (either, both or neither).
    per_thousand_residents = models.DecimalField(
        _("suggested units per 1,000 residents"), max_digits=8, decimal_places=2, null=True, blank=True)
    per_hectare = models.DecimalField(
        _("suggested units per hectare"), max_digits=8, decimal_places=2, null=True, blank=True)
    asset_kind = models.CharField(_("of assets of kind"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=GroupPurchaseStatus.choices,
                              default=GroupPurchaseStatus.OPEN, db_index=True)
    vat_percent = models.DecimalField(_("VAT (%)"), max_digits=5, decimal_places=2)
    # Fixed at close: the pooled quantity and the supplier order.
    pooled_quantity = models.PositiveIntegerField(_("pooled quantity"), default=0)
    order_number = models.CharField(_("supplier order number"), max_length=24, blank=True)
    subtotal = models.BigIntegerField(_("subtotal (Rial)"), default=0)
    vat_amount = models.BigIntegerField(_("VAT (Rial)"), default=0)
    total = models.BigIntegerField(_("supplier order total (Rial)"), default=0)
    alone_subtotal = models.BigIntegerField(_("what each would have paid alone (Rial)"), default=0)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    # An invited municipality reads its pool (one participant row each: no duplicates); the supplier its own.
    scope_paths = {"municipality": "participants__municipality", "provider": "provider"}

    class Meta:
        verbose_name = _("group purchase")
        verbose_name_plural = _("group purchases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="group_purchase_unique_number"),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                   name="group_purchase_window_ordered"),
            models.CheckConstraint(
                condition=Q(minimum_quantity__gte=1) & Q(target_quantity__gte=1)
                & (Q(max_per_municipality__isnull=True) | Q(max_per_municipality__gte=1))
                & Q(subtotal__gte=0) & Q(vat_amount__gte=0) & Q(total__gte=0),
                name="group_purchase_amounts_sane"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def saving(self) -> int:
        return self.alone_subtotal - self.subtotal if self.subtotal else 0


class GroupPurchaseItem(TenantModel):
    """One of the interchangeable items of a pool; its price is fixed at close."""

    group_purchase = models.ForeignKey(GroupPurchase, on_delete=models.CASCADE, related_name="items",
                                       verbose_name=_("group purchase"))
    item = models.ForeignKey("catalog.CatalogItem", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("catalog item"))
    quantity = models.PositiveIntegerField(_("pooled quantity"), default=0)
    unit_price = models.BigIntegerField(_("pooled unit price (Rial)"), null=True, blank=True)

    scope_paths = {"municipality": "group_purchase__participants__municipality",
                   "provider": "group_purchase__provider"}

    class Meta:
        verbose_name = _("group purchase item")
        verbose_name_plural = _("group purchase items")
        ordering = ["group_purchase_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group_purchase", "item"], name="group_purchase_item_unique"),
        ]

    def __str__(self) -> str:
        return str(self.item_id)


class Participant(TenantModel):
    """A municipality's place in a pool: invited (and why), its quantities, and at close its share."""

    group_purchase = models.ForeignKey(GroupPurchase, on_delete=models.CASCADE, related_name="participants",
                                       verbose_name=_("group purchase"))
    municipality = models.ForeignKey("directory.Municipality", on_delete=models.PROTECT,
                                     related_name="group_participations", verbose_name=_("municipality"))
    status = models.CharField(_("status"), max_length=12, choices=ParticipantStatus.choices,
                              default=ParticipantStatus.INVITED, db_index=True)
    invitation_reason = models.CharField(_("why invited"), max_length=300)
    suggested_quantity = models.PositiveIntegerField(_("suggested quantity"), null=True, blank=True)
    # The need the quantities come from: an open need of its own, or one made for the share at joining.
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="group_participations", verbose_name=_("need"))
    need_made_here = models.BooleanField(_("need made for the share"), default=False)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    # Below the minimum: when it chose to wait for an extended window.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    # The share, fixed at allocation.
    order = models.OneToOneField("commerce.Order", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="group_share", verbose_name=_("order"))
    subtotal = models.BigIntegerField(_("share at the pooled price (Rial)"), default=0)
    vat_amount = models.BigIntegerField(_("VAT (Rial)"), default=0)
    total = models.BigIntegerField(_("total (Rial)"), default=0)
    alone_subtotal = models.BigIntegerField(_("at its own tier (Rial)"), default=0)

    scope_paths = {"municipality": "municipality", "provider": "group_purchase__provider"}

    class Meta:
        verbose_name = _("group purchase participant")
        verbose_name_plural = _("group purchase participants")
        ordering = ["group_purchase_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group_purchase", "municipality"],
                                    name="participant_one_per_municipality"),
            models.CheckConstraint(condition=Q(subtotal__gte=0) & Q(vat_amount__gte=0) & Q(total__gte=0),
                                   name="participant_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.group_purchase_id}/{self.municipality_id}"

    @property
    def saving(self) -> int:
        return self.alone_subtotal - self.subtotal if self.subtotal else 0


class ParticipantLine(TenantModel):
    """A quantity of one item of the pool; from a need line when the municipality had one."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="lines",
                                    verbose_name=_("participant"))
    item = models.ForeignKey("catalog.CatalogItem", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("catalog item"))
    need_line = models.ForeignKey("needs.NeedLine", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("need line"))
    quantity = models.PositiveIntegerField(_("quantity"))

    scope_paths = {"municipality": "participant__municipality",
                   "provider": "participant__group_purchase__provider"}

    class Meta:
        verbose_name = _("participant line")
        verbose_name_plural = _("participant lines")
        ordering = ["participant_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "item"], name="participant_line_unique_item"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="participant_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"
