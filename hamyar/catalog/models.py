"""What providers offer the municipalities, and at what price over time."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

from .choices import ImportStatus, PriceListSource, Unit


class CatalogItem(TenantModel):
    """A good or service a provider offers, in one service domain."""

    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="items", verbose_name=_("provider")
    )
    domain = models.ForeignKey(
        "directory.ServiceDomain",
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("service domain"),
    )
    code = models.CharField(_("item code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit of measure"), max_length=10, choices=Unit.choices)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=0)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    in_stock = models.BooleanField(_("in stock"), default=True)
    # The base-tier price of the currently valid price list, kept by price_list_publish and a
    # daily refresh, so price filters and sorting need no join over the whole history.
    current_price = models.BigIntegerField(_("current price (Rial)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Normalized name, and name + description + attributes + provider + domain, for search.
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    search_text = models.TextField(editable=False, default="")

    scope_paths = {"municipality": "*", "provider": "provider"}

    class Meta:
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="item_unique_code_per_provider"),
            models.CheckConstraint(condition=Q(lead_time_days__lte=3650), name="item_lead_time_sane"),
        ]

    def __str__(self) -> str:
        return self.name


class PriceList(TenantModel):
    """A provider's prices from a date; a newer list supersedes, an old one is never edited."""

    provider = models.ForeignKey(
        "directory.Provider",
        on_delete=models.PROTECT,
        related_name="price_lists",
        verbose_name=_("provider"),
    )
    title = models.CharField(_("title"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=PriceListSource.choices, default=PriceListSource.MANUAL
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )

    scope_paths = {"municipality": "*", "provider": "provider"}

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="price_list_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Price(TenantModel):
    """The unit price of an item in a price list from a minimum quantity (a tier); Rial, integer."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.PROTECT, related_name="prices", verbose_name=_("price list")
    )
    item = models.ForeignKey(
        CatalogItem, on_delete=models.PROTECT, related_name="prices", verbose_name=_("item")
    )
    min_quantity = models.PositiveIntegerField(_("from quantity"), default=1)
    unit_price = models.BigIntegerField(_("unit price (Rial)"))

    scope_paths = {"municipality": "*", "provider": "item__provider"}

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["item_id", "min_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "item", "min_quantity"], name="price_unique_tier"
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="price_not_negative"),
            models.CheckConstraint(condition=Q(min_quantity__gte=1), name="price_tier_from_one"),
        ]
        indexes = [models.Index(fields=["item", "price_list"], name="price_item_list_idx")]

    def __str__(self) -> str:
        return f"{self.item} ≥ {self.min_quantity}: {self.unit_price}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A price is never edited in place: publish a new price list.")
        super().save(*args, **kwargs)


class PriceImport(TenantModel):
    """An uploaded price sheet: checked row by row, applied as a new price list only when all is valid."""

    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="price_imports",
        verbose_name=_("provider"),
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to="price-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    title = models.CharField(_("price list title"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    price_list = models.OneToOneField(
        PriceList, on_delete=models.PROTECT, null=True, blank=True, related_name="source_import",
        verbose_name=_("price list"),
    )

    scope_paths = {"municipality": None, "provider": "provider"}

    class Meta:
        verbose_name = _("price sheet import")
        verbose_name_plural = _("price sheet imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class SearchSynonym(TenantModel):
    """Spellings a clerk may type for the same thing («ال ای دی», «LED»): a term and its equivalents.

    Applied on write (an item's search text also holds the equivalents of the terms it
    contains) and on search (a query's term also finds its equivalents). `keys` are the
    term and equivalents as the search compares them (search_key without spaces), kept
    by the services; a key belongs to one synonym of an organization at most.
    """

    term = models.CharField(_("term"), max_length=60)
    equivalents = models.JSONField(_("equivalents"), default=list)
    term_key = models.CharField(max_length=60, editable=False)
    keys = models.JSONField(default=list, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["term_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "term_key"], name="synonym_unique_term"),
        ]

    def __str__(self) -> str:
        return f"{self.term} = {'، '.join(self.equivalents)}"
