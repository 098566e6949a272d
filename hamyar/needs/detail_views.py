"""A need's page: its lines, files, clocks, timeline and ranking, and each step of its lifecycle.

A step is POSTed to its own route and taken by one service through `page_action`: done, the page says
so; refused, the need's page shows why with the service's status (409, 422) and nothing is written.
The buttons come from the lifecycle itself (`NEED_LIFECYCLE.allowed_actions`).
"""

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.catalog.selectors import items_in_scope
from hamyar.core.access import ALL_ROLES, may_open
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.pages import page, page_action
from hamyar.core.roles import Role
from hamyar.core.scoping import role_of
from hamyar.directory import selectors as directory

from . import selectors, services
from .choices import AUTHORS, NEED_LIFECYCLE, OFFICERS, OPEN_STATUSES, NeedStatus, Transition
from .forms import AssignForm, CompetingForm, ReasonForm, TriageForm
from .matching import FACTOR_LABELS, FACTORS, WEIGHTS, rank_providers
from .models import Need, NeedAttachment
from .sla import need_clocks


def _taking(action: str) -> frozenset[Role]:
    """Who may POST a step's route: the roles its lifecycle step declares."""
    return NEED_LIFECYCLE.step(action).roles


def _detail_context(request: HttpRequest, need: Need) -> dict[str, Any]:
    user = request.user
    role = role_of(user)
    allowed = NEED_LIFECYCLE.allowed_actions(need.status, role)
    actions = {action: action in allowed for action in Transition}
    ranking = None
    if role in OFFICERS and need.status in (NeedStatus.TRIAGED, NeedStatus.ASSIGNED):
        ranking = rank_providers(need)
    attachments = list(selectors.need_attachments(need=need))
    lines = list(selectors.need_lines(need=need))
    return {
        "need": need,
        "lines": lines,
        # A line's item is a link only for whoever its catalog page opens for (a provider sees its own).
        "openable_items": items_in_scope(user=user, ids=[line.item_id for line in lines if line.item_id])
        if may_open(user, reverse("catalog:item_list")) else frozenset(),
        "attachments": attachments,
        "assignments": list(selectors.need_assignments(user=user, need=need)),
        "clocks": need_clocks(need),
        "timeline": list(selectors.need_timeline(need=need)),
        "actions": actions,
        "can_edit": role in AUTHORS and need.status == NeedStatus.DRAFT,
        "can_attach": role in AUTHORS and need.status in OPEN_STATUSES,
        "can_remove_files": role in AUTHORS and need.status == NeedStatus.DRAFT,
        "is_officer": role in OFFICERS,
        "ranking": ranking,
        "factors": [(f, FACTOR_LABELS[f], WEIGHTS[f]) for f in FACTORS],
        "domains": directory.domain_list(user=user) if actions[Transition.TRIAGE] else [],
        "competing_form": CompetingForm(),
    }


@page(roles=ALL_ROLES, model=Need)
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, pk=pk)
    return render(request, "needs/need_detail.html", _detail_context(request, need))


def _act(request: HttpRequest, pk: int, act: Callable[[Need], object], done: str) -> HttpResponse:
    """Take one step on the need the user may see; a refusal is shown on the need's page."""
    need = selectors.need_get(user=request.user, pk=pk)

    def show(error: ApplicationError | None) -> HttpResponse:
        context = _detail_context(request, selectors.need_get(user=request.user, pk=pk))
        context["error"] = error
        return render(request, "needs/need_detail.html", context)

    return page_action(request, lambda: act(need), redirect_to=reverse("needs:need_detail", args=[pk]),
                       show=show, success=done)


def _reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@require_POST
@page(roles=_taking(Transition.SUBMIT), model=Need)
def need_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda need: services.need_submit(need=need, acting_user=request.user),
                _("The need was submitted to the organization."))


@require_POST
@page(roles=_taking(Transition.TRIAGE), model=Need)
def need_triage(request: HttpRequest, pk: int) -> HttpResponse:
    form = TriageForm(request.POST, domains=directory.domain_list(user=request.user))
    if not form.is_valid():
        raise InvalidInput(_("Choose the service domain of the need."))
    domain = form.cleaned_data["domain"]
    return _act(request, pk, lambda need: services.need_triage(need=need, acting_user=request.user,
                                                               domain=domain),
                _("The need was triaged; choose its provider from the ranking."))


@require_POST
@page(roles=_taking(Transition.ASSIGN), model=Need)
def need_assign(request: HttpRequest, pk: int) -> HttpResponse:
    form = AssignForm(request.POST, providers=directory.provider_list(user=request.user))
    if not form.is_valid():
        raise InvalidInput(_("Choose a provider of the ranking."))
    data = form.cleaned_data
    return _act(request, pk, lambda need: services.need_assign(
        need=need, acting_user=request.user, provider=data["provider"], reason=data["reason"]),
        _("The need was assigned; the provider was told."))


@require_POST
@page(roles=_taking(Transition.REQUEST_COMPETING), model=Need)
def need_request_competing(request: HttpRequest, pk: int) -> HttpResponse:
    """The count is checked on the need the user may see: another's need is 404 whatever was sent."""
    def ask(need: Need) -> object:
        form = CompetingForm(request.POST)
        if not form.is_valid():
            raise InvalidInput(_("Ask between 1 and 10 providers."))
        return services.need_request_competing(need=need, acting_user=request.user,
                                               count=form.cleaned_data["count"])

    return _act(request, pk, ask, _("The providers were asked for competing quotations."))


@require_POST
@page(roles=_taking(Transition.REJECT), model=Need)
def need_reject(request: HttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    return _act(request, pk, lambda need: services.need_reject(need=need, acting_user=request.user,
                                                               reason=reason),
                _("The need was rejected; the municipality was told."))


@require_POST
@page(roles=_taking(Transition.CANCEL), model=Need)
def need_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    return _act(request, pk, lambda need: services.need_cancel(need=need, acting_user=request.user,
                                                               reason=reason),
                _("The need was cancelled."))


@require_POST
@page(roles=_taking(Transition.MARK_GAP), model=Need)
def need_mark_gap(request: HttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    return _act(request, pk, lambda need: services.need_mark_gap(need=need, acting_user=request.user,
                                                                 reason=reason),
                _("The need was recorded as a capability gap; the municipality was told."))


# ---------------------------------------------------------------- attachments


@require_POST
@page(roles=AUTHORS, model=Need)
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")
    return _act(request, pk, lambda need: services.need_attachment_add(need=need, acting_user=request.user,
                                                                       file=upload),
                _("The file was attached."))


@page(roles=ALL_ROLES, model=NeedAttachment)
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file of a need the user may see, as a download (never shown inline); anything else is 404."""
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@page(roles=AUTHORS, model=NeedAttachment)
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return _act(request, attachment.need_id, lambda need: services.need_attachment_remove(
        attachment=attachment, acting_user=request.user), _("The file was removed."))
