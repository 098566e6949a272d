"""Quotation pages: lists by role, the quotation with its approval chain and actions, the pricing form,
the side-by-side comparison of competing quotations, the PDF, and the organization's thresholds.

Every view reads through a scoped selector and writes through one service; a refused action shows
the quotation again with the service's message, at the service's status (409, 422), writing nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.catalog.selectors import items_price_tiers
from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError, InvalidInput, PermissionDenied
from hamyar.core.money import format_toman
from hamyar.core.pages import page, render_list
from hamyar.core.pdf import html_to_pdf, pdf_fonts
from hamyar.core.roles import MUNICIPALITY_ROLES, ORGANIZATION_WIDE_ROLES, PROVIDER_ROLES, Role
from hamyar.core.scoping import membership_of, role_of
from hamyar.core.text import parse_id
from hamyar.needs.models import Need

from .. import selectors, services
from ..choices import QuotationStatus
from ..forms import PolicyForm, QuotationForm, ReasonForm
from ..models import CommercePolicy, Quotation

QUOTATION_READERS = ALL_ROLES
PREPARERS = frozenset({*services.OFFICER_ROLES, *PROVIDER_ROLES})
OFFICERS = frozenset(services.OFFICER_ROLES)
COMPARISON_READERS = frozenset({*services.OFFICER_ROLES, Role.EXECUTIVE})
POLICY_READERS = ORGANIZATION_WIDE_ROLES
MUNICIPALITY = frozenset(MUNICIPALITY_ROLES)
MUNICIPALITY_STATUSES = frozenset(
    {
        QuotationStatus.SENT,
        QuotationStatus.AWAITING_MAYOR,
        QuotationStatus.APPROVED,
        QuotationStatus.REJECTED,
        QuotationStatus.EXPIRED,
        QuotationStatus.SUPERSEDED,
    }
)


# ---------------------------------------------------------------- lists


@page(roles=QUOTATION_READERS, model=Quotation)
def quotation_list(request: HttpRequest) -> HttpResponse:
    """Everything in scope (filtered by status), with what waits for this user first."""
    user = request.user
    status = request.GET.get("status", "")
    if status not in QuotationStatus.values:
        status = ""
    need = request.GET.get("need", "")
    rows = selectors.quotation_list(user=user, status=status or None,
                                    need_id=parse_id(need))
    waiting = list(selectors.quotation_list(user=user, waiting=True)[:20])
    role = role_of(user)
    statuses = QuotationStatus.choices
    if role in MUNICIPALITY:  # what never reaches a municipality is not offered as a filter
        statuses = [(v, label) for v, label in statuses if v in MUNICIPALITY_STATUSES]
    return render_list(
        request,
        template="commerce/quotation_list.html",
        fragment="commerce/partials/quotation_rows.html",
        rows=rows,
        context={
            "status": status,
            "statuses": statuses,
            "waiting": waiting,
            "role": role,
            "is_municipality": role in MUNICIPALITY,
            "is_executive": role == Role.EXECUTIVE,
        },
    )


# ---------------------------------------------------------------- one quotation


def _detail_context(request: HttpRequest, quotation: Quotation, **extra) -> dict:
    policy = selectors.quotation_policy(organization_id=quotation.organization_id)
    actions = selectors.quotation_actions(quotation=quotation, user=request.user)
    membership = membership_of(request.user)
    return {
        "quotation": quotation,
        "lines": selectors.quotation_lines(quotation=quotation),
        "steps": selectors.quotation_approval_steps(quotation=quotation, policy=policy),
        "policy": policy,
        "actions": actions,
        "reject_form": extra.pop("reject_form", None) or ReasonForm(prefix="reject"),
        "choose_form": extra.pop("choose_form", None) or ReasonForm(prefix="choose"),
        "is_officer": membership is not None and membership.role in ORGANIZATION_WIDE_ROLES,
        "order": getattr(quotation, "order", None) if quotation.status == QuotationStatus.APPROVED else None,
        **extra,
    }


@page(roles=QUOTATION_READERS, model=Quotation)
def quotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quotation = selectors.quotation_get(user=request.user, pk=pk)
    return render(request, "commerce/quotation_detail.html", _detail_context(request, quotation))


def quotation_pdf_bytes(quotation: Quotation) -> bytes:
    """The PDF of a quotation: right to left, Vazirmatn embedded from the installed package."""
    return html_to_pdf(quotation_pdf_html(quotation))


def quotation_pdf_html(quotation: Quotation) -> str:
    from django.utils import translation

    policy = selectors.quotation_policy(organization_id=quotation.organization_id)
    with translation.override("fa"):
        return render_to_string(
            "commerce/pdf/quotation.html",
            {
                "quotation": quotation,
                "lines": selectors.quotation_lines(quotation=quotation),
                "steps": selectors.quotation_approval_steps(quotation=quotation, policy=policy),
                **pdf_fonts(),
                "organization": quotation.organization,
                "total_toman": format_toman(quotation.total),
            },
        )


@page(roles=QUOTATION_READERS, model=Quotation)
def quotation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The quotation as a Persian PDF, for whoever may see the quotation."""
    quotation = selectors.quotation_get(user=request.user, pk=pk)
    response = HttpResponse(quotation_pdf_bytes(quotation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quotation.number}.pdf"'
    return response


def _act(
    request: HttpRequest, pk: int, perform, *, success: str, form_key: str | None = None
) -> HttpResponse:
    """Run one transition; on refusal show the quotation again with the message, nothing written."""
    quotation = selectors.quotation_get(user=request.user, pk=pk)
    form = None
    if form_key:
        form = ReasonForm(request.POST, prefix=form_key)
        if not form.is_valid():
            context = _detail_context(request, quotation, **{f"{form_key}_form": form, "open_form": form_key})
            return render(request, "commerce/quotation_detail.html", context, status=422)
    try:
        perform(quotation, form.cleaned_data["reason"] if form else None)
    except InvalidInput as error:
        if form is not None:
            form.add_service_error(error)
        context = _detail_context(
            request,
            quotation,
            error=error,
            open_form=form_key,
            **({f"{form_key}_form": form} if form_key else {}),
        )
        return render(request, "commerce/quotation_detail.html", context, status=error.status)
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        context = _detail_context(request, selectors.quotation_get(user=request.user, pk=pk), error=error)
        return render(request, "commerce/quotation_detail.html", context, status=error.status)
    messages.success(request, success)
    return redirect("commerce:quotation_detail", pk=pk)


@page(roles=PREPARERS, model=Quotation)
@require_POST
def quotation_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda q, _r: services.quotation_send(quotation=q, acting_user=request.user),
        success=_("The quotation was sent."),
    )


