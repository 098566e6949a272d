"""Needs pages: the municipality's needs and the need form, each need with its clocks and steps, the
officers' triage queue, ranking and overdue list, the providers' work queue and the service levels
(the board and the capability gaps are insights' pages, under the same names).

Every view reads through a scoped selector and writes through one service; a refused step shows
its message on the need's page with the service's status (403, 409, 422) and writes nothing.
"""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.catalog.search import item_search
from hamyar.catalog.selectors import item_price_tiers, items_in_scope
from hamyar.core.access import ALL_ROLES, MUNICIPALITY_READERS, may_open
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.numbers import NumberError, parse_whole
from hamyar.core.pages import page, render_list
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES, Role
from hamyar.core.scoping import role_of
from hamyar.core.text import parse_id, search_key
from hamyar.directory import selectors as directory

from . import selectors, services
from .choices import TRANSITIONS, NeedKind, NeedStatus, Transition
from .forms import (
    AssignForm,
    CompetingForm,
    NeedFilterForm,
    NeedForm,
    ReasonForm,
    ServiceLevelForm,
    TriageForm,
)
from .matching import FACTOR_LABELS, FACTORS, WEIGHTS, rank_providers
from .models import Need, NeedAttachment, ServiceLevel
from .sla import need_clocks

AUTHORS = frozenset(services.AUTHORS)
OFFICERS = frozenset(services.OFFICERS)
LIST_READERS = MUNICIPALITY_READERS
BOARD_READERS = ORGANIZATION_WIDE_ROLES
SERVICE_LEVEL_EDITORS = frozenset(services.SERVICE_LEVEL_EDITORS)
PICKER_LIMIT = 12


# ---------------------------------------------------------------- lists


@page(roles=LIST_READERS, model=Need)
def need_list(request: HttpRequest) -> HttpResponse:
    """The municipality's needs (an officer: every municipality's), newest first, live-filtered."""
    user = request.user
    municipal = role_of(user) == Role.MUNICIPALITY_USER
    form = NeedFilterForm(request.GET, domains=directory.domain_list(user=user),
                          municipalities=None if municipal else directory.municipality_list(user=user))
    rows = selectors.need_list(user=user, **form.selector_arguments())
    return render_list(request, template="needs/need_list.html", fragment="needs/partials/need_results.html",
                       rows=rows, context={"filter_form": form, "can_create": role_of(user) in AUTHORS,
                                           "show_municipality": not municipal})


@page(roles=OFFICERS, model=Need)
def triage_queue(request: HttpRequest) -> HttpResponse:
    """Submitted needs waiting for an officer, the oldest first, with how long each has waited."""
    rows = selectors.need_triage_queue(user=request.user)
    return render_list(request, template="needs/triage_queue.html",
                       fragment="needs/partials/need_results.html",
                       rows=rows, context={"show_municipality": True, "show_waiting": True})


@page(roles=BOARD_READERS, model=Need)
def overdue(request: HttpRequest) -> HttpResponse:
    """Needs with a clock past its service-level target, the longest overdue first."""
    return render(request, "needs/overdue.html", {"rows": selectors.need_overdue(user=request.user)})


@page(roles=PROVIDER_ROLES, model=Need)
def work_queue(request: HttpRequest) -> HttpResponse:
    """The provider's needs in hand: assigned to it, or asked for a competing quotation."""
    rows = selectors.need_work_queue(user=request.user)
    return render_list(request, template="needs/work_queue.html", fragment="needs/partials/work_results.html",
                       rows=rows)


# ---------------------------------------------------------------- the need form


def _posted_lines(request: HttpRequest) -> tuple[list[dict], list[str]]:
    """The goods lines of the form as {"item", "quantity"}; unreadable quantities as messages."""
    ids = request.POST.getlist("line_item")
    quantities = request.POST.getlist("line_quantity")
    errors: list[str] = []
    wanted = [pk for pk in map(parse_id, ids) if pk is not None]
    items = services.offered_items(request.user).in_bulk(wanted)
    lines = []
    for raw_id, raw_quantity in zip(ids, quantities, strict=False):
        item = items.get(parse_id(raw_id))
        if item is None:
            errors.append(_("Choose items from the catalog the organization offers you today."))
            continue
        try:  # the one reading of a typed number: ۴۰, 1,200; never 1,2 read as 12
            quantity: int | None = parse_whole(raw_quantity or "")
        except NumberError as error:
            quantity = None
            errors.append(error.message)
        else:
            if not 1 <= quantity <= services.MAX_QUANTITY:
                quantity = None
                errors.append(_("Each quantity is a whole number from 1 to 10,000,000."))
        lines.append({"item": item, "quantity": quantity if quantity is not None else raw_quantity})
    return lines, errors


