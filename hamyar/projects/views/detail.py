"""The project page: its timeline, progress chart, constraints, reports and photos, change orders,
payment requests and history, and the buttons the user's role may press."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi, gettext_lazy, pgettext_lazy

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.lifecycle import Lifecycle
from hamyar.core.pages import page, page_action
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.scoping import membership_of, role_of

from .. import charts, progress, selectors
from ..choices import (
    CHANGEABLE,
    DECIDERS,
    FINISHED_STATUSES,
    OFFICERS,
    OPEN_PROJECT,
    PLANNABLE,
    PROJECT_LIFECYCLE,
    REASONED_ACTIONS,
    RUNNING_STATUSES,
    ChangeOrderStatus,
    ConstraintStatus,
    MilestoneStatus,
    ProjectStatus,
)
from ..forms import ChangeOrderForm, ConstraintForm, DecisionForm, DocumentForm, MilestoneForm, ReasonForm
from ..models import Milestone, Project

# The history's words for the services' audit actions.
HISTORY_LABELS = {
    "project.create": gettext_lazy("Project created"),
    "project.update": gettext_lazy("Project changed"),
    "project.contract": gettext_lazy("Contract signed"),
    "project.start": gettext_lazy("Work started"),
    "project.suspend": pgettext_lazy("project history", "Suspended"),
    "project.resume": gettext_lazy("Resumed"),
    "project.complete": gettext_lazy("Completed"),
    "project.hand_over": gettext_lazy("Handover signed off"),
    "project.terminate": gettext_lazy("Terminated"),
    "milestone.add": gettext_lazy("Milestone added"),
    "milestone.update": gettext_lazy("Milestone changed"),
    "milestone.remove": gettext_lazy("Milestone removed"),
    "milestone.start": gettext_lazy("Milestone started"),
    "milestone.complete": gettext_lazy("Milestone completed, payment requested"),
    "constraint.add": gettext_lazy("Constraint recorded"),
    "constraint.update": gettext_lazy("Constraint updated"),
    "progress_report.create": gettext_lazy("Progress report filed"),
    "change_order.propose": gettext_lazy("Change order proposed"),
    "change_order.approve": gettext_lazy("Change order approved"),
    "change_order.reject": gettext_lazy("Change order rejected"),
    "project_document.add": gettext_lazy("Document added"),
    "project_document.remove": gettext_lazy("Document removed"),
    # Finance's steps on a milestone's payment request.
    "payment_request.invoice": gettext_lazy("Payment request invoiced"),
    "payment_request.reopen": gettext_lazy("Invoice voided, payment request open again"),
}
# A step another app records that has no label here yet: never the audit code on the page.
OTHER_STEP = gettext_lazy("Recorded step")


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


# ---------------------------------------------------------------- the project page


def _progress_figures(project: Project, milestones: list[Milestone], reports: list) -> dict:
    """Planned vs actual today, the schedule variance, and the chart's series (from progress.py)."""
    today = timezone.localdate()
    # A finished project is measured on the day it finished, not today.
    stamp = project.completed_at if project.status in FINISHED_STATUSES else None
    if project.status == ProjectStatus.TERMINATED:
        stamp = project.updated_at
    on = min(today, timezone.localtime(stamp).date()) if stamp else today
    planned_today = progress.planned_progress(milestones, on)
    ordered = sorted(reports, key=lambda r: (r.reported_on, r.pk))
    actual = [(r.reported_on, r.physical_progress) for r in ordered]
    planned = progress.planned_curve(project, milestones)
    return {
        "planned_today": planned_today,
        "measured_on": on if on != today else None,
        "variance_today": progress.schedule_variance(project.physical_progress, planned_today),
        "chart": charts.progress_chart(start=project.start_date, end=project.end_date, planned=planned,
                                       actual=actual, rtl=get_language_bidi(), persian=_persian(),
                                       today=today),
        "report_rows": [(r, planned_at, progress.schedule_variance(r.physical_progress, planned_at))
                        for r in reports
                        for planned_at in [progress.planned_progress(milestones, r.reported_on)]],
    }


