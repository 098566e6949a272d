from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamyar.core.roles import Role
from hamyar.directory.choices import ProviderKind

# Who does what. Officers run the contract; the executing provider's project manager reports the
# work; the municipality signs off the handover; executives decide change orders beyond the limit.
OFFICERS = frozenset({Role.ORG_ADMIN, Role.COMMERCE_OFFICER})
WORKERS = OFFICERS | {Role.PROJECT_MANAGER}
DECIDERS = OFFICERS | {Role.EXECUTIVE}
SIGNERS = frozenset({Role.MUNICIPALITY_USER})
# Who may carry out a project: the organization's staff units and affiliated companies.
EXECUTING_KINDS = frozenset({ProviderKind.STAFF_UNIT, ProviderKind.AFFILIATE})
# The total of approved amount changes stays within ±25% of the contract amount.
CHANGE_LIMIT_PERCENT = 25


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    CONTRACTED = "contracted", _("Contracted")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")  # the history's step has its own context
    COMPLETED = "completed", _("Completed")
    HANDED_OVER = "handed_over", _("Handed over")
    TERMINATED = "terminated", _("Terminated")


# The lifecycle: planning → contracted → in progress ⇄ suspended → completed → handed over; or terminated.
TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.PLANNING: frozenset({ProjectStatus.CONTRACTED, ProjectStatus.TERMINATED}),
    ProjectStatus.CONTRACTED: frozenset({ProjectStatus.IN_PROGRESS, ProjectStatus.TERMINATED}),
    ProjectStatus.IN_PROGRESS: frozenset(
        {ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED, ProjectStatus.TERMINATED}
    ),
    ProjectStatus.SUSPENDED: frozenset({ProjectStatus.IN_PROGRESS, ProjectStatus.TERMINATED}),
    ProjectStatus.COMPLETED: frozenset({ProjectStatus.HANDED_OVER}),
    ProjectStatus.HANDED_OVER: frozenset(),
    ProjectStatus.TERMINATED: frozenset(),
}

# Projects still being carried out: they can be late.
RUNNING_STATUSES = frozenset({ProjectStatus.PLANNING, ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS,
                              ProjectStatus.SUSPENDED})
# Where milestones may still be planned (weights, amounts, dates).
PLANNABLE = frozenset({ProjectStatus.PLANNING, ProjectStatus.CONTRACTED})
# Where a change order may be proposed or decided.
CHANGEABLE = frozenset({ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS, ProjectStatus.SUSPENDED})
# Where constraints and documents may still be recorded and changed: from planning to completed. A
# handed-over or terminated project's record is closed.
OPEN_PROJECT = RUNNING_STATUSES | {ProjectStatus.COMPLETED}
FINISHED_STATUSES = frozenset({ProjectStatus.COMPLETED, ProjectStatus.HANDED_OVER, ProjectStatus.TERMINATED})


class ConstraintKind(models.TextChoices):
    LEGAL_PERMIT = "legal_permit", _("Legal permit")
    URBAN_PLANNING = "urban_planning", _("Urban planning approval")
    TRAFFIC = "traffic", _("Traffic")
    ENVIRONMENTAL = "environmental", _("Environmental")
    HERITAGE = "heritage", _("Cultural heritage")
    LAND_OWNERSHIP = "land_ownership", _("Land ownership")


class ConstraintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    BLOCKING = "blocking", _("Blocking")


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class ChangeOrderStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PaymentRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


class DocumentKind(models.TextChoices):
    # A context of their own: "Contract" is also the lifecycle's step (signing the contract).
    CONTRACT = "contract", pgettext_lazy("document kind", "Contract")
    PERMIT = "permit", pgettext_lazy("document kind", "Permit")
    DRAWING = "drawing", pgettext_lazy("document kind", "Drawing")
    MINUTES = "minutes", pgettext_lazy("document kind", "Minutes")
    OTHER = "other", pgettext_lazy("document kind", "Other")
