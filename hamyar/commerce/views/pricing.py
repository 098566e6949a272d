"""The pricing form: a draft quotation for a need, list prices filled in, and its edit."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from hamyar.catalog.selectors import items_price_tiers
from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page, page_action
from hamyar.core.roles import PROVIDER_ROLES
from hamyar.core.scoping import membership_of
from hamyar.core.text import parse_id
from hamyar.directory.models import Provider
from hamyar.needs.models import Need

from .. import selectors, services
from ..choices import PREPARER_ROLES
from ..forms import QuotationForm
from ..models import Quotation

PREPARERS = PREPARER_ROLES


# ---------------------------------------------------------------- pricing form


def _list_prices(need: Need, provider: Provider | None) -> dict[int, int | None]:
    """`services.line_price` of every line, the tiers of all their items read at once."""
    if provider is None:
        return {}
    lines = list(need.lines.select_related("item"))
    own = {line.pk: line.item is not None and line.item.provider_id == provider.pk for line in lines}
    tiers = items_price_tiers(items=[line.item for line in lines if own[line.pk]])
    return {line.pk: services.tier_price(tiers.get(line.item_id, []), line.quantity) if own[line.pk] else None
            for line in lines}


def _form(request: HttpRequest, need: Need, provider: Provider | None,
          initial: dict | None = None) -> QuotationForm:
    return QuotationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        need_lines=list(need.lines.select_related("item").order_by("pk")),
        list_prices=_list_prices(need, provider),
    )


def _form_provider(request: HttpRequest, need: Need) -> Provider | None:
    membership = membership_of(request.user)
    if membership.role in PROVIDER_ROLES:
        return membership.provider
    provider_id = request.GET.get("provider") or request.POST.get("provider") or ""
    if (wanted := parse_id(provider_id)) is not None:
        for assignment in need.assignments.filter(is_active=True).select_related("provider"):
            if assignment.provider_id == wanted:
                return assignment.provider
    return need.provider


def _show_form(request: HttpRequest, form: QuotationForm, context: dict) -> Callable[..., HttpResponse]:
    """The pricing form again: bad input is on its fields already; another refusal goes above them."""
    def show(error: ApplicationError | None) -> HttpResponse:
        if error is not None:
            form.add_error(None, str(error.message))
        return render(request, "commerce/quotation_form.html", context)

    return show


@page(roles=PREPARERS, model=Need)
def quotation_create(request: HttpRequest, need_pk: int) -> HttpResponse:
    """Price a need: list prices filled in; a changed price needs its reason. Bad input: 422."""
    need = selectors.quotation_need_get(user=request.user, pk=need_pk)
    provider = _form_provider(request, need)
    form = _form(request, need, provider)
    context = {
        "form": form,
        "need": need,
        "provider": provider,
        "quotation": None,
        "vat_percent": settings.HAMYAR_VAT_PERCENT,
    }
    if request.method != "POST":
        return render(request, "commerce/quotation_form.html", context)
    if not form.is_valid():
        return render(request, "commerce/quotation_form.html", context, status=422)
    data = form.cleaned_data
    return page_action(
        request,
        lambda: services.quotation_create(
            need=need, acting_user=request.user, provider=provider, lines=form.lines(),
            valid_until=data.get("valid_until"), lead_time_days=data.get("lead_time_days"),
            note=data.get("note") or "",
        ),
        redirect_to=lambda quotation: reverse("commerce:quotation_detail", args=[quotation.pk]),
        show=_show_form(request, form, context), forms=[form], success=_("The draft quotation was saved."),
    )


@page(roles=PREPARERS, model=Quotation)
def quotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quotation = selectors.quotation_get(user=request.user, pk=pk)
    need = quotation.need
    lines = {line.need_line_id: line for line in quotation.lines.all() if line.need_line_id}
    initial = {
        "valid_until": quotation.valid_until,
        "lead_time_days": quotation.lead_time_days,
        "note": quotation.note,
    }
    for need_line_id, line in lines.items():
        initial[f"price_{need_line_id}"] = line.unit_price
        initial[f"reason_{need_line_id}"] = line.price_reason
    for i, line in enumerate(quotation.lines.filter(need_line__isnull=True).order_by("pk")):
        initial.update(
            {
                f"desc_{i}": line.description,
                f"qty_{i}": line.quantity,
                f"unit_{i}": line.unit,
                f"free_price_{i}": line.unit_price,
            }
        )
    form = _form(request, need, quotation.provider, initial)
    context = {
        "form": form,
        "need": need,
        "provider": quotation.provider,
        "quotation": quotation,
        "vat_percent": settings.HAMYAR_VAT_PERCENT,
    }
    if request.method != "POST":
        if "edit" not in selectors.quotation_actions(quotation=quotation, user=request.user):
            raise ApplicationError(_("Only a draft quotation can be edited."), code="quotation_state")
        return render(request, "commerce/quotation_form.html", context)
    if not form.is_valid():
        return render(request, "commerce/quotation_form.html", context, status=422)
    data = form.cleaned_data
    return page_action(
        request,
        lambda: services.quotation_update(
            quotation=quotation, acting_user=request.user, lines=form.lines(),
            valid_until=data.get("valid_until"), lead_time_days=data.get("lead_time_days"),
            note=data.get("note") or "",
        ),
        redirect_to=reverse("commerce:quotation_detail", args=[quotation.pk]),
        show=_show_form(request, form, context), forms=[form], success=_("The quotation was saved."),
    )


urlpatterns = [
    path("quotations/<int:pk>/edit/", quotation_edit, name="quotation_edit"),
    path("needs/<int:need_pk>/quotations/new/", quotation_create, name="quotation_create"),
]
