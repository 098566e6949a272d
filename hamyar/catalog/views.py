"""Catalog pages: browse and live search, items with their price history, each provider's
catalog, price lists, price-sheet uploads and the xlsx exports.

Every view reads through a scoped selector (or the search, which starts from one)
and writes through a service; the search page answers an HTMX request with its
results fragment only. Municipality users never see what the organization does
not offer them today; officers see it, marked with the reason.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import InvalidInput, StorageFull
from hamyar.core.pages import page, wants_fragment
from hamyar.core.roles import ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES
from hamyar.core.scoping import membership_of, role_of
from hamyar.core.text import parse_id
from hamyar.directory import selectors as directory
from hamyar.directory.models import Provider, ServiceDomain

from . import exports, selectors, services, sheets, tasks
from .choices import ImportStatus
from .filters import CatalogProviderFilter, ItemFilter, PriceListFilter, search_arguments
from .forms import ItemForm, PriceImportForm, SynonymForm, format_attributes
from .models import CatalogItem, PriceImport, PriceList, SearchSynonym
from .search import item_search

SEARCH_PAGE_SIZE = 25
# Search results exported to a sheet: the first this many, in the page's order.
EXPORT_LIMIT = 5000

CATALOG_READERS = ALL_ROLES
CATALOG_EDITORS = frozenset(services.CATALOG_EDITORS)
OFFICERS = ORGANIZATION_WIDE_ROLES
PROVIDER_CATALOG_READERS = ORGANIZATION_WIDE_ROLES | PROVIDER_ROLES
IMPORTERS = frozenset(services.IMPORTERS)
SYNONYM_EDITORS = frozenset(services.SYNONYM_EDITORS)


def _is_provider_user(user) -> bool:
    return role_of(user) in PROVIDER_ROLES


def _can_edit(user) -> bool:
    return role_of(user) in CATALOG_EDITORS


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=sheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- browse and search


def _search_form(request: HttpRequest) -> ItemFilter:
    user = request.user
    return ItemFilter(
        request.GET,
        domains=directory.domain_list(user=user),
        providers=selectors.item_provider_choices(user=user),
    )


def _domain_counts(counts, domains: list[ServiceDomain]) -> list[tuple[ServiceDomain, int]]:
    """The search's counts per domain as (domain, count), the largest first."""
    by_id = {d.pk: d for d in domains}  # with their parents loaded, for the «parent › child» label
    rows = [(by_id[domain.pk], count) for domain, count in counts if domain.pk in by_id and count]
    return sorted(rows, key=lambda row: (-row[1], row[0].code))


def _page_number(request: HttpRequest) -> int | None:
    number = parse_id(request.GET.get("page", "1") or "1")
    return number if number is not None and 0 < number <= 100_000 else None


