"""Urban-management projects: contract, site, constraints, milestones, progress, change orders, payments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

from .choices import (
    ChangeOrderStatus,
    ConstraintKind,
    ConstraintStatus,
    DocumentKind,
    MilestoneStatus,
    PaymentRequestStatus,
    ProjectStatus,
)

_USER = settings.AUTH_USER_MODEL


class Project(TenantModel):
    """A contract carried out for a municipality by a staff unit or affiliated company, at one site."""

    number = models.CharField(_("number"), max_length=24, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    municipality = models.ForeignKey(
        "directory.Municipality", on_delete=models.PROTECT, related_name="projects",
        verbose_name=_("municipality"),
    )
    site = models.ForeignKey(
        "directory.MunicipalAsset", on_delete=models.PROTECT, null=True, blank=True,
        related_name="projects", verbose_name=_("site"),
    )
    domain = models.ForeignKey(
        "directory.ServiceDomain", on_delete=models.PROTECT, related_name="projects",
        verbose_name=_("service domain"),
    )
    # The approved project need it came from, if any (one project per need).
    need = models.OneToOneField(
        "needs.Need", on_delete=models.PROTECT, null=True, blank=True, related_name="project",
        verbose_name=_("need"),
    )
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="projects",
        verbose_name=_("executing provider"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING,
        db_index=True,
    )
    # The amount signed; the amount in force adds the approved change orders.
    contract_amount = models.BigIntegerField(_("contract amount (Rial)"))
    current_amount = models.BigIntegerField(_("amount in force (Rial)"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # Weighted physical progress in percent, kept by the progress-report service.
    physical_progress = models.DecimalField(
        _("physical progress (%)"), max_digits=5, decimal_places=2, default=0
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was suspended or terminated."))
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    contracted_at = models.DateTimeField(_("contracted at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("signed off by"),
    )

    scope_paths = {"municipality": "municipality", "provider": "provider"}

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="project_unique_number"),
            models.CheckConstraint(
                condition=Q(contract_amount__gte=0) & Q(current_amount__gte=0),
                name="project_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="project_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(physical_progress__gte=0) & Q(physical_progress__lte=100),
                name="project_progress_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Milestone(TenantModel):
    """A stage of a project with its weight in the physical progress, its amount and due date."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    sequence = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    # Percent of the project's physical progress; a project's weights add up to 100.
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    amount = models.BigIntegerField(_("amount (Rial)"))
    planned_start = models.DateField(_("planned start"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    # The latest reported physical percent of this milestone.
    percent = models.DecimalField(_("physical progress (%)"), max_digits=5, decimal_places=2, default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    scope_paths = {"municipality": "project__municipality", "provider": "project__provider"}

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project_id", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sequence"], name="milestone_unique_sequence"),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="milestone_weight_sane"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="milestone_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="milestone_percent_sane"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("planned_start")), name="milestone_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectConstraint(TenantModel):
    """A legal or urban obstacle of a project; a blocking one stops its milestone (or the whole project)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="constraints", verbose_name=_("project")
    )
    # The milestone it holds up; none means every milestone of the project.
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="constraints",
        verbose_name=_("affected milestone"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ConstraintKind.choices)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=ConstraintStatus.choices, default=ConstraintStatus.OPEN,
        db_index=True,
    )
    owner = models.CharField(_("owner"), max_length=150, help_text=_("Who is resolving it."))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    scope_paths = {"municipality": "project__municipality", "provider": "project__provider"}

    class Meta:
        verbose_name = _("project constraint")
        verbose_name_plural = _("project constraints")
        ordering = ["project_id", "status", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(TenantModel):
    """A dated report of physical progress per milestone, with notes and photos."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project")
    )
    reported_on = models.DateField(_("report date"))
    notes = models.TextField(_("notes"), blank=True)
    # The project's weighted physical progress as of this report.
    physical_progress = models.DecimalField(_("physical progress (%)"), max_digits=5, decimal_places=2)
    reported_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))

    scope_paths = {"municipality": "project__municipality", "provider": "project__provider"}

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project_id", "reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.reported_on}"


class ProgressEntry(TenantModel):
    """One milestone's physical percent in a report."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="entries", verbose_name=_("report")
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="entries", verbose_name=_("milestone")
    )
    percent = models.DecimalField(_("physical progress (%)"), max_digits=5, decimal_places=2)

    scope_paths = {"municipality": "report__project__municipality", "provider": "report__project__provider"}

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["report_id", "milestone__sequence"]
        constraints = [
            models.UniqueConstraint(fields=["report", "milestone"], name="progress_entry_unique"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="progress_entry_0_100"
            ),
        ]


class ProgressPhoto(TenantModel):
    """A site photo of a report: the checked image and its resized thumbnail, served through a scoped view."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    image = models.ImageField(_("photo"), upload_to="projects/photos/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="projects/thumbs/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size (bytes)"))

    scope_paths = {"municipality": "report__project__municipality", "provider": "report__project__provider"}

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["report_id", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ChangeOrder(TenantModel):
    """A change to the contract's scope, amount or end date, with its reason and approval (الحاقیه)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="change_orders", verbose_name=_("project")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    description = models.TextField(_("scope change"), blank=True)
    amount_change = models.BigIntegerField(_("amount change (Rial)"), default=0)
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeOrderStatus.choices, default=ChangeOrderStatus.PROPOSED
    )
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # Approved by an executive beyond the ±25% limit of total change; the reason is on record.
    beyond_limit = models.BooleanField(_("approved beyond ±25%"), default=False)

    scope_paths = {"municipality": "project__municipality", "provider": "project__provider"}

    class Meta:
        verbose_name = _("change order")
        verbose_name_plural = _("change orders")
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="change_order_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number}/{self.number}"


class PaymentRequest(TenantModel):
    """What a completed milestone asks to be paid; the finance app turns it into an invoice."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="payment_requests", verbose_name=_("project")
    )
    milestone = models.OneToOneField(
        Milestone, on_delete=models.PROTECT, related_name="payment_request", verbose_name=_("milestone")
    )
    amount = models.BigIntegerField(_("amount (Rial)"))
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentRequestStatus.choices,
        default=PaymentRequestStatus.REQUESTED,
    )

    scope_paths = {"municipality": "project__municipality", "provider": "project__provider"}

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_request_amount_sane")]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.amount}"


class ProjectDocument(TenantModel):
    """A file of the project's record (contract, permit, drawing, minutes); stored under a random name and
    served only through a scoped view."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="projects/documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))

    scope_paths = {"municipality": "project__municipality", "provider": "project__provider"}

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["project_id", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
