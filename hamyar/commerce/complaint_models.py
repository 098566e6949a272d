"""Complaints: a municipality or a supplier objects to a process (a need and what followed it); the
organization owes an answer within its response target, by an officer who owns the complaint."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

from .choices import ComplaintStatus, ComplaintTopic


class Complaint(TenantModel):
    """A complaint about a process: who filed it, what it is about, its owner, clock and answer."""

    number = models.CharField(_("number"), max_length=24, editable=False)
    # The process: the need, and when the complaint is about a later step, its order (or group share's
    # order) or quotation.
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, related_name="complaints",
                             verbose_name=_("need"))
    quotation = models.ForeignKey("commerce.Quotation", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="complaints", verbose_name=_("quotation"))
    order = models.ForeignKey("commerce.Order", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="complaints", verbose_name=_("order"))
    topic = models.CharField(_("about"), max_length=12, choices=ComplaintTopic.choices,
                             default=ComplaintTopic.OTHER)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    # The complainant: a municipality (its users read and act on it) or a supplier; exactly one.
    municipality = models.ForeignKey("directory.Municipality", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="complaints",
                                     verbose_name=_("complaining municipality"))
    complainant_provider = models.ForeignKey("directory.Provider", on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="complaints_filed",
                                             verbose_name=_("complaining supplier"))
    # The provider complained about, taken from the process when a municipality files (the provider
    # scorecards count these); none when a supplier files about the organization or a municipality.
    provider = models.ForeignKey("directory.Provider", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="complaints", verbose_name=_("provider complained about"))
    # The provider whose users read the complaint: the complaining supplier from the start; the provider
    # complained about once an answer is on record (never while the organization is looking into it).
    shown_to_provider = models.ForeignKey("directory.Provider", on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+", verbose_name=_("shown to provider"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("filed by"))
    status = models.CharField(_("status"), max_length=12, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.FILED, db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    # The clock: an answer is due by `due_at` (filed, or reopened, plus the response target in days).
    filed_at = models.DateTimeField(_("filed at"))
    due_at = models.DateTimeField(_("answer due by"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("answered by"))
    answer = models.TextField(_("answer"), blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("why it was reopened"), blank=True)
    closed_at = models.DateTimeField(_("closed or withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("why it was withdrawn"), blank=True)

    scope_paths = {"municipality": "municipality", "provider": "shown_to_provider"}

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="complaint_unique_number"),
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False) & Q(complainant_provider__isnull=True))
                | (Q(municipality__isnull=True) & Q(complainant_provider__isnull=False)),
                name="complaint_one_complainant"),
            models.CheckConstraint(condition=Q(due_at__gte=models.F("filed_at")),
                                   name="complaint_due_after_filing"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="complaint_org_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class ComplaintAttachment(TenantModel):
    """A file the complainant attached to its complaint; stored under a random name, served scoped."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments",
                                  verbose_name=_("complaint"))
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))

    scope_paths = {"municipality": "complaint__municipality", "provider": "complaint__shown_to_provider"}

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["complaint_id", "pk"]

    def __str__(self) -> str:
        return self.original_name
