"""Dashboards over HTTP: a provider's scorecard, at the path it had under commerce
(`/commerce/providers/{id}/scorecard`), since commerce sits below insights and may not serve it.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hamyar.commerce.api.orders import RatingOut
from hamyar.core.apikit import PathId, Ref, describe
from hamyar.directory.models import Provider

from . import selectors

router = Router(tags=["insights"])


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
    }
