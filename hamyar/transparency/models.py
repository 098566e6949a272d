"""What the organization publishes in the Open Contracting Data Standard, and the bulk files built of it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

from .choices import ExportStatus, ProcessKind


class PublicationPolicy(TenantModel):
    """What the organization publishes (OCDS): which kinds of process, and which service domains it withholds.

    A process is published when its kind is chosen here and neither its domain nor any parent of that
    domain is withheld. With no row, nothing is published: publishing is the organization's decision.
    """

    kinds = models.JSONField(_("published kinds of process"), default=list, blank=True)
    withheld_domains = models.ManyToManyField(
        "directory.ServiceDomain",
        related_name="+",
        blank=True,
        verbose_name=_("withheld service domains"),
    )

    class Meta:
        verbose_name = _("publication policy")
        verbose_name_plural = _("publication policies")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="publication_policy_one_per_org"),
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def publishes(self, kind: ProcessKind | str) -> bool:
        return str(kind) in self.kinds


class OcdsExport(TenantModel):
    """A bulk download of every published release of the organization, one JSON object a line (JSON lines).

    Built by a background task and served from storage; the newest ready one is the one offered.
    """

    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.BUILDING
    )
    file = models.FileField(_("file"), upload_to="transparency/ocds/", blank=True)
    releases = models.PositiveIntegerField(_("releases"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("OCDS bulk file")
        verbose_name_plural = _("OCDS bulk files")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="ready", finished_at__isnull=False) | ~Q(status="ready"),
                name="ocds_export_ready_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.created_at:%Y-%m-%d %H:%M}"
