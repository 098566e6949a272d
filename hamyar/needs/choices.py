from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")
    PROJECT = "project", _("Project")


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    QUOTED = "quoted", _("Quoted")
    APPROVED = "approved", _("Approved")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# A need still waiting for someone: it may be rejected, or cancelled by its municipality.
OPEN_STATUSES = frozenset(
    {NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.ASSIGNED, NeedStatus.QUOTED}
)
CLOSED_STATUSES = frozenset({NeedStatus.FULFILLED, NeedStatus.REJECTED, NeedStatus.CANCELLED})


class AssignmentKind(models.TextChoices):
    PRIMARY = "primary", _("Assigned provider")
    COMPETING = "competing", _("Asked for a competing quotation")
