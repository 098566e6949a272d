"""Who the organization is, whom it serves, who serves with it, and in what."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel
from hamyar.core.validators import (
    validate_legal_national_id,
    validate_mobile,
    validate_postal_code,
    validate_sheba,
)

from .choices import AssetKind, MunicipalityKind, ProviderKind


class Organization(models.Model):
    """A provincial Municipalities Cooperation Organization: the tenant."""

    is_tenant = True  # scoping gives a user only its own organization

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    province = models.CharField(_("province"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(TenantModel):
    """A municipality the organization serves; `parent` links a metropolis district to its city."""

    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    search_name = models.CharField(max_length=150, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="districts",
        verbose_name=_("parent city"),
    )
    county = models.CharField(_("county"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MunicipalityKind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=120, blank=True)
    area_ha = models.DecimalField(
        _("area (hectares)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    scope_paths = {"municipality": "pk", "provider": None}

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="municipality_unique_name_per_org",
                violation_error_message=_("A municipality with this name already exists."),
            ),
            models.CheckConstraint(
                condition=Q(area_ha__isnull=True) | Q(area_ha__gt=0),
                name="municipality_area_positive",
                violation_error_message=_("The area must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=12),
                name="municipality_grade_range",
                violation_error_message=_("The grade must be between 1 and 12."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def residents_per_hectare(self):
        if self.population and self.area_ha:
            return round(self.population / float(self.area_ha), 1)
        return None


class MunicipalAsset(TenantModel):
    """A park, garden, mountain park, barren land, road… that a municipality manages."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="assets", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=150)
    search_name = models.CharField(max_length=150, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=AssetKind.choices)
    area_ha = models.DecimalField(
        _("area (hectares)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    scope_paths = {"municipality": "municipality", "provider": None}

    class Meta:
        verbose_name = _("municipal asset")
        verbose_name_plural = _("municipal assets")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="asset_unique_name_per_municipality",
                violation_error_message=_("This municipality already has an asset with this name."),
            ),
            models.CheckConstraint(
                condition=Q(area_ha__isnull=True) | Q(area_ha__gt=0), name="asset_area_positive",
                violation_error_message=_("The area must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceDomain(TenantModel):
    """A domain of service (green space, roads, urban furniture…), arranged as a tree."""

    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent domain"),
    )

    scope_paths = {"municipality": "*", "provider": "*"}

    class Meta:
        verbose_name = _("service domain")
        verbose_name_plural = _("service domains")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="domain_unique_code",
                violation_error_message=_("A service domain with this code already exists."),),
        ]

    def __str__(self) -> str:
        return self.name


class Provider(TenantModel):
    """Who serves the municipalities: a staff unit, an affiliated company, or a represented supplier."""

    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    legal_id = models.CharField(
        _("national legal ID"),
        max_length=11,
        blank=True,
        validators=[validate_legal_national_id],
        help_text=_("11 digits; empty for the organization's own staff units."),
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[validate_postal_code]
    )
    sheba = models.CharField(_("Sheba"), max_length=26, blank=True, validators=[validate_sheba])
    city = models.CharField(_("city"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The average of the municipalities' ratings (1-5), kept by the rating service so
    # search and matching can rank by it without aggregating every rating.
    rating = models.DecimalField(
        _("rating"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    # Kept with the rating: how many orders were rated, and the share delivered in full on time (0–1).
    rated_orders = models.PositiveIntegerField(_("rated orders"), default=0, editable=False)
    on_time_rate = models.DecimalField(
        _("on-time rate"), max_digits=4, decimal_places=3, null=True, blank=True, editable=False
    )

    scope_paths = {"municipality": "*", "provider": "pk"}

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="provider_unique_name_per_org",
                violation_error_message=_("A provider with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["organization", "legal_id"],
                condition=~Q(legal_id=""),
                name="provider_unique_legal_id_per_org",
                violation_error_message=_("A provider with this national legal ID already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Capability(TenantModel):
    """What a provider can do in a domain: level 1 (can try) to 5 (the best), and how much a month."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="capabilities", verbose_name=_("provider")
    )
    domain = models.ForeignKey(
        ServiceDomain,
        on_delete=models.PROTECT,
        related_name="capabilities",
        verbose_name=_("service domain"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    monthly_capacity = models.PositiveIntegerField(_("monthly capacity"))
    capacity_unit = models.CharField(_("capacity unit"), max_length=50, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    scope_paths = {"municipality": "*", "provider": "provider"}

    class Meta:
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        ordering = ["provider__name", "domain__code"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "domain"], name="capability_unique_pair",
                violation_error_message=_("This provider already has a capability in this domain."),),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="capability_level_range",
                violation_error_message=_("The level must be between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} — {self.domain} ({self.level})"


class AgencyAgreement(TenantModel):
    """The organization's agency (نمایندگی) for a supplier: validity, commission and domains."""

    supplier = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("supplier")
    )
    number = models.CharField(_("agreement number"), max_length=50)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    commission_percent = models.DecimalField(
        _("commission (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    domains = models.ManyToManyField(
        ServiceDomain, related_name="agreements", blank=True, verbose_name=_("domains")
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_paths = {"municipality": None, "provider": "supplier"}

    class Meta:
        verbose_name = _("agency agreement")
        verbose_name_plural = _("agency agreements")
        ordering = ["-ends_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="agreement_unique_number",
                violation_error_message=_("An agreement with this number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_ends_after_start",
                violation_error_message=_("The end date of the agreement must not be before its start date."),
            ),
            models.CheckConstraint(
                condition=Q(commission_percent__gte=0, commission_percent__lte=100),
                name="agreement_commission_range",
                violation_error_message=_("The commission must be between 0 and 100 percent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.supplier}"

    def is_valid_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day <= self.ends_on

    @property
    def is_expired(self) -> bool:
        return self.ends_on < timezone.localdate()
