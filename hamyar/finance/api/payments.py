"""Payments by API: the payments the caller may see (recording one is an action on its invoice)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hamyar.core.apikit import NumberRef, PageQuery, PathId, describe, jalali_text, page_of, paginate

from .. import selectors
from ..choices import PaymentMethod
from ..filters import PaymentFilter
from ..models import Payment

router = Router(tags=["finance"])


class PaymentOut(Schema):
    id: int
    invoice: NumberRef
    amount: int = Field(..., description="Rial")
    paid_on: dt.date
    paid_on_jalali: str
    reference: str
    method: PaymentMethod
    method_label: str
    recorded_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_paid_on_jalali(obj: Payment) -> str:
        return jalali_text(obj.paid_on)

    @staticmethod
    def resolve_method_label(obj: Payment) -> str:
        return str(obj.get_method_display())

    @staticmethod
    def resolve_recorded_by(obj: Payment) -> str:
        return obj.recorded_by.get_username()


PaymentQuery = PaymentFilter.query_schema()


@router.get("/payments", response={200: page_of(PaymentOut)}, openapi_extra=describe(Payment))
def list_payments(request: HttpRequest, filters: Query[PaymentQuery], page: Query[PageQuery]) -> Any:  # type: ignore[valid-type]
    return paginate(selectors.payment_list(user=request.auth, filters=filters.model_dump()), page)


@router.get("/payments/{id}", response={200: PaymentOut}, openapi_extra=describe(Payment))
def get_payment(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.payment_get(user=request.auth, pk=id)
