"""A municipality's needs, their lines and attachments, the providers they are given to, service levels."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

from .choices import AssignmentKind, NeedKind, NeedStatus

# Providers reach a need through an assignment (the assigned one, or one asked to compete).
PROVIDER_PATH = "assignments__provider"


class Need(TenantModel):
    """What a municipality asks for: goods (catalog lines), a service or a project, with its clocks."""

    # Not a field: the clock past its target (an sla.Clock, which this module cannot name without a
    # cycle), set by need_triage_queue on the needs of its list.
    overdue_clock: object | None = None

    municipality = models.ForeignKey(
        "directory.Municipality", on_delete=models.PROTECT, related_name="needs",
        verbose_name=_("municipality"),
    )
    number = models.CharField(_("number"), max_length=20, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=NeedKind.choices)
    domain = models.ForeignKey(
        "directory.ServiceDomain", on_delete=models.PROTECT, related_name="needs",
        verbose_name=_("service domain"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    site = models.ForeignKey(
        "directory.MunicipalAsset", on_delete=models.PROTECT, null=True, blank=True, related_name="needs",
        verbose_name=_("site"),
    )
    budget_estimate = models.BigIntegerField(_("budget estimate (Rial)"), null=True, blank=True)
    desired_date = models.DateField(_("desired date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.DRAFT, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was rejected or cancelled."))
    # The provider the need is given to (kept with the active primary assignment).
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="needs",
        verbose_name=_("assigned provider"),
    )
    # No provider could serve it when it was matched: counted for management by domain.
    is_capability_gap = models.BooleanField(_("capability gap"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    # The clocks: each stamped once, by the transition that stops or starts it.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_quoted_at = models.DateTimeField(_("first quoted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    scope_paths = {"municipality": "municipality", "provider": PROVIDER_PATH}

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="need_unique_number"),
            models.CheckConstraint(
                condition=Q(budget_estimate__isnull=True) | Q(budget_estimate__gte=0),
                name="need_budget_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="need_org_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class NeedLine(TenantModel):
    """One line of a goods need: a catalog item (or a described thing) and a quantity."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="lines", verbose_name=_("need"))
    item = models.ForeignKey(
        "catalog.CatalogItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("catalog item"),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit of measure"), max_length=10)

    scope_paths = {"municipality": "need__municipality", "provider": f"need__{PROVIDER_PATH}"}

    class Meta:
        verbose_name = _("need line")
        verbose_name_plural = _("need lines")
        ordering = ["need_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=10_000_000), name="need_line_quantity_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description or self.item} × {self.quantity}"


class NeedAttachment(TenantModel):
    """A file attached to a need; stored under a random name, served only through a scoped view."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("need")
    )
    file = models.FileField(_("file"), upload_to="needs/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )

    scope_paths = {"municipality": "need__municipality", "provider": f"need__{PROVIDER_PATH}"}

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Assignment(TenantModel):
    """A need given to a provider, with the ranking that chose it (score broken down per factor)."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("need")
    )
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="assignments",
        verbose_name=_("provider"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AssignmentKind.choices)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    # {"factor": {"value": ..., "points": ...}, ...} as shown to the officer when assigning.
    breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )

    scope_paths = {"municipality": None, "provider": "provider"}

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["need_id", "rank", "pk"]
        constraints = [
            # One row per provider and need: a provider reaches a need once (scoping relies on it).
            models.UniqueConstraint(fields=["need", "provider"], name="assignment_unique_provider"),
            # At most one active primary assignment: two officers assigning at once cannot both win.
            models.UniqueConstraint(
                fields=["need"], condition=Q(kind="primary", is_active=True),
                name="assignment_one_active_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.provider}"


class ServiceLevel(TenantModel):
    """Targets of a service domain (sub-domains without their own inherit the nearest parent's)."""

    domain = models.ForeignKey(
        "directory.ServiceDomain", on_delete=models.PROTECT, related_name="service_levels",
        verbose_name=_("service domain"),
    )
    triage_hours = models.PositiveIntegerField(_("hours to triage"))
    first_quotation_hours = models.PositiveIntegerField(_("hours to first quotation"))
    delivery_days = models.PositiveIntegerField(_("days to delivery"))

    scope_paths = {"municipality": "*", "provider": "*"}

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["domain__name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "domain"], name="service_level_one_per_domain"),
            models.CheckConstraint(
                condition=Q(triage_hours__gte=1) & Q(first_quotation_hours__gte=1) & Q(delivery_days__gte=1),
                name="service_level_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.domain)
