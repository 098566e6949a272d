"""Project pages: the portfolio (officers and executives), a municipality's own projects, a provider's
work; the project page with its timeline, progress chart, constraints, reports and photos, change
orders, payment requests and history; and the actions each role may take.

Every view reads through a scoped selector and writes through one service. A refused action shows
the project again with the service's message at the service's status (409, 422), writing nothing;
an object outside the user's scope is 404, a wrong role 403.
"""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.pages import page, place_service_error, render_list
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES, Role
from hamyar.core.scoping import membership_of
from hamyar.core.text import parse_id
from hamyar.directory import selectors as directory
from hamyar.directory.choices import ProviderKind

from . import charts, progress, selectors, services
from .choices import ChangeOrderStatus, ConstraintStatus, MilestoneStatus, ProjectStatus
from .forms import (
    ChangeOrderForm,
    ConstraintForm,
    ConstraintUpdateForm,
    DecisionForm,
    DocumentForm,
    MilestoneForm,
    ProgressReportForm,
    ProjectFilterForm,
    ProjectForm,
    ReasonForm,
)
from .models import ChangeOrder, Milestone, ProgressPhoto, Project, ProjectConstraint, ProjectDocument

PROJECT_READERS = ALL_ROLES
# Who runs a project: creates it, sets its milestones, contracts, starts, suspends, completes it.
RUNNERS = frozenset(services.OFFICERS)
# Who reports progress and completes milestones: the executing provider's project manager, or an officer.
REPORTERS = frozenset(services.WORKERS)
CONSTRAINT_EDITORS = REPORTERS
CHANGE_PROPOSERS = REPORTERS
CHANGE_DECIDERS = frozenset(services.DECIDERS)
# Who files documents (officers, the executing provider's project manager) and who removes them.
DOCUMENT_UPLOADERS = REPORTERS
DOCUMENT_REMOVERS = RUNNERS
# Who signs off the handover: the municipality's own user.
SIGNERS = frozenset(services.SIGNERS)

# The lifecycle's buttons: action → (service, roles, the states it starts from, needs a reason).
TRANSITIONS = {
    "contract": ("project_contract", RUNNERS, {ProjectStatus.PLANNING}, False),
    "start": ("project_start", RUNNERS, {ProjectStatus.CONTRACTED}, False),
    "suspend": ("project_suspend", RUNNERS, {ProjectStatus.IN_PROGRESS}, True),
    "resume": ("project_resume", RUNNERS, {ProjectStatus.SUSPENDED}, False),
    "complete": ("project_complete", RUNNERS, {ProjectStatus.IN_PROGRESS}, False),
    "hand-over": ("project_hand_over", SIGNERS, {ProjectStatus.COMPLETED}, False),
    "terminate": ("project_terminate", RUNNERS,
                  {ProjectStatus.PLANNING, ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS,
                   ProjectStatus.SUSPENDED}, True),
}
DONE_MESSAGES = {
    "contract": gettext_lazy("The contract is signed: the project is contracted."),
    "start": gettext_lazy("The project has started."),
    "suspend": gettext_lazy("The project is suspended."),
    "resume": gettext_lazy("The project is running again."),
    "complete": gettext_lazy("The project is completed; the municipality is asked to sign off the handover."),
    "hand-over": gettext_lazy("The handover is signed off: the project is handed over to the municipality."),
    "terminate": gettext_lazy("The project is terminated."),
}
FINISHED_STATUSES = {ProjectStatus.COMPLETED, ProjectStatus.HANDED_OVER, ProjectStatus.TERMINATED}
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
# Milestones may be added, changed or removed while the contract is not running yet.
MILESTONE_EDIT_STATUSES = {ProjectStatus.PLANNING, ProjectStatus.CONTRACTED}
CONSTRAINT_STATUSES = {ProjectStatus.PLANNING, ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS,
                       ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED}
CHANGE_STATUSES = {ProjectStatus.CONTRACTED, ProjectStatus.IN_PROGRESS, ProjectStatus.SUSPENDED}


def _role(request: HttpRequest) -> Role:
    return Role(membership_of(request.user).role)


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


# ---------------------------------------------------------------- the lists


