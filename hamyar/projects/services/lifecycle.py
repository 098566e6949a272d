"""The project's lifecycle, one function per action of `choices.PROJECT_LIFECYCLE`.

Each takes its step through `hamyar.core.lifecycle.transition`: the project in the actor's scope and
locked (404), the actor's role (403), the current state (409); the body does only the step's own work
(its checks, its stamps, who is told), and one AuditEvent "project.<action>" is written. A refusal
writes nothing.
"""

from contextlib import AbstractContextManager
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import Move, transition
from hamyar.needs.choices import NeedStatus
from hamyar.needs.services import need_record_commerce_step

from .. import progress
from ..choices import PROJECT_LIFECYCLE, MilestoneStatus, ProjectAction
from ..models import Milestone, Project
from .common import HUNDRED, clean_reason, managers, municipality_users, officers, tell

__all__ = [
    "project_complete",
    "project_contract",
    "project_hand_over",
    "project_resume",
    "project_start",
    "project_suspend",
    "project_terminate",
]


def _step(project: Project, action: ProjectAction, acting_user: User) -> AbstractContextManager[Move]:
    return transition(PROJECT_LIFECYCLE, project, action, acting_user=acting_user)


def _weights_complete(project: Project) -> None:
    total = Milestone.objects.filter(project=project).aggregate(w=Sum("weight"))["w"] or Decimal(0)
    if total != HUNDRED:
        raise ApplicationError(
            _("The milestones' weights add up to %(total)s%%; they must add up to 100%% first.")
            % {"total": progress.two_places(total)}, code="weights_incomplete")


def _tell_site(project: Project, subject: str, body: str = "") -> None:
    """The executing provider's project managers and the municipality hear of the step."""
    tell(project, [*managers(project), *municipality_users(project)], subject, body=body)


def project_contract(*, project: Project, acting_user: User) -> Project:
    """Planning → contracted: the milestones' weights add up to 100 and their amounts fit the contract."""
    with _step(project, ProjectAction.CONTRACT, acting_user) as move:
        locked = move.obj
        _weights_complete(locked)
        locked.contracted_at = timezone.now()
        _tell_site(locked, _("Project %(number)s was contracted.") % {"number": locked.number})
    return locked


def project_start(*, project: Project, acting_user: User) -> Project:
    """Contracted → in progress."""
    with _step(project, ProjectAction.START, acting_user) as move:
        locked = move.obj
        _weights_complete(locked)
        locked.started_at = timezone.now()
        _tell_site(locked, _("Work on project %(number)s has started.") % {"number": locked.number})
    return locked


def project_suspend(*, project: Project, acting_user: User, reason: str) -> Project:
    """In progress → suspended, with the reason everyone reads."""
    with _step(project, ProjectAction.SUSPEND, acting_user) as move:
        locked = move.obj
        locked.reason = clean_reason(reason)
        _tell_site(locked, _("Project %(number)s was suspended.") % {"number": locked.number}, locked.reason)
    return locked


def project_resume(*, project: Project, acting_user: User) -> Project:
    """Suspended → in progress."""
    with _step(project, ProjectAction.RESUME, acting_user) as move:
        locked = move.obj
        locked.reason = ""
        _tell_site(locked, _("Work on project %(number)s has resumed.") % {"number": locked.number})
    return locked


def project_complete(*, project: Project, acting_user: User) -> Project:
    """In progress → completed, once every milestone is completed; the municipality is asked to sign off."""
    with _step(project, ProjectAction.COMPLETE, acting_user) as move:
        locked = move.obj
        milestones = Milestone.objects.filter(project=locked)
        first_open = milestones.exclude(status=MilestoneStatus.COMPLETED).order_by("sequence").first()
        if first_open is not None or not milestones.exists():
            raise ApplicationError(
                _("Milestone “%(milestone)s” is not completed yet.") % {"milestone": first_open.title}
                if first_open else _("The project has no milestones."), code="milestones_open")
        locked.completed_at = timezone.now()
        tell(locked, municipality_users(locked),
             _("Project %(number)s is completed and waits for your sign-off.") % {"number": locked.number})
    return locked


def project_hand_over(*, project: Project, acting_user: User) -> Project:
    """Completed → handed over: a user of the project's municipality signs it off; its need is fulfilled."""
    with transaction.atomic():
        with _step(project, ProjectAction.HAND_OVER, acting_user) as move:
            locked = move.obj
            locked.handed_over_at = timezone.now()
            locked.handed_over_by = acting_user
            tell(locked, [*officers(locked), *managers(locked)],
                 _("Project %(number)s was handed over to %(municipality)s.")
                 % {"number": locked.number, "municipality": locked.municipality.name})
        # After the project's own event, in the same transaction: the need it came from is fulfilled.
        if locked.need_id and locked.need.status == NeedStatus.APPROVED:
            need_record_commerce_step(need=locked.need, status=NeedStatus.FULFILLED, acting_user=acting_user)
    return locked


def project_terminate(*, project: Project, acting_user: User, reason: str) -> Project:
    """Any running state → terminated, with the reason."""
    with _step(project, ProjectAction.TERMINATE, acting_user) as move:
        locked = move.obj
        locked.reason = clean_reason(reason)
        _tell_site(locked, _("Project %(number)s was terminated.") % {"number": locked.number}, locked.reason)
    return locked
