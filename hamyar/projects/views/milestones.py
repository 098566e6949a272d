"""A project's milestones (planned, started, completed) and constraints, posted from the project page."""


from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page

from .. import selectors, services
from ..choices import OFFICERS, WORKERS
from ..forms import ConstraintForm, ConstraintUpdateForm, MilestoneForm
from ..models import Milestone, ProjectConstraint
from .detail import invalid_on_page, refused_on_page

# ---------------------------------------------------------------- milestones


@require_POST
@page(roles=OFFICERS, model=Milestone)
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return invalid_on_page(request, project, milestone_form=form, open_form="milestone")
    try:
        services.milestone_add(project=project, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return refused_on_page(request, pk, error, milestone_form=form, open_form="milestone")
    messages.success(request, _("The milestone was added."))
    return redirect("projects:project_detail", pk=pk)


@require_POST
@page(roles=OFFICERS, model=Milestone)
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    try:
        services.milestone_remove(milestone=milestone, acting_user=request.user)
    except ApplicationError as error:
        return refused_on_page(request, milestone.project_id, error)
    messages.success(request, _("The milestone was removed."))
    return redirect("projects:project_detail", pk=milestone.project_id)


@require_POST
@page(roles=WORKERS, model=Milestone)
def milestone_start(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    try:
        services.milestone_start(milestone=milestone, acting_user=request.user)
    except ApplicationError as error:
        return refused_on_page(request, milestone.project_id, error)
    messages.success(request, _("Work on the milestone has started."))
    return redirect("projects:project_detail", pk=milestone.project_id)


@require_POST
@page(roles=WORKERS, model=Milestone)
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    try:
        services.milestone_complete(milestone=milestone, acting_user=request.user)
    except ApplicationError as error:
        return refused_on_page(request, milestone.project_id, error)
    messages.success(request, _("The milestone is completed; a payment request for its amount was made."))
    return redirect("projects:project_detail", pk=milestone.project_id)


# ---------------------------------------------------------------- constraints


@require_POST
@page(roles=WORKERS, model=ProjectConstraint)
def constraint_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = ConstraintForm(request.POST, milestones=project.milestones.order_by("sequence"))
    if not form.is_valid():
        return invalid_on_page(request, project, constraint_form=form, open_form="constraint")
    try:
        services.constraint_add(project=project, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return refused_on_page(request, pk, error, constraint_form=form, open_form="constraint")
    messages.success(request, _("The constraint was recorded."))
    return redirect("projects:project_detail", pk=pk)


@require_POST
@page(roles=WORKERS, model=ProjectConstraint)
def constraint_update(request: HttpRequest, pk: int) -> HttpResponse:
    constraint = selectors.constraint_get(user=request.user, pk=pk)
    form = ConstraintUpdateForm(request.POST)
    if not form.is_valid():
        project = selectors.project_get(user=request.user, pk=constraint.project_id)
        return invalid_on_page(request, project, update_form=form, update_for=constraint.pk)
    try:
        services.constraint_update(constraint=constraint, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return refused_on_page(request, constraint.project_id, error, update_form=form,
                               update_for=constraint.pk)
    messages.success(request, _("The constraint was updated."))
    return redirect("projects:project_detail", pk=constraint.project_id)