@page(roles=CATALOG_READERS, model=CatalogItem)
def item_list(request: HttpRequest) -> HttpResponse:
    """The catalog: live search as the clerk types, filters, and counts per domain beside the results."""
    form = _search_form(request)
    number = _page_number(request)
    user = request.user
    context = {"form": form, "can_edit": _can_edit(user), "is_provider": _is_provider_user(user),
               "can_import": role_of(user) in IMPORTERS,
               "can_edit_synonyms": role_of(user) in SYNONYM_EDITORS}
    status = 200
    if form.is_valid() and number is not None:
        result = item_search(user=request.user, **search_arguments(form.cleaned_data), limit=SEARCH_PAGE_SIZE,
                             offset=(number - 1) * SEARCH_PAGE_SIZE)
        pages = max(1, -(-result.total // SEARCH_PAGE_SIZE))
        context.update({
            "items": result.items, "total": result.total, "page_number": number, "pages": pages,
            "domain_counts": _domain_counts(result.domain_counts, list(form.fields["domain"].queryset)),
            "query": form.cleaned_data.get("q") or "",
            "total_is_exact": result.total_is_exact, "corrected_query": result.corrected_query,
            "marks": result.marks,
        })
    else:
        if number is None:
            form.add_error(None, _("The page number is not valid."))
        status = 400
        context.update({"items": [], "total": 0, "page_number": 1, "pages": 1, "domain_counts": []})
    template = "catalog/partials/search_results.html" if wants_fragment(request) else "catalog/item_list.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@page(roles=CATALOG_READERS, model=CatalogItem)
def item_export(request: HttpRequest) -> HttpResponse:
    """The search results, as on the page, as an xlsx sheet."""
    form = _search_form(request)
    if not form.is_valid():
        return render(request, "catalog/item_list.html",
                      {"form": form, "items": [], "total": 0, "page_number": 1, "pages": 1,
                       "domain_counts": []}, status=400)
    result = item_search(user=request.user, **search_arguments(form.cleaned_data), limit=EXPORT_LIMIT,
                         offset=0)
    content = exports.items_export(result.items)
    return _xlsx(content, f"catalog-{timezone.localdate():%Y%m%d}.xlsx")


@page(roles=CATALOG_READERS, model=CatalogItem)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    tiers = selectors.item_price_tiers(item=item)
    return render(request, "catalog/item_detail.html", {
        "item": item,
        "tiers": tiers,
        "current_list": tiers[0].price_list if tiers else None,
        "history": selectors.item_price_history(item=item),
        "can_edit": _can_edit(request.user),
        "show_provider_catalog": role_of(request.user) in PROVIDER_CATALOG_READERS,
    })


# ---------------------------------------------------------------- item form


def _item_form(request: HttpRequest, *, initial: dict | None = None, fixed_provider: bool) -> ItemForm:
    user = request.user
    return ItemForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        providers=directory.provider_list(user=user),
        domains=directory.domain_list(user=user),
        fixed_provider=fixed_provider,
    )


def _item_data(form: ItemForm, provider: Provider | None) -> dict:
    data = dict(form.cleaned_data)
    if provider is not None:
        data["provider"] = provider
    return data


@page(roles=CATALOG_EDITORS, model=CatalogItem)
def item_create(request: HttpRequest) -> HttpResponse:
    """A new item; a provider's own user adds to its own catalog only. Bad input: 422, nothing written."""
    membership = membership_of(request.user)
    own = membership.provider if membership.role in PROVIDER_ROLES else None
    initial = {"lead_time_days": 0, "in_stock": True, "is_active": True}
    provider_id = request.GET.get("provider", "")
    if own is None and parse_id(provider_id) is not None:
        initial["provider"] = provider_id
    form = _item_form(request, initial=initial, fixed_provider=own is not None)
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.item_create(acting_user=request.user, data=_item_data(form, own))
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The item was added to the catalog."))
                return redirect("catalog:item_detail", pk=item.pk)
        return render(request, "catalog/item_form.html", {"form": form, "item": None}, status=422)
    return render(request, "catalog/item_form.html", {"form": form, "item": None})


@page(roles=CATALOG_EDITORS, model=CatalogItem)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=pk)
    initial = {
        "domain": item.domain_id, "code": item.code, "name": item.name, "description": item.description,
        "unit": item.unit, "lead_time_days": item.lead_time_days, "in_stock": item.in_stock,
        "is_active": item.is_active, "attributes": format_attributes(item.attributes),
    }
    form = _item_form(request, initial=initial, fixed_provider=True)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.item_update(item=item, acting_user=request.user, data=dict(form.cleaned_data))
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The item was saved."))
                return redirect("catalog:item_detail", pk=item.pk)
        return render(request, "catalog/item_form.html", {"form": form, "item": item}, status=422)
    return render(request, "catalog/item_form.html", {"form": form, "item": item})


# ---------------------------------------------------------------- providers


@page(roles=OFFICERS, model=Provider)
def provider_list(request: HttpRequest) -> HttpResponse:
    """The officer's view of every provider's catalog, with the agreement behind each supplier."""
    values = CatalogProviderFilter(request.GET).values()
    providers = selectors.catalog_provider_list(user=request.user, filters=values)
    return render(request, "catalog/provider_list.html", {
        "providers": providers, "kind": values.get("kind", ""),
        "kinds": Provider._meta.get_field("kind").choices,
    })


@page(roles=PROVIDER_CATALOG_READERS, model=Provider)
def provider_catalog(request: HttpRequest, pk: int) -> HttpResponse:
    """One provider's catalog and price lists: its own user sees its own, officers any."""
    provider = selectors.catalog_provider_get(user=request.user, pk=pk)
    return render(request, "catalog/provider_catalog.html", {
        "provider": provider,
        "items": selectors.item_list(user=request.user, provider_id=provider.pk),
        "price_lists": selectors.price_list_list(user=request.user, filters={"provider": provider.pk}),
        "imports": selectors.price_import_list(user=request.user, provider_id=provider.pk)[:10]
        if role_of(request.user) in IMPORTERS else [],
        "can_edit": _can_edit(request.user),
        "can_import": role_of(request.user) in IMPORTERS,
    })


@page(roles=PROVIDER_ROLES, model=Provider)
def my_catalog(request: HttpRequest) -> HttpResponse:
    return redirect("catalog:provider_catalog", pk=membership_of(request.user).provider_id)


# ---------------------------------------------------------------- price lists


@page(roles=CATALOG_READERS, model=PriceList)
def price_list_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.price_list_list(user=request.user, filters=PriceListFilter(request.GET).values())
    return render(request, "catalog/price_list_list.html", {"price_lists": rows})


