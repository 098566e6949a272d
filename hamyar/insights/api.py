"""Dashboards over HTTP: a provider's scorecard, at the path it had under commerce
(`/commerce/providers/{id}/scorecard`), since commerce sits below insights and may not serve it.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hamyar.commerce.api.orders import RatingOut
from hamyar.core.apikit import PathId, Ref, describe
from hamyar.directory.models import Provider

from . import selectors

router = Router(tags=["insights"])


class MonthVolumeOut(Schema):
    month: int = Field(description="The Jalali year and month as one number, e.g. 140509.")
    orders: int
    amount: int = Field(description="Ordered, Rial.")


class LastMonthsOut(Schema):
    """The provider over the last twelve Jalali months, from its rollup cells."""

    first_month: int = Field(description="The window's first Jalali month, e.g. 140410.")
    orders: int
    amount: int = Field(description="Ordered, Rial.")
    closed: int
    on_time: int
    on_time_percent: float | None = Field(None, description="Closed by the due date, of those closed.")
    rated: int
    average: float | None = Field(None, description="The average score of the orders rated, 1–5.")
    low_ratings: int = Field(description="Ratings of 2 or less.")
    rejected_deliveries: int
    complaints: int = Field(description="low_ratings + rejected_deliveries.")
    recent_amount: int = Field(description="Ordered in the last six months, Rial.")
    earlier_amount: int = Field(description="Ordered in the six months before, Rial.")
    trend: str | None = Field(None, description="up, down or flat: recent_amount against earlier_amount.")
    agreement_ends_on: dt.date | None = Field(None, description="The end of its latest agency agreement.")
    months: list[MonthVolumeOut]


class ScorecardOut(Schema):
    provider: Ref
    average: float | None = Field(None, description="The average score, 1–5.")
    rated: int
    on_time_rate: float | None = Field(
        None, description="Share of rated orders delivered in full by their due date (0–1).")
    orders: int
    open: int
    closed: int
    deliveries_received: int
    deliveries_rejected: int
    score_counts: dict[int, int]
    ratings: list[RatingOut]
    last_months: LastMonthsOut | None = None


@router.get("/commerce/providers/{id}/scorecard", response={200: ScorecardOut},
            openapi_extra=describe(Provider))
def get_scorecard(request: HttpRequest, id: int = PathId) -> Any:
    """A provider's ratings, average, on-time rate and counts: for officers and the provider itself."""
    provider = selectors.provider_scorecard_get(user=request.auth, pk=id)
    card = selectors.provider_scorecard(user=request.auth, provider=provider)
    return {
        **{name: getattr(card, name) for name in (
            "rated", "orders", "open", "closed", "deliveries_received", "deliveries_rejected", "score_counts",
            "ratings")},
        "provider": provider,
        "average": float(card.average) if card.average is not None else None,
        "on_time_rate": float(card.on_time_rate) if card.on_time_rate is not None else None,
        "last_months": _last_months(card.figures),
    }


def _last_months(figures: selectors.ProviderFigures | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {
        **{name: getattr(figures, name) for name in (
            "first_month", "orders", "amount", "closed", "on_time", "rated", "low_ratings",
            "rejected_deliveries", "complaints", "recent_amount", "earlier_amount", "trend",
            "agreement_ends_on")},
        "on_time_percent": float(figures.on_time_percent) if figures.on_time_percent is not None else None,
        "average": float(figures.average) if figures.average is not None else None,
        "months": [{"month": m.month, "orders": m.orders, "amount": m.amount} for m in figures.months],
    }