def project_context(request: HttpRequest, project: Project, **extra) -> dict:
    role = role_of(request.user)
    user = request.user
    milestones = selectors.milestone_list(project=project)
    constraints = selectors.constraint_list(project=project)
    reports = selectors.report_list(project=project)
    change_orders = selectors.change_order_list(project=project)
    blocking = [c for c in constraints if c.status == ConstraintStatus.BLOCKING]
    whole_blocked = any(c.milestone_id is None for c in blocking)
    blocked_ids = frozenset(m.pk for m in milestones if whole_blocked) | frozenset(
        c.milestone_id for c in blocking if c.milestone_id)
    status = project.status
    is_executor = role in PROVIDER_ROLES and membership_of(user).provider_id == project.provider_id
    can_report = (role in OFFICERS or (role == Role.PROJECT_MANAGER and is_executor)) \
        and status == ProjectStatus.IN_PROGRESS
    actions = [{"name": slug(action), "needs_reason": action in REASONED_ACTIONS}
               for action in PROJECT_LIFECYCLE.allowed_actions(status, role)]
    context = {
        "project": project,
        "milestones": milestones,
        "constraints": constraints,
        "blocking": blocking,
        "blocked_ids": blocked_ids,
        "reports": reports,
        "change_orders": change_orders,
        "payment_requests": list(selectors.payment_request_list(user=user, project=project)),
        "repr_types": ("projects.milestone", "projects.projectconstraint", "projects.projectdocument"),
        "history": [(event, HISTORY_LABELS.get(event.action, OTHER_STEP))
                    for event in selectors.project_history(project=project)],
        "timeline": charts.timeline(project, milestones, rtl=get_language_bidi(), persian=_persian(),
                                    blocked_ids=blocked_ids),
        "approved_change": selectors.approved_change_total(project=project),
        "weight_total": sum((m.weight for m in milestones), 0),
        "actions": actions,
        "role": role,
        "is_running": status in RUNNING_STATUSES,
        "can_edit": role in OFFICERS and status == ProjectStatus.PLANNING,
        "can_edit_milestones": role in OFFICERS and status in PLANNABLE,
        "can_work_milestones": (role in OFFICERS or (role == Role.PROJECT_MANAGER and is_executor))
        and status == ProjectStatus.IN_PROGRESS,
        "can_report": can_report,
        "can_constrain": (role in OFFICERS or (role == Role.PROJECT_MANAGER and is_executor))
        and status in OPEN_PROJECT,
        "can_propose_change": (role in OFFICERS or (role == Role.PROJECT_MANAGER and is_executor))
        and status in CHANGEABLE,
        "can_decide_change": role in DECIDERS,
        "is_executive": role == Role.EXECUTIVE,
        "documents": selectors.document_list(project=project),
        "can_add_document": (role in OFFICERS or (role == Role.PROJECT_MANAGER and is_executor))
        and status in OPEN_PROJECT,
        "can_remove_document": role in OFFICERS and status in OPEN_PROJECT,
        "document_form": extra.pop("document_form", None) or DocumentForm(),
        "proposed_status": ChangeOrderStatus.PROPOSED,
        "completed_status": MilestoneStatus.COMPLETED,
        "milestone_form": extra.pop("milestone_form", None) or MilestoneForm(),
        "reason_form": extra.pop("reason_form", None) or ReasonForm(),
        "constraint_form": extra.pop("constraint_form", None) or ConstraintForm(
            milestones=project.milestones.order_by("sequence")),
        "change_form": extra.pop("change_form", None) or ChangeOrderForm(),
        "decision_form": extra.pop("decision_form", None) or DecisionForm(),
        "constraint_statuses": ConstraintStatus.choices,
        **_progress_figures(project, milestones, reports),
        **extra,
    }
    return context


@page(roles=ALL_ROLES, model=Project)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    return render(request, "projects/project_detail.html", project_context(request, project))


def taking(lifecycle: Lifecycle, action: str | None = None) -> frozenset[Role]:
    """Who may POST a step's route: the roles its lifecycle step declares (of any step, for a route that
    takes them all); the service still checks the step itself."""
    steps = [lifecycle.step(action)] if action else list(lifecycle.steps.values())
    return frozenset().union(*(step.roles for step in steps))


def slug(action: str) -> str:
    """An action's part of its route: `hand_over` is POSTed to `…/hand-over/`."""
    return action.replace("_", "-")


def act_on_project(request: HttpRequest, pk: int, act: Callable[[dict[str, Any]], object], *,
                   success: str | Callable[[Any], str], form: Form | None = None, **shown: Any
                   ) -> HttpResponse:
    """POST one action from the project's page, through `page_action`.

    `act` gets the form's cleaned data and calls one service. Done: back to the page, saying `success`
    (or what `success` makes of the service's answer). Refused: the page again at the refusal's status,
    bad input on the form that sent it, anything else above the project; 403 and 404 go to the page
    decorator. An invalid form is refused the same way (422) without calling the service, its own
    errors saying why. `shown` goes to the page's context (the form under its name, which one is open).
    """
    valid = form is None or form.is_valid()

    def attempt() -> None:
        if not valid:
            raise InvalidInput()
        answer = act(form.cleaned_data if form is not None else {})
        messages.success(request, success(answer) if callable(success) else success)

    def show(error: ApplicationError | None) -> HttpResponse:
        project = selectors.project_get(user=request.user, pk=pk)
        context = project_context(request, project, error=error if valid else None, **shown)
        return render(request, "projects/project_detail.html", context)

    return page_action(request, attempt, redirect_to=reverse("projects:project_detail", args=[pk]),
                       show=show, forms=[form] if form is not None and valid else [])


def submit_form(request: HttpRequest, form: Form, act: Callable[[dict[str, Any]], object], *, template: str,
                context: dict[str, Any], redirect_to: str, success: str) -> HttpResponse:
    """POST a form page (a project's correction, a progress report) through `page_action`: done, go to
    `redirect_to`; refused, the form again at the refusal's status with the message on it."""
    valid = form.is_valid()

    def attempt() -> None:
        if not valid:
            raise InvalidInput()
        act(form.cleaned_data)

    def show(error: ApplicationError | None) -> HttpResponse:
        if error is not None and valid:
            form.add_error(None, str(error.message))
        return render(request, template, context)

    return page_action(request, attempt, redirect_to=redirect_to, show=show, success=success,
                       forms=[form] if valid else [])