def _need_form(request: HttpRequest, *, initial=None) -> NeedForm:
    user = request.user
    municipal = role_of(user) == Role.MUNICIPALITY_USER
    return NeedForm(
        request.POST if request.method == "POST" else None, initial=initial,
        municipalities=None if municipal else directory.municipality_list(user=user),
        domains=directory.domain_list(user=user), sites=directory.asset_list(user=user),
    )


def _form_values(form: NeedForm, lines: list[dict]) -> dict:
    data = dict(form.cleaned_data)
    if "municipality" not in form.fields:
        data.pop("municipality", None)
    data["lines"] = [line for line in lines if isinstance(line["quantity"], int)]
    return data


def _render_form(request, form, lines, need=None, status=200) -> HttpResponse:
    return render(request, "needs/need_form.html", {
        "form": form, "lines": [{**line, "tiers": item_price_tiers(item=line["item"])} for line in lines],
        "need": need, "kinds": NeedKind,
    }, status=status)


def _requested_line(request: HttpRequest) -> dict | None:
    """The line of the catalog's "add to a need" (`?item=`), when the item is one a need may name."""
    raw = request.GET.get("item", "")
    if not raw:
        return None
    pk = parse_id(raw)
    item = services.offered_items(request.user).filter(pk=pk).first() if pk is not None else None
    if item is None:
        messages.warning(request, _("That item is not in the catalog the organization offers you today."))
        return None
    return {"item": item, "quantity": 1}


@page(roles=AUTHORS, model=Need)
def need_create(request: HttpRequest) -> HttpResponse:
    """A new need, saved as a draft; the municipality submits it from its page.

    From the catalog's "add to a need" (`?item=`) the form opens with that item's line.
    """
    form = _need_form(request, initial={"kind": NeedKind.GOODS})
    requested = _requested_line(request) if request.method == "GET" else None
    lines: list[dict] = [requested] if requested else []
    if request.method == "POST":
        lines, line_errors = _posted_lines(request)
        if form.is_valid() and not line_errors:
            try:
                need = services.need_create(acting_user=request.user, **_form_values(form, lines))
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The need was saved as a draft. Check it and submit it."))
                return redirect("needs:need_detail", pk=need.pk)
        for message in line_errors:
            form.add_error(None, message)
        return _render_form(request, form, lines, status=422)
    return _render_form(request, form, lines)


@page(roles=AUTHORS, model=Need)
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get(user=request.user, pk=pk)
    if need.status != NeedStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be changed; this need was already submitted."))
    initial = {"kind": need.kind, "municipality": need.municipality_id, "title": need.title,
               "domain": need.domain_id, "description": need.description, "site": need.site_id,
               "budget_estimate": need.budget_estimate, "desired_date": need.desired_date}
    form = _need_form(request, initial=initial)
    lines = [{"item": line.item, "quantity": line.quantity} for line in selectors.need_lines(need=need)
             if line.item_id]
    requested = _requested_line(request) if request.method == "GET" else None
    if requested and all(line["item"].pk != requested["item"].pk for line in lines):
        lines.append(requested)  # shown in the form; saved with the draft when the clerk saves it
    if request.method == "POST":
        lines, line_errors = _posted_lines(request)
        if form.is_valid() and not line_errors:
            try:
                services.need_update(need=need, acting_user=request.user, **_form_values(form, lines))
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("needs:need_detail", pk=need.pk)
        for message in line_errors:
            form.add_error(None, message)
        return _render_form(request, form, lines, need=need, status=422)
    return _render_form(request, form, lines, need=need)


@page(roles=AUTHORS, model=Need)
def item_picker(request: HttpRequest) -> HttpResponse:
    """The catalog items matching what the clerk types (HTMX), each with a button adding a line.

    The catalog's own search and ranking (synonyms and typos included), over what a need may name.
    """
    query = request.GET.get("q", "")[:200]
    if not search_key(query):
        return render(request, "needs/partials/item_picker.html", {"items": [], "query": ""})
    result = item_search(user=request.user, query=query, limit=PICKER_LIMIT, offered_only=True)
    return render(request, "needs/partials/item_picker.html", {
        "items": result.items, "query": query, "marks": result.marks,
        "corrected_query": result.corrected_query,
    })


@page(roles=AUTHORS, model=Need)
def line_row(request: HttpRequest) -> HttpResponse:
    """One goods line for the form (HTMX): the item, its price tiers and a quantity box."""
    pk = parse_id(request.GET.get("item"))
    item = services.offered_items(request.user).filter(pk=pk).first() if pk is not None else None
    if item is None:
        return HttpResponse(status=404)
    line = {"item": item, "quantity": 1, "tiers": item_price_tiers(item=item)}
    return render(request, "needs/partials/line_row.html", {"line": line})


# ---------------------------------------------------------------- the need page


def _can(need: Need, role: Role | None, transition: str) -> bool:
    return role in services.TRANSITION_ROLES[transition] and need.status in TRANSITIONS[transition][0]