@page(roles=CATALOG_READERS, model=PriceList)
def price_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = selectors.price_list_get(user=request.user, pk=pk)
    return render(request, "catalog/price_list_detail.html", {
        "price_list": price_list,
        "prices": selectors.price_list_prices(user=request.user, price_list=price_list),
        "show_provider_catalog": role_of(request.user) in PROVIDER_CATALOG_READERS,
    })


@page(roles=CATALOG_READERS, model=PriceList)
def price_list_export(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = selectors.price_list_get(user=request.user, pk=pk)
    content = exports.price_list_export(price_list=price_list)
    return _xlsx(content, f"price-list-{price_list.pk}.xlsx")


# ---------------------------------------------------------------- price-sheet import

def _import_form(request: HttpRequest, own: Provider | None) -> PriceImportForm:
    post = request.method == "POST"
    return PriceImportForm(
        request.POST if post else None,
        request.FILES if post else None,
        providers=directory.provider_list(user=request.user),
        fixed_provider=own is not None,
        initial={"provider": request.GET.get("provider"), "valid_from": timezone.localdate()},
    )


@page(roles=IMPORTERS, model=PriceImport)
def import_create(request: HttpRequest) -> HttpResponse:
    """Upload a price sheet; its rows are checked (by the task worker when large) before anything applies."""
    membership = membership_of(request.user)
    own = membership.provider if membership.role in PROVIDER_ROLES else None
    form = _import_form(request, own)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                price_import = services.price_import_create(
                    acting_user=request.user, provider=own or data["provider"], file=data["file"],
                    title=data["title"], valid_from=data["valid_from"], valid_until=data["valid_until"],
                )
            except InvalidInput as error:
                form.add_service_error(error)
            except StorageFull as error:  # the disk is full: said above the form, the clerk's input kept
                form.add_error(None, str(error.message))
                return render(request, "catalog/import_form.html", {"form": form}, status=error.status)
            else:
                tasks.price_import_validate_start(price_import=price_import)
                return redirect("catalog:import_detail", pk=price_import.pk)
        return render(request, "catalog/import_form.html", {"form": form}, status=422)
    return render(request, "catalog/import_form.html", {"form": form})


@page(roles=IMPORTERS, model=PriceImport)
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty sheet with the headers, the units and the organization's domain codes."""
    content = exports.price_sheet_template(organization=membership_of(request.user).organization)
    return _xlsx(content, "price-sheet-template.xlsx")


@page(roles=IMPORTERS, model=PriceImport)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: every bad row with its errors; a progress bar, polled, while checking or applying."""
    price_import = selectors.price_import_get(user=request.user, pk=pk)
    context = {"imp": price_import, **selectors.price_import_preview(price_import=price_import)}
    context["file_errors"] = [e for e in context["errors"] if not e["row"]]
    context["row_errors"] = [e for e in context["errors"] if e["row"]]
    page_or_part = "partials/import_status" if wants_fragment(request) else "import_detail"
    response = render(request, f"catalog/{page_or_part}.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@page(roles=IMPORTERS, model=PriceImport)
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a valid sheet as a new price list, in one transaction (by the task worker when large)."""
    price_import = selectors.price_import_get(user=request.user, pk=pk)
    price_import = tasks.price_import_apply_start(price_import=price_import, acting_user=request.user)
    if price_import.status == ImportStatus.APPLIED:
        messages.success(request, _("The price list was published."))
    elif price_import.status == ImportStatus.INVALID:
        messages.error(request, _("The price sheet has errors; nothing was written."))
    return redirect("catalog:import_detail", pk=price_import.pk)


# ---------------------------------------------------------------- search synonyms


@page(roles=SYNONYM_EDITORS, model=SearchSynonym)
def synonym_list(request: HttpRequest) -> HttpResponse:
    """The organization's search synonyms: add a term with its equivalents, or remove one (POST).

    A refused input answers 422 with the form's messages and writes nothing.
    """
    form = SynonymForm(request.POST if request.method == "POST" and "remove" not in request.POST else None)
    status = 200
    if request.method == "POST":
        if "remove" in request.POST:
            pk = parse_id(request.POST.get("remove"))
            if pk is None:
                raise Http404
            synonym = selectors.synonym_get(user=request.user, pk=pk)
            services.synonym_remove(synonym=synonym, acting_user=request.user)
            messages.success(request, _("The synonym was removed; the catalog search no longer uses it."))
            return redirect("catalog:synonym_list")
        if form.is_valid():
            try:
                services.synonym_create(acting_user=request.user, term=form.cleaned_data["term"],
                                        equivalents=form.cleaned_data["equivalents"])
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The synonym was added; the catalog search finds its words now."))
                return redirect("catalog:synonym_list")
        status = 422
    return render(request, "catalog/synonym_list.html", {
        "form": form, "synonyms": selectors.synonym_list(user=request.user)}, status=status)
