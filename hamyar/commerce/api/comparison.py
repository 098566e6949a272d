"""Competing quotations of one need side by side over HTTP (officers and executives)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from hamyar.core.apikit import PathId, describe
from hamyar.needs.models import Need

from .. import selectors
from ..models import Quotation
from .quotations import QuotationNeedRef, QuotationOut

router = Router(tags=["quotations"])


class CellOut(Schema):
    quotation: int
    unit_price: int | None = None
    amount: int | None = None
    price_reason: str = ""


class RowOut(Schema):
    description: str
    quantity: int | None
    unit: str
    cells: list[CellOut]


class ComparedOut(QuotationOut):
    provider_rating: str | None = None
    provider_rated_orders: int = 0
    provider_on_time_rate: str | None = None
    choice_reason: str = ""

    @staticmethod
    def resolve_provider_rating(obj: Quotation) -> str | None:
        return str(obj.provider.rating) if obj.provider.rated_orders else None

    @staticmethod
    def resolve_provider_rated_orders(obj: Quotation) -> int:
        return obj.provider.rated_orders

    @staticmethod
    def resolve_provider_on_time_rate(obj: Quotation) -> str | None:
        return str(obj.provider.on_time_rate) if obj.provider.rated_orders else None


class ComparisonOut(Schema):
    need: QuotationNeedRef
    quotations: list[ComparedOut]
    rows: list[RowOut]
    cheapest: int | None = None
    fastest: int | None = None


@router.get(
    "/needs/{id}/quotation-comparison", response={200: ComparisonOut}, openapi_extra=describe(Need)
)
def compare_quotations(request: HttpRequest, id: int = PathId) -> Any:
    """Competing quotations of a need side by side (officers and executives)."""
    need = selectors.quotation_need_get(user=request.auth, pk=id)
    comparison = selectors.quotation_comparison(user=request.auth, need=need)
    rows = [
        {
            "description": label,
            "quantity": quantity,
            "unit": unit,
            "cells": [
                {
                    "quotation": q.pk,
                    "unit_price": cell.unit_price if cell else None,
                    "amount": cell.amount if cell else None,
                    "price_reason": cell.price_reason if cell else "",
                }
                for q, cell in zip(comparison.quotations, cells, strict=True)
            ],
        }
        for label, quantity, unit, cells in comparison.rows
    ]
    for q in comparison.quotations:
        q.need = need
    return {
        "need": need,
        "quotations": comparison.quotations,
        "rows": rows,
        "cheapest": comparison.cheapest_id,
        "fastest": comparison.fastest_id,
    }
