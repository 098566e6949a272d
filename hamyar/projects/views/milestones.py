"""A project's milestones (planned, started, completed) and constraints, posted from the project page.

Each view calls one service through `act_on_project`; the service decides who may and when.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.pages import page

from .. import selectors, services
from ..choices import MILESTONE_LIFECYCLE, OFFICERS, WORKERS, MilestoneAction
from ..forms import ConstraintForm, ConstraintUpdateForm, MilestoneForm
from ..models import Milestone, ProjectConstraint
from .detail import act_on_project, taking

# ---------------------------------------------------------------- milestones


@require_POST
@page(roles=OFFICERS, model=Milestone)
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = MilestoneForm(request.POST)
    return act_on_project(
        request, pk, lambda data: services.milestone_add(project=project, acting_user=request.user, **data),
        success=_("The milestone was added."), form=form, milestone_form=form, open_form="milestone")


@require_POST
@page(roles=OFFICERS, model=Milestone)
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    return act_on_project(
        request, milestone.project_id,
        lambda _data: services.milestone_remove(milestone=milestone, acting_user=request.user),
        success=_("The milestone was removed."))


@require_POST
@page(roles=taking(MILESTONE_LIFECYCLE, MilestoneAction.START), model=Milestone)
def milestone_start(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    return act_on_project(
        request, milestone.project_id,
        lambda _data: services.milestone_start(milestone=milestone, acting_user=request.user),
        success=_("Work on the milestone has started."))


@require_POST
@page(roles=taking(MILESTONE_LIFECYCLE, MilestoneAction.COMPLETE), model=Milestone)
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    return act_on_project(
        request, milestone.project_id,
        lambda _data: services.milestone_complete(milestone=milestone, acting_user=request.user),
        success=_("The milestone is completed; a payment request for its amount was made."))


# ---------------------------------------------------------------- constraints


@require_POST
@page(roles=WORKERS, model=ProjectConstraint)
def constraint_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = ConstraintForm(request.POST, milestones=project.milestones.order_by("sequence"))
    return act_on_project(
        request, pk, lambda data: services.constraint_add(project=project, acting_user=request.user, **data),
        success=_("The constraint was recorded."), form=form, constraint_form=form, open_form="constraint")


@require_POST
@page(roles=WORKERS, model=ProjectConstraint)
def constraint_update(request: HttpRequest, pk: int) -> HttpResponse:
    constraint = selectors.constraint_get(user=request.user, pk=pk)
    form = ConstraintUpdateForm(request.POST)
    return act_on_project(
        request, constraint.project_id,
        lambda data: services.constraint_update(constraint=constraint, acting_user=request.user, **data),
        success=_("The constraint was updated."), form=form, update_form=form, update_for=constraint.pk)