@page(roles=PREPARERS, model=Quotation)
@require_POST
def quotation_offer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda q, _r: services.quotation_offer(quotation=q, acting_user=request.user),
        success=_("The quotation was offered for comparison."),
    )


@page(roles=OFFICERS, model=Quotation)
@require_POST
def quotation_choose(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda q, r: services.quotation_choose(quotation=q, acting_user=request.user, reason=r),
        success=_("The quotation was chosen and sent on."),
        form_key="choose",
    )


@page(roles={Role.EXECUTIVE}, model=Quotation)
@require_POST
def quotation_deputy_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda q, _r: services.quotation_deputy_approve(quotation=q, acting_user=request.user),
        success=_("Approved: the quotation was sent to the municipality."),
    )


@page(roles=MUNICIPALITY, model=Quotation)
@require_POST
def quotation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda q, _r: services.quotation_approve(quotation=q, acting_user=request.user),
        success=_("The quotation was approved."),
    )


@page(roles=MUNICIPALITY, model=Quotation)
@require_POST
def quotation_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda q, r: services.quotation_reject(quotation=q, acting_user=request.user, reason=r),
        success=_("The quotation was rejected."),
        form_key="reject",
    )


# ---------------------------------------------------------------- pricing form


def _list_prices(need: Need, provider) -> dict[int, int | None]:
    """`services.line_price` of every line, the tiers of all their items read at once."""
    if provider is None:
        return {}
    lines = [line for line in need.lines.select_related("item")]
    own = {line.pk: line.item is not None and line.item.provider_id == provider.pk for line in lines}
    tiers = items_price_tiers(items=[line.item for line in lines if own[line.pk]])
    return {line.pk: services.tier_price(tiers.get(line.item_id, []), line.quantity) if own[line.pk] else None
            for line in lines}


def _form(request: HttpRequest, need: Need, provider, initial: dict | None = None) -> QuotationForm:
    return QuotationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        need_lines=list(need.lines.select_related("item").order_by("pk")),
        list_prices=_list_prices(need, provider),
    )


