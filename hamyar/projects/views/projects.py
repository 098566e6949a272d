"""The portfolio (officers and executives), a municipality's own projects, a provider's work; a new
project, its corrections in planning, one made from a need, and the lifecycle's buttons."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.pages import page, render_list
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES
from hamyar.core.scoping import role_of
from hamyar.core.text import parse_id
from hamyar.directory import selectors as directory

from .. import selectors, services
from ..choices import EXECUTING_KINDS, OFFICERS, PROJECT_LIFECYCLE, REASONED_ACTIONS, ProjectAction
from ..filters import ProjectFilter
from ..forms import ProjectForm, ReasonForm
from ..models import Project
from .detail import act_on_project, slug, submit_form, taking

# The lifecycle's steps as the page posts them: action → (its one service, what the page says when done).
STEPS: dict[str, tuple[Callable[..., Project], str | Promise]] = {
    ProjectAction.CONTRACT: (services.project_contract,
                             gettext_lazy("The contract is signed: the project is contracted.")),
    ProjectAction.START: (services.project_start, gettext_lazy("The project has started.")),
    ProjectAction.SUSPEND: (services.project_suspend, gettext_lazy("The project is suspended.")),
    ProjectAction.RESUME: (services.project_resume, gettext_lazy("The project is running again.")),
    ProjectAction.COMPLETE: (services.project_complete, gettext_lazy(
        "The project is completed; the municipality is asked to sign off the handover.")),
    ProjectAction.HAND_OVER: (services.project_hand_over, gettext_lazy(
        "The handover is signed off: the project is handed over to the municipality.")),
    ProjectAction.TERMINATE: (services.project_terminate, gettext_lazy("The project is terminated.")),
}
BY_SLUG = {slug(action): ProjectAction(action) for action in STEPS}


# ---------------------------------------------------------------- the lists


@page(roles=ALL_ROLES, model=Project)
def project_list(request: HttpRequest) -> HttpResponse:
    """The portfolio for officers and executives, a municipality's own projects, a provider's work."""
    user = request.user
    role = role_of(user)
    is_officer = role in ORGANIZATION_WIDE_ROLES
    form = ProjectFilter(
        request.GET,
        municipalities=directory.municipality_list(user=user).select_related("parent")
        if role not in MUNICIPALITY_ROLES else None,
        domains=directory.domain_list(user=user).select_related("parent"),
    )
    # A filter the page cannot read is answered 400 with no rows, rather than with a list it did not ask for.
    status = 200 if form.is_valid() else 400
    rows = selectors.project_list(user=user, filters=form.values())
    if status == 400:
        rows = rows.none()
    summary = selectors.portfolio_summary(rows)
    response = render_list(request, template="projects/project_list.html",
                           fragment="projects/partials/project_rows.html", rows=rows, context={
                               "filter_form": form, "summary": summary, "is_officer": is_officer,
                               "is_municipality": role in MUNICIPALITY_ROLES,
                               "is_provider": role in PROVIDER_ROLES,
                               "can_create": role in OFFICERS,
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
        providers=directory.provider_list(user=user).filter(kind__in=EXECUTING_KINDS),
        fixed_place=project is not None,
    )


@page(roles=OFFICERS, model=Project)
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


@page(roles=OFFICERS, model=Project)
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
        return submit_form(
            request, form,
            lambda data: services.project_update(project=project, acting_user=request.user, **data),
            template="projects/project_form.html", context={"form": form, "project": project},
            redirect_to=reverse("projects:project_detail", args=[pk]), success=_("The project was saved."))
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@require_POST
@page(roles=OFFICERS, model=Project)
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
@page(roles=taking(PROJECT_LIFECYCLE), model=Project)
def project_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One button of the lifecycle; the service checks who may press it and when. Suspending and
    terminating carry a reason."""
    step = BY_SLUG.get(action)
    if step is None:
        raise Http404
    service, done = STEPS[step]
    project = selectors.project_get(user=request.user, pk=pk)
    if step in REASONED_ACTIONS:
        form = ReasonForm(request.POST)
        return act_on_project(
            request, pk, lambda data: service(project=project, acting_user=request.user,
                                              reason=data["reason"]),
            success=str(done), form=form, reason_form=form, reason_for=action)
    return act_on_project(request, pk, lambda _data: service(project=project, acting_user=request.user),
                          success=str(done))
