"""A provider's scorecard: what the municipalities' ratings and the deliveries say about it, for the
organization's officers and for the provider itself (matching ranks providers by the same figures,
which the rating service keeps on the provider); and the scorecards of every provider side by side,
the basis on which the organization renews an agency agreement.

The figures of the last twelve Jalali months (`ProviderFigures`) are read from the provider's cells
(`ProviderMonth`): volume, on-time and ratings. Complaints are counted from the provider's own ratings
and deliveries in the same months: a rating of 2 or less, and a delivery the municipality rejected.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.commerce.choices import DeliveryStatus
from hamyar.commerce.models import Delivery, Rating
from hamyar.commerce.selectors import SCORECARD_READERS, complaints_by_provider
from hamyar.core.roles import Role
from hamyar.core.scoping import membership_of, require_role, scope, scoped_get
from hamyar.directory.models import AgencyAgreement, Provider

from ..models import OrderFact, ProviderMonth
from .dashboard import fresh
from .monthly import last_months, month_label, month_start

__all__ = ["SCORECARD_LIST_READERS", "SCORECARD_SORTS", "ProviderMonthVolume", "ProviderFigures", "Scorecard",
           "provider_figures", "provider_scorecard", "provider_scorecard_get", "provider_scorecards"]

SCORECARD_MONTHS = 12  # the window of the figures; the trend compares its two halves
COMPLAINT_SCORE = 2  # a rating at or below this is a complaint
SCORECARD_LIST_READERS = frozenset({Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.EXECUTIVE})
CELL_SUMS = ("orders", "amount", "closed", "on_time", "rated", "score_sum")


@dataclass(frozen=True)
class ProviderMonthVolume:
    month: int
    label: str
    orders: int
    amount: int


@dataclass
class ProviderFigures:
    """A provider over the last twelve Jalali months: volume, on-time and ratings from its cells,
    complaints (its low ratings, its rejected deliveries and the complaints filed about it), and the end
    of its latest agency agreement."""

    provider: Provider
    first_month: int
    orders: int = 0
    amount: int = 0
    closed: int = 0
    on_time: int = 0
    rated: int = 0
    score_sum: int = 0
    recent_amount: int = 0  # the last six months
    earlier_amount: int = 0  # the six before
    low_ratings: int = 0
    rejected_deliveries: int = 0
    filed_complaints: int = 0  # complaints on record about it (commerce's Complaint), not withdrawn
    agreement_ends_on: dt.date | None = None
    months: list[ProviderMonthVolume] = field(default_factory=list)

    @property
    def on_time_percent(self) -> Decimal | None:
        """Orders closed by their due date, of the orders closed."""
        return (Decimal(100) * self.on_time / self.closed).quantize(Decimal("0.1")) if self.closed else None

    @property
    def average(self) -> Decimal | None:
        return (Decimal(self.score_sum) / self.rated).quantize(Decimal("0.01")) if self.rated else None

    @property
    def complaints(self) -> int:
        return self.low_ratings + self.rejected_deliveries + self.filed_complaints

    @property
    def trend(self) -> str | None:
        """"up", "down" or "flat": the ordered amount of the last six months against the six before;
        None when there was none in either."""
        if not self.recent_amount and not self.earlier_amount:
            return None
        if self.recent_amount == self.earlier_amount:
            return "flat"
        return "up" if self.recent_amount > self.earlier_amount else "down"

    @property
    def trend_percent(self) -> Decimal | None:
        """The change of the last six months against the six before, in percent."""
        if not self.earlier_amount:
            return None
        change = Decimal(100) * (self.recent_amount - self.earlier_amount) / self.earlier_amount
        return change.quantize(Decimal("0.1"))

    @property
    def top_month_amount(self) -> int:
        return max((m.amount for m in self.months), default=0)


# The list's `sort` values: each a key on ProviderFigures (ascending; "-amount" descends). A provider
# without the figure (not rated, no agreement) goes last whichever way.
SCORECARD_SORTS: dict[str, Callable[[ProviderFigures], Any]] = {
    "name": lambda f: f.provider.name,
    "kind": lambda f: f.provider.kind,
    "orders": lambda f: f.orders,
    "amount": lambda f: f.amount,
    "on_time": lambda f: f.on_time_percent,
    "rating": lambda f: f.average,
    "complaints": lambda f: f.complaints,
    "trend": lambda f: f.trend_percent,
    "agreement": lambda f: f.agreement_ends_on,
}
DEFAULT_SORT = "-amount"


@dataclass
class Scorecard:
    """What the municipalities' ratings and the deliveries say about a provider."""

    provider: Provider
    average: Decimal | None
    rated: int
    on_time_rate: Decimal | None
    orders: int = 0
    open: int = 0
    closed: int = 0
    deliveries_received: int = 0
    deliveries_rejected: int = 0
    score_counts: dict[int, int] = field(default_factory=dict)
    ratings: list[Rating] = field(default_factory=list)
    figures: ProviderFigures | None = None  # the last twelve months, from the cells

    @property
    def on_time_percent(self) -> Decimal | None:
        return None if self.on_time_rate is None else self.on_time_rate * 100


def provider_scorecard_get(*, user: User, pk: int) -> Provider:
    """The provider whose scorecard the user may read: any for officers, its own for a provider user."""
    provider = scoped_get(Provider.objects.all(), user, pk=pk)
    require_role(user, *SCORECARD_READERS)
    return provider


