"""The portfolio (officers and executives), a municipality's own projects, a provider's work; a new
project, its corrections in planning, one made from a need, and the lifecycle's buttons."""


from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.pages import page, render_list
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES
from hamyar.core.text import parse_id
from hamyar.directory import selectors as directory
from hamyar.directory.choices import ProviderKind

from .. import selectors, services
from ..choices import OFFICERS, SIGNERS
from ..forms import ProjectFilterForm, ProjectForm, ReasonForm
from ..models import Project
from .detail import TRANSITIONS, invalid_on_page, refused_on_page, user_role

DONE_MESSAGES = {
    "contract": gettext_lazy("The contract is signed: the project is contracted."),
    "start": gettext_lazy("The project has started."),
    "suspend": gettext_lazy("The project is suspended."),
    "resume": gettext_lazy("The project is running again."),
    "complete": gettext_lazy("The project is completed; the municipality is asked to sign off the handover."),
    "hand-over": gettext_lazy("The handover is signed off: the project is handed over to the municipality."),
    "terminate": gettext_lazy("The project is terminated."),
}


# ---------------------------------------------------------------- the lists


@page(roles=ALL_ROLES, model=Project)
def project_list(request: HttpRequest) -> HttpResponse:
    """The portfolio for officers and executives, a municipality's own projects, a provider's work."""
    user = request.user
    role = user_role(request)
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
        providers=directory.provider_list(user=user).filter(
            kind__in=[ProviderKind.STAFF_UNIT, ProviderKind.AFFILIATE]),
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
@page(roles=OFFICERS | SIGNERS, model=Project)
def project_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One button of the lifecycle; suspend and terminate need a reason."""
    if action not in TRANSITIONS:
        raise Http404
    service_name, roles, _states, needs_reason = TRANSITIONS[action]
    project = selectors.project_get(user=request.user, pk=pk)
    if user_role(request) not in roles:
        from hamyar.core.errors import PermissionDenied

        raise PermissionDenied()
    service = getattr(services, service_name)
    kwargs = {}
    form = None
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return invalid_on_page(request, project, reason_form=form, reason_for=action)
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        service(project=project, acting_user=request.user, **kwargs)
    except ApplicationError as error:
        extra = {"reason_form": form, "reason_for": action} if form is not None else {}
        return refused_on_page(request, pk, error, **extra)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("projects:project_detail", pk=pk)
