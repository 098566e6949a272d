from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessKind(models.TextChoices):
    """The kinds of contracting process the organization may publish, each chosen on its own."""

    GOODS = "goods", _("Goods needs")
    SERVICES = "services", _("Service needs")
    WORKS = "works", _("Projects (works)")
    GROUP_PURCHASE = "group_purchase", _("Group purchases")


class ExportStatus(models.TextChoices):
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