def provider_scorecard(*, user: User, provider: Provider, limit: int = 50) -> Scorecard:
    """The scorecard: the figures kept on the provider by the rating service, counts, latest ratings.

    The counts over all time are summed from the orders' facts (one row per order, read from an index),
    not from the orders, deliveries and ratings themselves: a provider may have hundreds of thousands."""
    membership = membership_of(user)
    if membership is not None:
        fresh(membership.organization_id)
    facts = scope(OrderFact.objects.filter(provider=provider), user).order_by()
    orders = facts.aggregate(
        n_total=Count("*"), n_open=Sum("open"), n_closed=Sum("closed"),
        n_received=Sum("deliveries_received"), n_rejected=Sum("deliveries_rejected"))
    counts = dict(facts.filter(rated=1).values_list("score").annotate(n=Count("*")).values_list("score", "n"))
    ratings = scope(Rating.objects.filter(provider=provider), user)
    return Scorecard(
        provider=provider, average=provider.rating, rated=provider.rated_orders,
        on_time_rate=provider.on_time_rate, orders=orders["n_total"], open=orders["n_open"] or 0,
        closed=orders["n_closed"] or 0, deliveries_received=orders["n_received"] or 0,
        deliveries_rejected=orders["n_rejected"] or 0,
        score_counts={score: counts.get(score, 0) for score in range(5, 0, -1)},
        ratings=list(ratings.select_related("order", "order__municipality", "rated_by")
                     .order_by("-created_at", "-pk")[:limit]),
        figures=provider_figures(user=user, provider=provider),
    )


def _window(months: list[int]) -> dt.datetime:
    """The first moment of the window's first month, in Tehran."""
    return dt.datetime.combine(month_start(months[0]), dt.time.min, tzinfo=timezone.get_default_timezone())


def _fill(figures: dict[int, ProviderFigures], user: User, months: list[int]) -> None:
    """Add to each provider's figures its cells, complaints and agreement, one query each for all."""
    ids = list(figures)
    membership = membership_of(user)
    if membership is not None:
        fresh(membership.organization_id)
    half = months[len(months) // 2]
    sums: dict[str, Any] = {name: Sum(name) for name in CELL_SUMS}
    cells = scope(ProviderMonth.objects.filter(provider_id__in=ids, month__gte=months[0]), user).order_by()
    for found in cells.values("provider_id").annotate(
            recent=Sum("amount", filter=Q(month__gte=half)), earlier=Sum("amount", filter=Q(month__lt=half)),
            **sums):
        row: dict[str, Any] = dict(found)
        target = figures[row["provider_id"]]
        for name in CELL_SUMS:
            setattr(target, name, row[name] or 0)
        target.recent_amount, target.earlier_amount = row["recent"] or 0, row["earlier"] or 0
    since = _window(months)
    low = (scope(Rating.objects.filter(provider_id__in=ids, score__lte=COMPLAINT_SCORE,
                                       created_at__gte=since), user)
           .order_by().values("provider_id").annotate(n=Count("pk")).values_list("provider_id", "n"))
    for provider_id, n in low:
        figures[provider_id].low_ratings = n
    rejected = (scope(Delivery.objects.filter(order__provider_id__in=ids, status=DeliveryStatus.REJECTED,
                                              delivered_on__gte=since.date()), user)
                .order_by().values("order__provider_id").annotate(n=Count("pk"))
                .values_list("order__provider_id", "n"))
    for provider_id, n in rejected:
        figures[provider_id].rejected_deliveries = n
    for provider_id, counts in complaints_by_provider(user, ids).items():
        figures[provider_id].filed_complaints = counts.total
    ends = (scope(AgencyAgreement.objects.filter(supplier_id__in=ids), user).order_by()
            .values("supplier_id").annotate(end=Max("ends_on")).values_list("supplier_id", "end"))
    for provider_id, end in ends:
        figures[provider_id].agreement_ends_on = end


def provider_figures(*, user: User, provider: Provider) -> ProviderFigures:
    """One provider's figures of the last twelve Jalali months, with its volume month by month."""
    months = last_months(SCORECARD_MONTHS)
    figures = ProviderFigures(provider=provider, first_month=months[0])
    _fill({provider.pk: figures}, user, months)
    per_month: dict[int, dict[str, Any]] = {
        row["month"]: dict(row) for row in
        scope(ProviderMonth.objects.filter(provider=provider, month__gte=months[0]), user).order_by()
        .values("month").annotate(orders=Sum("orders"), amount=Sum("amount"))}
    figures.months = [
        ProviderMonthVolume(month, month_label(month), (per_month.get(month) or {}).get("orders") or 0,
                            (per_month.get(month) or {}).get("amount") or 0)
        for month in months]
    return figures


def provider_scorecards(*, user: User, sort: str = "") -> tuple[list[ProviderFigures], str]:
    """Every staff unit, affiliated company and represented supplier of the organization with its
    figures of the last twelve months, sorted by `sort` (a key of SCORECARD_SORTS, "-" first to descend;
    unknown: the largest volume first). Returns the rows and the sort applied."""
    require_role(user, *SCORECARD_LIST_READERS)
    months = last_months(SCORECARD_MONTHS)
    providers = scope(Provider.objects.all(), user).order_by("name", "pk")
    figures = {p.pk: ProviderFigures(provider=p, first_month=months[0]) for p in providers}
    _fill(figures, user, months)
    if sort.lstrip("-") not in SCORECARD_SORTS:
        sort = DEFAULT_SORT
    key = SCORECARD_SORTS[sort.lstrip("-")]
    rows = list(figures.values())  # by name: the order ties keep (sorting is stable)
    known = sorted((f for f in rows if key(f) is not None), key=key, reverse=sort.startswith("-"))
    return known + [f for f in rows if key(f) is None], sort
