from django.db import models
from django.utils.translation import gettext_lazy as _

from hamyar.core.lifecycle import Lifecycle, Step
from hamyar.core.roles import Role


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


# Needs an assigned provider is still working on: its open load, and the provider's work queue.
IN_HAND_STATUSES = frozenset({NeedStatus.ASSIGNED, NeedStatus.QUOTED, NeedStatus.APPROVED})


class Transition(models.TextChoices):
    """The need's transitions: each is one service function, `need_<value>`."""

    SUBMIT = "submit", _("Submit")
    TRIAGE = "triage", _("Triage")
    ASSIGN = "assign", _("Assign")
    REQUEST_COMPETING = "request_competing", _("Ask for competing quotations")
    REJECT = "reject", _("Reject")
    CANCEL = "cancel", _("Cancel")
    MARK_GAP = "mark_gap", _("Mark as a capability gap")


# Who may take each step (besides seeing the need): officers act for the organization, a municipality
# user for its own municipality, and an officer may also write a need on a municipality's behalf.
OFFICERS = frozenset({Role.ORG_ADMIN, Role.COMMERCE_OFFICER})
AUTHORS = frozenset({Role.MUNICIPALITY_USER, *OFFICERS})

# The need's lifecycle: each action's states it may start from, the state it leads to, who may take it.
# Any other move is refused (409). Quoted / approved / fulfilled are driven by commerce
# (need_record_commerce_step). A draft is the municipality's own until it is submitted: it cancels it,
# an officer cannot reject it. Asking for competing quotations from an assigned need adds competitors
# and keeps it assigned.
NEED_LIFECYCLE = Lifecycle(
    name="need", actions=Transition, code="need_state",
    message=_("The need is “%(status)s”; “%(action)s” is not allowed now."),
    steps={
        Transition.SUBMIT: Step(frozenset({NeedStatus.DRAFT}), NeedStatus.SUBMITTED, AUTHORS),
        Transition.TRIAGE: Step(frozenset({NeedStatus.SUBMITTED}), NeedStatus.TRIAGED, OFFICERS),
        Transition.ASSIGN: Step(frozenset({NeedStatus.TRIAGED}), NeedStatus.ASSIGNED, OFFICERS),
        Transition.REQUEST_COMPETING: Step(frozenset({NeedStatus.TRIAGED, NeedStatus.ASSIGNED}),
                                           NeedStatus.ASSIGNED, OFFICERS),
        Transition.REJECT: Step(
            frozenset({NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.ASSIGNED, NeedStatus.QUOTED}),
            NeedStatus.REJECTED, OFFICERS),
        Transition.CANCEL: Step(OPEN_STATUSES, NeedStatus.CANCELLED, frozenset({Role.MUNICIPALITY_USER})),
        Transition.MARK_GAP: Step(frozenset({NeedStatus.TRIAGED}), NeedStatus.REJECTED, OFFICERS),
    },
)
