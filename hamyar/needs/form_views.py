"""The need form: a new need or a draft's changes, with its goods lines picked from the catalog."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hamyar.catalog.search import item_search
from hamyar.catalog.selectors import item_price_tiers, items_price_tiers
from hamyar.core.errors import InvalidInput
from hamyar.core.numbers import NumberError, parse_whole
from hamyar.core.pages import page
from hamyar.core.roles import Role
from hamyar.core.scoping import role_of
from hamyar.core.text import parse_id, search_key
from hamyar.directory import selectors as directory

from . import selectors, services
from .choices import AUTHORS, NeedKind
from .forms import NeedForm
from .models import Need

PICKER_LIMIT = 12


def _posted_lines(request: HttpRequest) -> tuple[list[dict[str, Any]], list[str]]:
    """The goods lines of the form as {"item", "quantity"}; unreadable quantities as messages."""
    ids = request.POST.getlist("line_item")
    quantities = request.POST.getlist("line_quantity")
    errors: list[str] = []
    wanted = [pk for pk in map(parse_id, ids) if pk is not None]
    items = selectors.offered_items(user=request.user).in_bulk(wanted)
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


def _need_form(request: HttpRequest, *, initial: dict[str, Any] | None = None) -> NeedForm:
    user = request.user
    municipal = role_of(user) == Role.MUNICIPALITY_USER
    return NeedForm(
        request.POST if request.method == "POST" else None, initial=initial,
        municipalities=None if municipal else directory.municipality_list(user=user),
        domains=directory.domain_list(user=user), sites=directory.asset_list(user=user),
    )


def _form_values(form: NeedForm, lines: list[dict[str, Any]]) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    if "municipality" not in form.fields:
        data.pop("municipality", None)
    data["lines"] = [line for line in lines if isinstance(line["quantity"], int)]
    return data


def _render_form(request: HttpRequest, form: NeedForm, lines: list[dict[str, Any]], need: Need | None = None,
                 status: int = 200) -> HttpResponse:
    tiers = items_price_tiers(items=[line["item"] for line in lines])
    return render(request, "needs/need_form.html", {
        "form": form, "lines": [{**line, "tiers": tiers.get(line["item"].pk, [])} for line in lines],
        "need": need, "kinds": NeedKind,
    }, status=status)


def _requested_line(request: HttpRequest) -> dict[str, Any] | None:
    """The line of the catalog's "add to a need" (`?item=`), when the item is one a need may name."""
    raw = request.GET.get("item", "")
    if not raw:
        return None
    pk = parse_id(raw)
    item = selectors.offered_items(user=request.user).filter(pk=pk).first() if pk is not None else None
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
    need = selectors.need_draft_get(user=request.user, pk=pk)
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
    item = selectors.offered_items(user=request.user).filter(pk=pk).first() if pk is not None else None
    if item is None:
        return HttpResponse(status=404)
    line = {"item": item, "quantity": 1, "tiers": item_price_tiers(item=item)}
    return render(request, "needs/partials/line_row.html", {"line": line})
