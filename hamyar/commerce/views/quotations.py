"""Quotation pages: lists by role, the quotation with its approval chain and actions, the side-by-side
comparison of competing quotations and the PDF (the pricing form: `pricing.py`; the thresholds: `policy.py`).

Every view reads through a scoped selector and writes through one service; a refused step shows the
quotation again with the service's message, at its status (409, 422), writing nothing (`page_action`).
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.access import ALL_ROLES
from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page, page_action, render_list
from hamyar.core.roles import Role
from hamyar.core.scoping import role_of
from hamyar.needs.models import Need

from .. import documents, selectors, services
from ..choices import MUNICIPALITY, OFFICER_ROLES, QUOTATION_LIFECYCLE, QuotationAction, QuotationStatus
from ..filters import QuotationFilter
from ..forms import ReasonForm
from ..models import Quotation

QUOTATION_READERS = ALL_ROLES
# Each step's route admits the roles its lifecycle step names (the service checks them again, with scope
# and state, in core.lifecycle.transition).
STEP_ROLES = {action: step.roles for action, step in QUOTATION_LIFECYCLE.steps.items()}
COMPARISON_READERS = OFFICER_ROLES | {Role.EXECUTIVE}
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
    filters = QuotationFilter(request.GET)
    values = filters.values()
    rows = selectors.quotation_list(user=user, filters=values)
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
            "filters": filters,
            "status": values.get("status", ""),
            "statuses": statuses,
            "waiting": waiting,
            "role": role,
            "is_municipality": role in MUNICIPALITY,
            "is_executive": role == Role.EXECUTIVE,
        },
    )


# ---------------------------------------------------------------- one quotation


def _detail_context(request: HttpRequest, quotation: Quotation, **extra: Any) -> dict:
    policy = selectors.commerce_policy_get(organization_id=quotation.organization_id)
    actions = selectors.quotation_actions(quotation=quotation, user=request.user)
    return {
        "quotation": quotation,
        "lines": selectors.quotation_lines(quotation=quotation),
        "steps": selectors.quotation_approval_steps(quotation=quotation, policy=policy),
        "policy": policy,
        "actions": actions,
        "reject_form": extra.pop("reject_form", None) or ReasonForm(prefix="reject"),
        "choose_form": extra.pop("choose_form", None) or ReasonForm(prefix="choose"),
        "is_officer": selectors.quotation_sees_competition(user=request.user),
        "order": getattr(quotation, "order", None) if quotation.status == QuotationStatus.APPROVED else None,
        **extra,
    }


@page(roles=QUOTATION_READERS, model=Quotation)
def quotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quotation = selectors.quotation_get(user=request.user, pk=pk)
    return render(request, "commerce/quotation_detail.html", _detail_context(request, quotation))


@page(roles=QUOTATION_READERS, model=Quotation)
def quotation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The quotation as a Persian PDF, for whoever may see the quotation."""
    quotation = selectors.quotation_get(user=request.user, pk=pk)
    response = HttpResponse(documents.quotation_pdf_bytes(quotation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quotation.number}.pdf"'
    return response


def _step(request: HttpRequest, pk: int, act: Callable[[Quotation, str], object], *, success: str,
          form_key: str | None = None) -> HttpResponse:
    """POST one step of the quotation's lifecycle; a refusal shows the quotation again (page_action)."""
    # The service reads the quotation in the user's scope under its lock (404 first): not read here.
    quotation = Quotation(pk=pk)
    form = ReasonForm(request.POST, prefix=form_key) if form_key else None
    forms = {f"{form_key}_form": form, "open_form": form_key} if form_key else {}

    def show(error: ApplicationError | None) -> HttpResponse:
        fresh = selectors.quotation_get(user=request.user, pk=pk)
        return render(request, "commerce/quotation_detail.html",
                      _detail_context(request, fresh, error=error, **forms))

    if form is not None and not form.is_valid():
        response = show(None)
        response.status_code = 422
        return response
    reason = form.cleaned_data["reason"] if form is not None else ""
    return page_action(request, lambda: act(quotation, reason), show=show, success=success,
                       forms=[form] if form is not None else [],
                       redirect_to=reverse("commerce:quotation_detail", args=[pk]))


@page(roles=STEP_ROLES[QuotationAction.SEND], model=Quotation)
@require_POST
def quotation_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda q, _r: services.quotation_send(quotation=q, acting_user=request.user),
                 success=_("The quotation was sent."))


@page(roles=STEP_ROLES[QuotationAction.OFFER], model=Quotation)
@require_POST
def quotation_offer(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda q, _r: services.quotation_offer(quotation=q, acting_user=request.user),
                 success=_("The quotation was offered for comparison."))


@page(roles=STEP_ROLES[QuotationAction.CHOOSE], model=Quotation)
@require_POST
def quotation_choose(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk,
                 lambda q, r: services.quotation_choose(quotation=q, acting_user=request.user, reason=r),
                 success=_("The quotation was chosen and sent on."), form_key="choose")


@page(roles=STEP_ROLES[QuotationAction.DEPUTY_APPROVE], model=Quotation)
@require_POST
def quotation_deputy_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk,
                 lambda q, _r: services.quotation_deputy_approve(quotation=q, acting_user=request.user),
                 success=_("Approved: the quotation was sent to the municipality."))


@page(roles=STEP_ROLES[QuotationAction.APPROVE], model=Quotation)
@require_POST
def quotation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda q, _r: services.quotation_approve(quotation=q, acting_user=request.user),
                 success=_("The quotation was approved."))


@page(roles=STEP_ROLES[QuotationAction.REJECT], model=Quotation)
@require_POST
def quotation_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk,
                 lambda q, r: services.quotation_reject(quotation=q, acting_user=request.user, reason=r),
                 success=_("The quotation was rejected."), form_key="reject")


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
            "can_choose": role_of(request.user) in STEP_ROLES[QuotationAction.CHOOSE],
            "choose_form": ReasonForm(prefix="choose"),
        },
    )


urlpatterns = [
    path("quotations/", quotation_list, name="quotation_list"),
    path("quotations/<int:pk>/", quotation_detail, name="quotation_detail"),
    path("quotations/<int:pk>/pdf/", quotation_pdf, name="quotation_pdf"),
    path("quotations/<int:pk>/send/", quotation_send, name="quotation_send"),
    path("quotations/<int:pk>/offer/", quotation_offer, name="quotation_offer"),
    path("quotations/<int:pk>/choose/", quotation_choose, name="quotation_choose"),
    path("quotations/<int:pk>/deputy-approve/", quotation_deputy_approve, name="quotation_deputy_approve"),
    path("quotations/<int:pk>/approve/", quotation_approve, name="quotation_approve"),
    path("quotations/<int:pk>/reject/", quotation_reject, name="quotation_reject"),
    path("needs/<int:need_pk>/quotations/compare/", quotation_compare, name="quotation_compare"),
]
