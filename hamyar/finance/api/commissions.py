"""Supplier commissions by API: calculate an agreement's period, settle it, read them."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from hamyar.core.apikit import (
    DateInput,
    Id,
    InputSchema,
    NumberRef,
    PageQuery,
    PathId,
    Ref,
    describe,
    jalali_text,
    page_of,
    paginate,
    resolve_refs,
    text,
)
from hamyar.core.errors import InvalidInput

from .. import selectors, services
from ..choices import SettlementStatus
from ..filters import SettlementFilter
from ..models import CommissionSettlement

router = Router(tags=["finance"])


class SettlementOut(Schema):
    id: int
    agreement: NumberRef
    supplier: Ref
    period_start: dt.date
    period_start_jalali: str
    period_end: dt.date
    period_end_jalali: str
    sales_total: int = Field(..., description="Rial, before VAT.")
    commission_percent: float
    commission_amount: int = Field(..., description="Rial, rounded half up once.")
    invoice_count: int
    status: SettlementStatus
    status_label: str
    reference: str
    settled_on: dt.date | None
    settled_on_jalali: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_period_start_jalali(obj: CommissionSettlement) -> str:
        return jalali_text(obj.period_start)

    @staticmethod
    def resolve_period_end_jalali(obj: CommissionSettlement) -> str:
        return jalali_text(obj.period_end)

    @staticmethod
    def resolve_settled_on_jalali(obj: CommissionSettlement) -> str | None:
        return jalali_text(obj.settled_on)

    @staticmethod
    def resolve_commission_percent(obj: CommissionSettlement) -> float:
        return float(obj.commission_percent)

    @staticmethod
    def resolve_status_label(obj: CommissionSettlement) -> str:
        return str(obj.get_status_display())


class CalculateIn(InputSchema):
    agreement: Id | None = Field(None, description="The agency agreement.")
    period_start: DateInput | None = Field(None, description="The first day.")
    period_end: DateInput | None = Field(None, description="The last day.")


class SettleIn(InputSchema):
    reference: text(200) = ""
    settled_on: DateInput | None = Field(None, description="Today when left out.")



SettlementQuery = SettlementFilter.query_schema()


@router.get(
    "/commissions",
    response={200: page_of(SettlementOut)},
    openapi_extra=describe(CommissionSettlement),
)
def list_commissions(
    request: HttpRequest, filters: Query[SettlementQuery], page: Query[PageQuery]  # type: ignore[valid-type]
) -> Any:
    """Commission settlements: all for the organization's officers, a supplier's own for its users."""
    return paginate(selectors.settlement_list(user=request.auth, filters=filters.model_dump()), page)


@router.post(
    "/commissions", response={201: SettlementOut}, openapi_extra=describe(CommissionSettlement)
)
def calculate_commission(request: HttpRequest, payload: CalculateIn) -> Any:
    """Calculate an agreement's commission for a period (once per agreement and period)."""
    if payload.agreement is None:
        message = _("Choose the agency agreement.")
        raise InvalidInput(message, extra={"fields": {"agreement": [message]}})
    refs = resolve_refs(request.auth, payload.model_dump(), agreement=selectors.agreement_get)
    start, end = payload.period_start, payload.period_end
    settlement = services.commission_calculate(
        agreement=refs["agreement"], acting_user=request.auth, period_start=start, period_end=end
    )
    return Status(201, selectors.settlement_get(user=request.auth, pk=settlement.pk))


@router.get(
    "/commissions/{id}",
    response={200: SettlementOut},
    openapi_extra=describe(CommissionSettlement),
)
def get_commission(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.settlement_get(user=request.auth, pk=id)


@router.post(
    "/commissions/{id}/settle",
    response={200: SettlementOut},
    openapi_extra=describe(CommissionSettlement),
)
def settle_commission(request: HttpRequest, payload: SettleIn, id: int = PathId) -> Any:
    """Calculated → settled, with the reference and date of the settlement."""
    settlement = selectors.settlement_get(user=request.auth, pk=id)
    settled_on = payload.settled_on or timezone.localdate()
    services.commission_settle(
        settlement=settlement, acting_user=request.auth, reference=payload.reference, settled_on=settled_on
    )
    return selectors.settlement_get(user=request.auth, pk=id)