def _detail_context(request: HttpRequest, need: Need) -> dict:
    user = request.user
    role = role_of(user)
    actions = {t: _can(need, role, t) for t in Transition}
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
        "can_attach": role in AUTHORS and need.status in TRANSITIONS[Transition.CANCEL][0],
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


def _step(request: HttpRequest, pk: int, run, done: str) -> HttpResponse:
    """Run one step on the need; a refusal is shown on the need's page with the service's status."""
    need = selectors.need_get(user=request.user, pk=pk)
    try:
        run(need)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        context = _detail_context(request, selectors.need_get(user=request.user, pk=pk))
        context["error"] = error
        return render(request, "needs/need_detail.html", context, status=error.status)
    messages.success(request, done)
    return redirect("needs:need_detail", pk=need.pk)


def _reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@require_POST
@page(roles=AUTHORS, model=Need)
def need_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda need: services.need_submit(need=need, acting_user=request.user),
                 _("The need was submitted to the organization."))


@require_POST
@page(roles=OFFICERS, model=Need)
def need_triage(request: HttpRequest, pk: int) -> HttpResponse:
    form = TriageForm(request.POST, domains=directory.domain_list(user=request.user))
    if not form.is_valid():
        raise InvalidInput(_("Choose the service domain of the need."))
    domain = form.cleaned_data["domain"]
    return _step(request, pk, lambda need: services.need_triage(need=need, acting_user=request.user,
                                                                domain=domain),
                 _("The need was triaged; choose its provider from the ranking."))


@require_POST
@page(roles=OFFICERS, model=Need)
def need_assign(request: HttpRequest, pk: int) -> HttpResponse:
    form = AssignForm(request.POST, providers=directory.provider_list(user=request.user))
    if not form.is_valid():
        raise InvalidInput(_("Choose a provider of the ranking."))
    data = form.cleaned_data
    return _step(request, pk, lambda need: services.need_assign(
        need=need, acting_user=request.user, provider=data["provider"], reason=data["reason"]),
        _("The need was assigned; the provider was told."))


@require_POST
@page(roles=OFFICERS, model=Need)
def need_request_competing(request: HttpRequest, pk: int) -> HttpResponse:
    form = CompetingForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(_("Ask between 1 and 10 providers."))
    return _step(request, pk, lambda need: services.need_request_competing(
        need=need, acting_user=request.user, count=form.cleaned_data["count"]),
        _("The providers were asked for competing quotations."))


@require_POST
@page(roles=OFFICERS, model=Need)
def need_reject(request: HttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    return _step(request, pk, lambda need: services.need_reject(need=need, acting_user=request.user,
                                                                reason=reason),
                 _("The need was rejected; the municipality was told."))


@require_POST
@page(roles=frozenset({Role.MUNICIPALITY_USER}), model=Need)
def need_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    return _step(request, pk, lambda need: services.need_cancel(need=need, acting_user=request.user,
                                                                reason=reason),
                 _("The need was cancelled."))


@require_POST
@page(roles=OFFICERS, model=Need)
def need_mark_gap(request: HttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    return _step(request, pk, lambda need: services.need_mark_gap(need=need, acting_user=request.user,
                                                                  reason=reason),
                 _("The need was recorded as a capability gap; the municipality was told."))


# ---------------------------------------------------------------- attachments


@require_POST
@page(roles=AUTHORS, model=Need)
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")

    def run(need):
        if upload is None:
            raise InvalidInput(_("Choose a file to attach."))
        services.need_attachment_add(need=need, acting_user=request.user, file=upload)

    return _step(request, pk, run, _("The file was attached."))


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
    return _step(request, attachment.need_id, lambda need: services.need_attachment_remove(
        attachment=attachment, acting_user=request.user), _("The file was removed."))


# ---------------------------------------------------------------- service levels


@page(roles=SERVICE_LEVEL_EDITORS, model=ServiceLevel)
def service_levels(request: HttpRequest) -> HttpResponse:
    """Every domain with the targets that apply to it; the admin sets a domain's own, or clears them."""
    rows = selectors.service_level_rows(user=request.user)
    status, form, editing = 200, None, None
    if request.method == "POST":
        domain = directory.domain_get(user=request.user, pk=_int(request.POST.get("domain")))
        editing = domain.pk
        if request.POST.get("clear"):
            level = ServiceLevel.objects.filter(organization_id=domain.organization_id, domain=domain).first()
            if level is not None:
                services.service_level_clear(acting_user=request.user, level=level)
            messages.success(request, _("The domain now follows its parent's targets."))
            return redirect("needs:service_levels")
        form = ServiceLevelForm(request.POST)
        if form.is_valid():
            try:
                services.service_level_set(acting_user=request.user, domain=domain, **form.cleaned_data)
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The service level was saved."))
                return redirect("needs:service_levels")
        status = 422
    return render(request, "needs/service_levels.html", {
        "rows": rows, "form": form, "editing": editing,
        "default_form": ServiceLevelForm(),
    }, status=status)


def _int(value) -> int:
    return parse_id(value) or 0