@page(roles=PROJECT_READERS, model=Project)
def project_list(request: HttpRequest) -> HttpResponse:
    """The portfolio for officers and executives, a municipality's own projects, a provider's work."""
    user = request.user
    role = _role(request)
    is_officer = role in ORGANIZATION_WIDE_ROLES
    form = ProjectFilterForm(
        request.GET,
        municipalities=directory.municipality_list(user=user).select_related("parent")
        if role not in MUNICIPALITY_ROLES else None,
        domains=directory.domain_list(user=user).select_related("parent"),
    )
    status = 200
    if form.is_valid():
        rows = selectors.project_list(user=user, **form.filters())
    else:
        rows = selectors.project_list(user=user).none()
        status = 400
    summary = selectors.portfolio_summary(rows)
    response = render_list(request, template="projects/project_list.html",
                           fragment="projects/partials/project_rows.html", rows=rows, context={
                               "filter_form": form, "summary": summary, "is_officer": is_officer,
                               "is_municipality": role in MUNICIPALITY_ROLES,
                               "is_provider": role in PROVIDER_ROLES,
                               "can_create": role in RUNNERS,
                           })
    response.status_code = status
    return response


# ---------------------------------------------------------------- create and edit


def _project_form(request: HttpRequest, *, initial: dict | None = None, project: Project | None = None
                  ) -> ProjectForm:
    user = request.user
    municipality_id = project.municipality_id if project else None
    sites = directory.asset_list(user=user).select_related("municipality")
    if municipality_id:
        sites = sites.filter(municipality_id=municipality_id)
    return ProjectForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        municipalities=directory.municipality_list(user=user).select_related("parent"),
        sites=sites,
        domains=directory.domain_list(user=user).select_related("parent"),
        providers=directory.provider_list(user=user).filter(
            kind__in=[ProviderKind.STAFF_UNIT, ProviderKind.AFFILIATE]),
        fixed_place=project is not None,
    )


@page(roles=RUNNERS, model=Project)
def project_create(request: HttpRequest) -> HttpResponse:
    """A new project in planning; bad input is a 422 with the form's errors and nothing written."""
    initial = {}
    for name in ("municipality", "site", "domain", "provider"):
        value = request.GET.get(name, "")
        if parse_id(value) is not None:
            initial[name] = parse_id(value)
    form = _project_form(request, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                project = services.project_create(acting_user=request.user, **form.cleaned_data)
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Project %(number)s was created; add its milestones, then sign "
                                            "the contract.") % {"number": project.number})
                return redirect("projects:project_detail", pk=project.pk)
        return render(request, "projects/project_form.html", {"form": form, "project": None}, status=422)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@page(roles=RUNNERS, model=Project)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A project still in planning: its title, site, domain, provider, amount and dates."""
    project = selectors.project_get(user=request.user, pk=pk)
    initial = {
        "title": project.title, "site": project.site_id, "domain": project.domain_id,
        "provider": project.provider_id, "contract_amount": project.contract_amount,
        "start_date": project.start_date, "end_date": project.end_date, "description": project.description,
    }
    form = _project_form(request, initial=initial, project=project)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.project_update(project=project, acting_user=request.user, **form.cleaned_data)
            except InvalidInput as error:
                form.add_service_error(error)
            except ApplicationError as error:
                if error.status in (403, 404):
                    raise
                form.add_error(None, str(error.message))
                return render(request, "projects/project_form.html", {"form": form, "project": project},
                              status=error.status)
            else:
                messages.success(request, _("The project was saved."))
                return redirect("projects:project_detail", pk=project.pk)
        return render(request, "projects/project_form.html", {"form": form, "project": project}, status=422)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


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


def _project_context(request: HttpRequest, project: Project, **extra) -> dict:
    role = _role(request)
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
    can_report = (role in RUNNERS or (role == Role.PROJECT_MANAGER and is_executor)) \
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
        "is_running": status in selectors.RUNNING_STATUSES,
        "can_edit": role in RUNNERS and status == ProjectStatus.PLANNING,
        "can_edit_milestones": role in RUNNERS and status in MILESTONE_EDIT_STATUSES,
        "can_work_milestones": (role in RUNNERS or (role == Role.PROJECT_MANAGER and is_executor))
        and status == ProjectStatus.IN_PROGRESS,
        "can_report": can_report,
        "can_constrain": (role in RUNNERS or (role == Role.PROJECT_MANAGER and is_executor))
        and status in CONSTRAINT_STATUSES,
        "can_propose_change": (role in RUNNERS or (role == Role.PROJECT_MANAGER and is_executor))
        and status in CHANGE_STATUSES,
        "can_decide_change": role in CHANGE_DECIDERS,
        "is_executive": role == Role.EXECUTIVE,
        "documents": selectors.document_list(project=project),
        "can_add_document": (role in RUNNERS or (role == Role.PROJECT_MANAGER and is_executor))
        and status in services.DOCUMENT_STATUSES,
        "can_remove_document": role in DOCUMENT_REMOVERS and status in services.DOCUMENT_STATUSES,
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


@page(roles=PROJECT_READERS, model=Project)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    return render(request, "projects/project_detail.html", _project_context(request, project))


def _refused(request: HttpRequest, pk: int, error: ApplicationError, **extra) -> HttpResponse:
    """The project again with the service's message, at its status; 403/404 go to the page decorator.

    Bad input goes on the form that sent it; a refused state (409) is shown above the project.
    """
    placed = place_service_error(error, (value for value in extra.values() if isinstance(value, Form)))
    project = selectors.project_get(user=request.user, pk=pk)
    context = _project_context(request, project, error=None if placed else error, **extra)
    return render(request, "projects/project_detail.html", context, status=error.status)


def _invalid(request: HttpRequest, project: Project, **extra) -> HttpResponse:
    context = _project_context(request, project, **extra)
    return render(request, "projects/project_detail.html", context, status=422)


@require_POST
@page(roles=RUNNERS, model=Project)
def project_from_need(request: HttpRequest, need_pk: int) -> HttpResponse:
    """An officer turns an approved project need into a project (in planning) and goes on there."""
    from hamyar.needs.selectors import need_get

    need = need_get(user=request.user, pk=need_pk)
    try:
        project = services.project_from_need(need=need, acting_user=request.user)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
        return redirect("needs:need_detail", pk=need.pk)
    messages.success(request, _("The project was created from the need; add its milestones."))
    return redirect("projects:project_detail", pk=project.pk)


# ---------------------------------------------------------------- the lifecycle


@require_POST
@page(roles=RUNNERS | SIGNERS, model=Project)
def project_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One button of the lifecycle; suspend and terminate need a reason."""
    if action not in TRANSITIONS:
        raise Http404
    service_name, roles, _states, needs_reason = TRANSITIONS[action]
    project = selectors.project_get(user=request.user, pk=pk)
    if _role(request) not in roles:
        from hamyar.core.errors import PermissionDenied

        raise PermissionDenied()
    service = getattr(services, service_name)
    kwargs = {}
    form = None
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return _invalid(request, project, reason_form=form, reason_for=action)
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        service(project=project, acting_user=request.user, **kwargs)
    except ApplicationError as error:
        extra = {"reason_form": form, "reason_for": action} if form is not None else {}
        return _refused(request, pk, error, **extra)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("projects:project_detail", pk=pk)