def _form_provider(request: HttpRequest, need: Need):
    membership = membership_of(request.user)
    if membership.role in PROVIDER_ROLES:
        return membership.provider
    provider_id = request.GET.get("provider") or request.POST.get("provider") or ""
    if (wanted := parse_id(provider_id)) is not None:
        for assignment in need.assignments.filter(is_active=True).select_related("provider"):
            if assignment.provider_id == wanted:
                return assignment.provider
    return need.provider


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
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                quotation = services.quotation_create(
                    need=need,
                    acting_user=request.user,
                    provider=provider,
                    lines=form.lines(),
                    valid_until=data.get("valid_until"),
                    lead_time_days=data.get("lead_time_days"),
                    note=data.get("note") or "",
                )
            except InvalidInput as error:
                form.add_service_error(error)
            except ApplicationError as error:
                if error.status in (403, 404):
                    raise
                form.add_error(None, str(error.message))
                return render(request, "commerce/quotation_form.html", context, status=error.status)
            else:
                messages.success(request, _("The draft quotation was saved."))
                return redirect("commerce:quotation_detail", pk=quotation.pk)
        return render(request, "commerce/quotation_form.html", context, status=422)
    return render(request, "commerce/quotation_form.html", context)


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
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.quotation_update(
                    quotation=quotation,
                    acting_user=request.user,
                    lines=form.lines(),
                    valid_until=data.get("valid_until"),
                    lead_time_days=data.get("lead_time_days"),
                    note=data.get("note") or "",
                )
            except InvalidInput as error:
                form.add_service_error(error)
            except ApplicationError as error:
                if error.status in (403, 404):
                    raise
                form.add_error(None, str(error.message))
                return render(request, "commerce/quotation_form.html", context, status=error.status)
            else:
                messages.success(request, _("The quotation was saved."))
                return redirect("commerce:quotation_detail", pk=quotation.pk)
        return render(request, "commerce/quotation_form.html", context, status=422)
    if "edit" not in selectors.quotation_actions(quotation=quotation, user=request.user):
        raise ApplicationError(_("Only a draft quotation can be edited."), code="quotation_state")
    return render(request, "commerce/quotation_form.html", context)


# ---------------------------------------------------------------- comparison


@page(roles=COMPARISON_READERS, model=Need)
def quotation_compare(request: HttpRequest, need_pk: int) -> HttpResponse:
    need = selectors.quotation_need_get(user=request.user, pk=need_pk)
    comparison = selectors.quotation_comparison(user=request.user, need=need)
    return render(
        request,
        "commerce/quotation_compare.html",
        {
            "need": need,
            "comparison": comparison,
            "can_choose": role_of(request.user) in OFFICERS,
            "choose_form": ReasonForm(prefix="choose"),
        },
    )


# ---------------------------------------------------------------- policy


@page(roles=POLICY_READERS, model=CommercePolicy)
def commerce_policy(request: HttpRequest) -> HttpResponse:
    """The organization's thresholds; only its admin changes them (audited)."""
    membership = membership_of(request.user)
    policy = selectors.quotation_policy(organization_id=membership.organization_id)
    can_edit = membership.role == Role.ORG_ADMIN
    initial = {
        "deputy_approval_above": policy.deputy_approval_above,
        "mayor_approval_above": policy.mayor_approval_above,
        "quotation_validity_days": policy.quotation_validity_days,
    }
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied()
        if form.is_valid():
            try:
                services.commerce_policy_update(acting_user=request.user, data=dict(form.cleaned_data))
            except InvalidInput as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("The thresholds were saved."))
                return redirect("commerce:policy")
        return render(
            request,
            "commerce/quotation_policy.html",
            {"form": form, "policy": policy, "can_edit": can_edit},
            status=422,
        )
    return render(
        request, "commerce/quotation_policy.html", {"form": form, "policy": policy, "can_edit": can_edit}
    )


urlpatterns = [
    path("quotations/", quotation_list, name="quotation_list"),
    path("quotations/<int:pk>/", quotation_detail, name="quotation_detail"),
    path("quotations/<int:pk>/edit/", quotation_edit, name="quotation_edit"),
    path("quotations/<int:pk>/pdf/", quotation_pdf, name="quotation_pdf"),
    path("quotations/<int:pk>/send/", quotation_send, name="quotation_send"),
    path("quotations/<int:pk>/offer/", quotation_offer, name="quotation_offer"),
    path("quotations/<int:pk>/choose/", quotation_choose, name="quotation_choose"),
    path("quotations/<int:pk>/deputy-approve/", quotation_deputy_approve, name="quotation_deputy_approve"),
    path("quotations/<int:pk>/approve/", quotation_approve, name="quotation_approve"),
    path("quotations/<int:pk>/reject/", quotation_reject, name="quotation_reject"),
    path("needs/<int:need_pk>/quotations/new/", quotation_create, name="quotation_create"),
    path("needs/<int:need_pk>/quotations/compare/", quotation_compare, name="quotation_compare"),
    path("policy/", commerce_policy, name="policy"),
]
