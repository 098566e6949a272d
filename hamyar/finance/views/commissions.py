"""Supplier commissions: officers calculate an agreement's period and settle it; a supplier reads its own."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamyar.core.errors import ApplicationError
from hamyar.core.pages import page
from hamyar.core.roles import Role
from hamyar.core.scoping import role_of
from hamyar.directory import selectors as directory
from hamyar.directory.models import AgencyAgreement

from .. import selectors, services
from ..choices import SETTLEMENT_LIFECYCLE, SettlementAction, SettlementStatus
from ..filters import SettlementFilter
from ..forms import CommissionCalculateForm, SettleForm
from ..models import CommissionSettlement
from .common import COMMISSION_READERS, WRITERS, form_action, once_done


def _agreements(request: HttpRequest) -> QuerySet[AgencyAgreement]:
    """The agency agreements whose commissions the officers calculate, by supplier."""
    return directory.agreement_list(user=request.user).order_by("supplier__name", "-starts_on", "pk")


def _commission_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    role = role_of(request.user)
    writer = role in WRITERS
    settlements = selectors.settlement_list(user=request.user, filters=SettlementFilter(request.GET).values())
    return {
        "settlements": list(settlements),
        "agreements": list(_agreements(request)) if writer else [],
        "is_writer": writer,
        "is_supplier": role == Role.SUPPLIER_USER,
        "calculate_form": extra.pop("calculate_form", None) or CommissionCalculateForm(),
        "settled_status": SettlementStatus.SETTLED,
        **extra,
    }


@page(roles=COMMISSION_READERS, model=CommissionSettlement)
def commission_list(request: HttpRequest) -> HttpResponse:
    """Officers: each agreement with a period to calculate, and every settlement; a supplier its own."""
    return render(request, "finance/commission_list.html", _commission_context(request))


@require_POST
@page(roles=WRITERS, model=AgencyAgreement)
def commission_calculate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    form = CommissionCalculateForm(request.POST)
    made: list[CommissionSettlement] = []

    def show(error: ApplicationError | None) -> HttpResponse:
        return render(request, "finance/commission_list.html", _commission_context(
            request, calculate_form=form, calculate_for=agreement.pk, error=error))

    return form_action(
        request, form,
        lambda: made.append(services.commission_calculate(agreement=agreement, acting_user=request.user,
                                                          **form.cleaned_data)),
        redirect_to=once_done(lambda: reverse("finance:commission_detail", args=[made[0].pk])),
        show=show,
        success=_("The commission of agreement %(number)s was calculated.") % {"number": agreement.number},
    )


def _settlement_context(
    request: HttpRequest, settlement: CommissionSettlement, **extra: Any
) -> dict[str, Any]:
    actions = SETTLEMENT_LIFECYCLE.allowed_actions(settlement.status, role_of(request.user))
    return {
        "settlement": settlement,
        "can_settle": SettlementAction.SETTLE in actions,
        "settle_form": extra.pop("settle_form", None)
        or SettleForm(initial={"settled_on": timezone.localdate()}),
        **extra,
    }


@page(roles=COMMISSION_READERS, model=CommissionSettlement)
def commission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, pk=pk)
    return render(request, "finance/commission_detail.html", _settlement_context(request, settlement))


@require_POST
@page(roles=SETTLEMENT_LIFECYCLE.step(SettlementAction.SETTLE).roles, model=CommissionSettlement)
def commission_settle(request: HttpRequest, pk: int) -> HttpResponse:
    settlement = selectors.settlement_get(user=request.user, pk=pk)
    form = SettleForm(request.POST)

    def show(error: ApplicationError | None) -> HttpResponse:
        # A refused state may come from someone else's change since the page was drawn: read it again.
        current = settlement if error is None else selectors.settlement_get(user=request.user, pk=pk)
        return render(request, "finance/commission_detail.html",
                      _settlement_context(request, current, settle_form=form, error=error))

    return form_action(
        request, form,
        lambda: services.commission_settle(settlement=settlement, acting_user=request.user,
                                           **form.cleaned_data),
        redirect_to=reverse("finance:commission_detail", args=[pk]),
        show=show,
        success=_("The commission was settled; the supplier was told."),
    )