# ---------------------------------------------------------------- milestones


@require_POST
@page(roles=RUNNERS, model=Milestone)
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _invalid(request, project, milestone_form=form, open_form="milestone")
    try:
        services.milestone_add(project=project, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, pk, error, milestone_form=form, open_form="milestone")
    messages.success(request, _("The milestone was added."))
    return redirect("projects:project_detail", pk=pk)


@require_POST
@page(roles=RUNNERS, model=Milestone)
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    try:
        services.milestone_remove(milestone=milestone, acting_user=request.user)
    except ApplicationError as error:
        return _refused(request, milestone.project_id, error)
    messages.success(request, _("The milestone was removed."))
    return redirect("projects:project_detail", pk=milestone.project_id)


@require_POST
@page(roles=REPORTERS, model=Milestone)
def milestone_start(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    try:
        services.milestone_start(milestone=milestone, acting_user=request.user)
    except ApplicationError as error:
        return _refused(request, milestone.project_id, error)
    messages.success(request, _("Work on the milestone has started."))
    return redirect("projects:project_detail", pk=milestone.project_id)


@require_POST
@page(roles=REPORTERS, model=Milestone)
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    try:
        services.milestone_complete(milestone=milestone, acting_user=request.user)
    except ApplicationError as error:
        return _refused(request, milestone.project_id, error)
    messages.success(request, _("The milestone is completed; a payment request for its amount was made."))
    return redirect("projects:project_detail", pk=milestone.project_id)


# ---------------------------------------------------------------- constraints


@require_POST
@page(roles=CONSTRAINT_EDITORS, model=ProjectConstraint)
def constraint_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = ConstraintForm(request.POST, milestones=project.milestones.order_by("sequence"))
    if not form.is_valid():
        return _invalid(request, project, constraint_form=form, open_form="constraint")
    try:
        services.constraint_add(project=project, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, pk, error, constraint_form=form, open_form="constraint")
    messages.success(request, _("The constraint was recorded."))
    return redirect("projects:project_detail", pk=pk)


@require_POST
@page(roles=CONSTRAINT_EDITORS, model=ProjectConstraint)
def constraint_update(request: HttpRequest, pk: int) -> HttpResponse:
    constraint = selectors.constraint_get(user=request.user, pk=pk)
    form = ConstraintUpdateForm(request.POST)
    if not form.is_valid():
        project = selectors.project_get(user=request.user, pk=constraint.project_id)
        return _invalid(request, project, update_form=form, update_for=constraint.pk)
    try:
        services.constraint_update(constraint=constraint, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, constraint.project_id, error, update_form=form, update_for=constraint.pk)
    messages.success(request, _("The constraint was updated."))
    return redirect("projects:project_detail", pk=constraint.project_id)


# ---------------------------------------------------------------- progress reports and photos


@page(roles=REPORTERS, model=Project)
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress report: the physical percent of each milestone not completed, notes and a photo."""
    project = selectors.project_get(user=request.user, pk=pk)
    milestones = [m for m in selectors.milestone_list(project=project)
                  if m.status != MilestoneStatus.COMPLETED]
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ProgressReportForm(data, files, milestones=milestones)
    context = {"project": project, "form": form}
    if request.method != "POST":
        return render(request, "projects/report_form.html", context)
    if form.is_valid():
        photos = []
        if form.cleaned_data.get("photo"):
            photos.append({"file": form.cleaned_data["photo"],
                           "caption": form.cleaned_data.get("caption", "")})
        try:
            services.progress_report_create(
                project=project, acting_user=request.user, reported_on=form.cleaned_data["reported_on"],
                notes=form.cleaned_data.get("notes", ""), percents=form.percents(), photos=photos,
            )
        except ApplicationError as error:
            if error.status in (403, 404):
                raise
            if isinstance(error, InvalidInput):
                form.add_service_error(error)
            else:
                form.add_error(None, str(error.message))
            return render(request, "projects/report_form.html", context, status=error.status)
        messages.success(request, _("The progress report was filed."))
        return redirect("projects:project_detail", pk=pk)
    return render(request, "projects/report_form.html", context, status=422)


def _serve(photo: ProgressPhoto, field: str) -> HttpResponse:
    stored = getattr(photo, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    name = PurePath(stored.name).name
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@page(roles=PROJECT_READERS, model=ProgressPhoto)
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A site photo, only for those who may read its project (another municipality: 404)."""
    return _serve(selectors.photo_get(user=request.user, pk=pk), "image")


@page(roles=PROJECT_READERS, model=ProgressPhoto)
def photo_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(selectors.photo_get(user=request.user, pk=pk), "thumbnail")


# ---------------------------------------------------------------- documents


@require_POST
@page(roles=DOCUMENT_UPLOADERS, model=ProjectDocument)
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """File a document on the project; a refused file shows on the form (422), nothing stored."""
    project = selectors.project_get(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, project, document_form=form, open_form="document")
    try:
        services.project_document_add(project=project, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, pk, error, document_form=form, open_form="document")
    messages.success(request, _("The document was filed."))
    return redirect("projects:project_detail", pk=pk)


@page(roles=PROJECT_READERS, model=ProjectDocument)
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A document of a project the user may read, as a download (never shown inline); else 404."""
    document = selectors.document_get(user=request.user, pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@page(roles=DOCUMENT_REMOVERS, model=ProjectDocument)
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    try:
        services.project_document_remove(document=document, acting_user=request.user)
    except ApplicationError as error:
        return _refused(request, document.project_id, error)
    messages.success(request, _("The document was removed."))
    return redirect("projects:project_detail", pk=document.project_id)


# ---------------------------------------------------------------- change orders


@require_POST
@page(roles=CHANGE_PROPOSERS, model=ChangeOrder)
def change_order_propose(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = ChangeOrderForm(request.POST)
    if not form.is_valid():
        return _invalid(request, project, change_form=form, open_form="change")
    try:
        change = services.change_order_propose(project=project, acting_user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, pk, error, change_form=form, open_form="change")
    messages.success(request, _("Change order %(number)s was proposed.") % {"number": change.number})
    return redirect("projects:project_detail", pk=pk)


@require_POST
@page(roles=CHANGE_DECIDERS, model=ChangeOrder)
def change_order_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve or reject a proposed change order; beyond the 25% limit only an executive, with a note."""
    if decision not in ("approve", "reject"):
        raise Http404
    change = selectors.change_order_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        project = selectors.project_get(user=request.user, pk=change.project_id)
        return _invalid(request, project, decision_form=form, decision_for=change.pk)
    note = form.cleaned_data.get("decision_note", "")
    try:
        if decision == "approve":
            services.change_order_approve(change_order=change, acting_user=request.user, decision_note=note,
                                          beyond_limit=form.cleaned_data.get("beyond_limit", False))
        else:
            services.change_order_reject(change_order=change, acting_user=request.user, decision_note=note)
    except ApplicationError as error:
        return _refused(request, change.project_id, error, decision_form=form, decision_for=change.pk)
    if decision == "approve":
        messages.success(request, _("Change order %(number)s was approved; the amount in force and the "
                                    "end date are updated.") % {"number": change.number})
    else:
        messages.success(request, _("Change order %(number)s was rejected.") % {"number": change.number})
    return redirect("projects:project_detail", pk=change.project_id)
