from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamyar.core.lifecycle import Lifecycle, Step
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


def _from(*states: str) -> frozenset[str]:
    return frozenset(states)


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    CONTRACTED = "contracted", _("Contracted")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")  # the history's step has its own context
    COMPLETED = "completed", _("Completed")
    HANDED_OVER = "handed_over", _("Handed over")
    TERMINATED = "terminated", _("Terminated")


class ProjectAction(models.TextChoices):
    """The project's lifecycle steps: each is one service function, `project_<value>`."""

    CONTRACT = "contract", _("Contract")
    START = "start", _("Start")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    COMPLETE = "complete", _("Complete")
    HAND_OVER = "hand_over", _("Sign off the handover")
    TERMINATE = "terminate", _("Terminate")


# planning → contracted → in progress ⇄ suspended → completed → handed over; or terminated. Officers run
# the contract; the project's municipality signs off the handover. Any other move is refused (409).
PROJECT_LIFECYCLE = Lifecycle(
    name="project", actions=ProjectAction, code="project_state",
    message=_("The project is “%(status)s”; “%(action)s” is not allowed now."),
    steps={
        ProjectAction.CONTRACT: Step(_from(ProjectStatus.PLANNING), ProjectStatus.CONTRACTED, OFFICERS),
        ProjectAction.START: Step(_from(ProjectStatus.CONTRACTED), ProjectStatus.IN_PROGRESS, OFFICERS),
        ProjectAction.SUSPEND: Step(_from(ProjectStatus.IN_PROGRESS), ProjectStatus.SUSPENDED, OFFICERS),
        ProjectAction.RESUME: Step(_from(ProjectStatus.SUSPENDED), ProjectStatus.IN_PROGRESS, OFFICERS),
        ProjectAction.COMPLETE: Step(_from(ProjectStatus.IN_PROGRESS), ProjectStatus.COMPLETED, OFFICERS),
        ProjectAction.HAND_OVER: Step(_from(ProjectStatus.COMPLETED), ProjectStatus.HANDED_OVER, SIGNERS),
        ProjectAction.TERMINATE: Step(
            _from(ProjectStatus.PLANNING, ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS,
                  ProjectStatus.SUSPENDED), ProjectStatus.TERMINATED, OFFICERS),
    },
)
# The steps that need a written reason (it stays on the project's record).
REASONED_ACTIONS = frozenset({ProjectAction.SUSPEND, ProjectAction.TERMINATE})

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


class MilestoneAction(models.TextChoices):
    """A milestone's steps: each is one service function, `milestone_<value>`."""

    START = "start", _("Start the milestone")
    COMPLETE = "complete", _("Complete the milestone")


# Not started → in progress → completed (asking to be paid), by the executing provider's project manager
# or an officer, while the project is in progress and no constraint blocks the milestone.
MILESTONE_LIFECYCLE = Lifecycle(
    name="milestone", actions=MilestoneAction, code="milestone_state",
    message=_("The milestone is “%(status)s”; “%(action)s” is not allowed now."),
    steps={
        MilestoneAction.START: Step(_from(MilestoneStatus.PENDING), MilestoneStatus.IN_PROGRESS, WORKERS),
        MilestoneAction.COMPLETE: Step(_from(MilestoneStatus.IN_PROGRESS), MilestoneStatus.COMPLETED,
                                       WORKERS),
    },
)


class ChangeOrderStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeOrderAction(models.TextChoices):
    """A change order's decisions: each is one service function, `change_order_<value>`."""

    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


# A proposed change order is decided once, by an officer or an executive (beyond ±25% only an executive).
CHANGE_ORDER_LIFECYCLE = Lifecycle(
    name="change_order", actions=ChangeOrderAction, code="change_order_state",
    message=_("The change order is “%(status)s”; it was already decided."),
    steps={
        ChangeOrderAction.APPROVE: Step(_from(ChangeOrderStatus.PROPOSED), ChangeOrderStatus.APPROVED,
                                        DECIDERS),
        ChangeOrderAction.REJECT: Step(_from(ChangeOrderStatus.PROPOSED), ChangeOrderStatus.REJECTED,
                                       DECIDERS),
    },
)


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
