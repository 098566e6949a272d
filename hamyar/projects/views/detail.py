"""The project page: its timeline, progress chart, constraints, reports and photos, change orders,
payment requests and history, and the buttons the user's role may press."""


from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi, gettext_lazy, pgettext_lazy

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page, place_service_error
from hamyar.core.roles import PROVIDER_ROLES, Role
from hamyar.core.scoping import membership_of

from .. import charts, progress, selectors
from ..choices import (
    CHANGEABLE,
    DECIDERS,
    FINISHED_STATUSES,
    OFFICERS,
    OPEN_PROJECT,
    PLANNABLE,
    RUNNING_STATUSES,
    SIGNERS,
    ChangeOrderStatus,
    ConstraintStatus,
    MilestoneStatus,
    ProjectStatus,
)
from ..forms import ChangeOrderForm, ConstraintForm, DecisionForm, DocumentForm, MilestoneForm, ReasonForm
from ..models import Milestone, Project

# The lifecycle's buttons: action → (service, roles, the states it starts from, needs a reason).
TRANSITIONS = {
    "contract": ("project_contract", OFFICERS, {ProjectStatus.PLANNING}, False),
    "start": ("project_start", OFFICERS, {ProjectStatus.CONTRACTED}, False),
    "suspend": ("project_suspend", OFFICERS, {ProjectStatus.IN_PROGRESS}, True),
    "resume": ("project_resume", OFFICERS, {ProjectStatus.SUSPENDED}, False),
    "complete": ("project_complete", OFFICERS, {ProjectStatus.IN_PROGRESS}, False),
    "hand-over": ("project_hand_over", SIGNERS, {ProjectStatus.COMPLETED}, False),
    "terminate": ("project_terminate", OFFICERS,
                  {ProjectStatus.PLANNING, ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS,
                   ProjectStatus.SUSPENDED}, True),
}
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


def user_role(request: HttpRequest) -> Role:
    return Role(membership_of(request.user).role)


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
    role = user_role(request)
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
    actions = []
    for action, (_service, roles, states, needs_reason) in TRANSITIONS.items():
        if role in roles and status in states:
            actions.append({"name": action, "needs_reason": needs_reason})
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


def refused_on_page(request: HttpRequest, pk: int, error: ApplicationError, **extra) -> HttpResponse:
    """The project again with the service's message, at its status; 403/404 go to the page decorator.

    Bad input goes on the form that sent it; a refused state (409) is shown above the project.
    """
    placed = place_service_error(error, (value for value in extra.values() if isinstance(value, Form)))
    project = selectors.project_get(user=request.user, pk=pk)
    context = project_context(request, project, error=None if placed else error, **extra)
    return render(request, "projects/project_detail.html", context, status=error.status)


def invalid_on_page(request: HttpRequest, project: Project, **extra) -> HttpResponse:
    context = project_context(request, project, **extra)
    return render(request, "projects/project_detail.html", context, status=422)
