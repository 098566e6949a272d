"""The executive dashboard's figures, each read from the rollup cells (`MunicipalityMonth`) the user may
see — never from the orders or needs themselves, so a figure costs one small query however many order
lines lie behind it.

Every function takes the acting `user` (the organization's executive, admin, commerce or finance
officer; any other role is refused) and an optional `months` window: a number of Jalali months ending
with the current one (default 12; the monthly trend 36), or a `(first, last)` pair of months as
numbers (140409, 140509). A month is the one an order was placed or a need submitted in, in Tehran
(see `insights.models`); a domain is the need's own, as the needs and orders lists filter it, so
each figure's drill-down list holds exactly the rows it counts.

The benchmark (bench/dashboard.py) imports these by name.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.core.access import DASHBOARD_READERS
from hamyar.core.jalali import add_months, month_of
from hamyar.core.scoping import require_role, scope

from ..models import MunicipalityMonth
from .savings import group_savings, group_savings_by_municipality

__all__ = [
    "DASHBOARD_READERS",
    "SMALL_MUNICIPALITY",
    "Average",
    "Coverage",
    "DomainVolume",
    "MonthVolume",
    "MunicipalityVolume",
    "PerCapita",
    "Rate",
    "ServiceLevelFigures",
    "SmallShare",
    "average_rating",
    "coverage",
    "current_month",
    "dashboard_figures",
    "dashboard_as_of",
    "delivery_on_time",
    "month_window",
    "months_in",
    "per_capita",
    "service_levels",
    "small_share_by_month",
    "volume_by_domain",
    "volume_by_month",
    "volume_by_municipality",
]

SMALL_MUNICIPALITY = 50_000  # residents: below this a municipality is small
DEFAULT_MONTHS = 12
TREND_MONTHS = 36

Window = int | tuple[int, int] | None


def current_month() -> int:
    return month_of(timezone.now())


def month_window(months: Window = None, *, default: int = DEFAULT_MONTHS) -> tuple[int, int]:
    """The first and last month of a window: `months` months ending with the current one, or the pair."""
    if isinstance(months, tuple):
        return months
    last = current_month()
    return add_months(last, -((months or default) - 1)), last


def months_in(first: int, last: int) -> list[int]:
    """Every month from `first` to `last`, in order."""
    result, month = [], first
    while month <= last:
        result.append(month)
        month = add_months(month, 1)
    return result


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def _cells(user: User, months: Window, default: int = DEFAULT_MONTHS) -> QuerySet[MunicipalityMonth]:
    """The cells of the window that the user may read; a role that may not read the dashboard is refused."""
    require_role(user, *DASHBOARD_READERS)
    first, last = month_window(months, default=default)
    return scope(MunicipalityMonth.objects.filter(month__gte=first, month__lte=last), user).order_by()


def dashboard_as_of(*, user: User) -> datetime | None:
    """When the figures were last brought up to date: the latest change of any of the user's cells."""
    require_role(user, *DASHBOARD_READERS)
    return scope(MunicipalityMonth.objects.all(), user).aggregate(last=Max("updated_at"))["last"]


# ---------------------------------------------------------------- volume


@dataclass(frozen=True)
class MunicipalityVolume:
    municipality_id: int
    name: str
    name_en: str
    orders: int
    amount: int
    needs: int


@dataclass(frozen=True)
class DomainVolume:
    domain_id: int
    name: str
    name_en: str
    orders: int
    amount: int
    needs: int
    gaps: int


@dataclass(frozen=True)
class MonthVolume:
    month: int
    orders: int
    amount: int
    needs: int


def volume_by_municipality(*, user: User, months: Window = None) -> list[MunicipalityVolume]:
    """Orders (count and Rial) and needs per municipality, the largest amount first."""
    rows = (_cells(user, months).values("municipality_id", "municipality__name", "municipality__name_en")
            .annotate(orders=Sum("orders"), amount=Sum("amount"), needs=Sum("needs")))
    result = [MunicipalityVolume(row["municipality_id"], row["municipality__name"],
                                 row["municipality__name_en"] or "", row["orders"] or 0, row["amount"] or 0,
                                 row["needs"] or 0) for row in rows]
    result.sort(key=lambda row: (-row.amount, -row.orders, -row.needs, row.name))
    return result


def volume_by_domain(*, user: User, months: Window = None) -> list[DomainVolume]:
    """Orders (count and Rial), needs and capability gaps per service domain, the largest amount first."""
    rows = (_cells(user, months).values("domain_id", "domain__name", "domain__name_en")
            .annotate(orders=Sum("orders"), amount=Sum("amount"), needs=Sum("needs"), gaps=Sum("gaps")))
    result = [DomainVolume(row["domain_id"], row["domain__name"], row["domain__name_en"] or "",
                           row["orders"] or 0, row["amount"] or 0, row["needs"] or 0, row["gaps"] or 0)
              for row in rows]
    result.sort(key=lambda row: (-row.amount, -row.orders, -row.needs, row.name))
    return result


def volume_by_month(*, user: User, months: Window = None) -> list[MonthVolume]:
    """Orders (count and Rial) and needs per Jalali month, every month of the window (default 36) in
    order, a month without dealings as zeros."""
    first, last = month_window(months, default=TREND_MONTHS)
    rows = {row["month"]: row for row in _cells(user, (first, last)).values("month")
            .annotate(orders=Sum("orders"), amount=Sum("amount"), needs=Sum("needs"))}
    empty: dict[str, Any] = {}
    return [MonthVolume(month, rows.get(month, empty).get("orders") or 0,
                        rows.get(month, empty).get("amount") or 0, rows.get(month, empty).get("needs") or 0)
            for month in months_in(first, last)]


# ---------------------------------------------------------------- quality


@dataclass(frozen=True)
class Rate:
    """`part` of `whole`, as a percent (None when nothing was measured); per domain when `domain_id`."""

    part: int
    whole: int
    domain_id: int | None = None
    name: str = ""
    name_en: str = ""

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.part, self.whole)


@dataclass(frozen=True)
class ServiceLevelFigures:
    overall: Rate
    by_domain: list[Rate] = field(default_factory=list)


def _rates(user: User, months: Window, part: str, whole: str) -> ServiceLevelFigures:
    rows = (_cells(user, months).values("domain_id", "domain__name", "domain__name_en")
            .annotate(part=Sum(part), whole=Sum(whole)).filter(whole__gt=0))
    by_domain = [Rate(row["part"] or 0, row["whole"] or 0, row["domain_id"], row["domain__name"],
                      row["domain__name_en"] or "") for row in rows]
    by_domain.sort(key=lambda rate: (-rate.whole, rate.name))
    overall = Rate(sum(rate.part for rate in by_domain), sum(rate.whole for rate in by_domain))
    return ServiceLevelFigures(overall, by_domain)


def service_levels(*, user: User, months: Window = None) -> ServiceLevelFigures:
    """Service-level clocks met of those measured (%), overall and per domain (most measured first)."""
    return _rates(user, months, "clocks_met", "clocks_measured")


def delivery_on_time(*, user: User, months: Window = None) -> ServiceLevelFigures:
    """Orders closed by their due date of those closed (%), overall and per domain."""
    return _rates(user, months, "on_time", "closed")


@dataclass(frozen=True)
class Average:
    rated: int
    score_sum: int

    @property
    def value(self) -> Decimal | None:
        """The average score, 1–5, to one decimal."""
        if not self.rated:
            return None
        return (Decimal(self.score_sum) / self.rated).quantize(Decimal("0.1"))


def average_rating(*, user: User, months: Window = None) -> Average:
    """The municipalities' average rating of the orders placed in the window."""
    row = _cells(user, months).aggregate(rated=Sum("rated"), score_sum=Sum("score_sum"))
    return Average(row["rated"] or 0, row["score_sum"] or 0)


# ---------------------------------------------------------------- coverage


@dataclass
class Coverage:
    """A municipality × domain matrix of `measure` (orders or amount)."""

    measure: str
    municipalities: list[tuple[int, str, str]]  # (id, name, English name), the largest total first
    domains: list[tuple[int, str, str]]
    cells: dict[tuple[int, int], int]

    def value(self, municipality_id: int, domain_id: int) -> int:
        return self.cells.get((municipality_id, domain_id), 0)

    def matrix(self) -> list[list[int]]:
        return [[self.value(m, d) for d, _n, _e in self.domains] for m, _name, _en in self.municipalities]

    def top(self, count: int) -> "Coverage":
        """The `count` municipalities with the largest totals, and only the domains they reach."""
        municipalities = self.municipalities[:count]
        keep = {m for m, _n, _e in municipalities}
        domains = [d for d in self.domains if any(self.value(m, d[0]) for m in keep)]
        return Coverage(self.measure, municipalities, domains,
                        {key: value for key, value in self.cells.items() if key[0] in keep})


def coverage(*, user: User, months: Window = None, measure: str = "orders") -> Coverage:
    """How much each municipality deals in each domain (`measure`: "orders" or "amount"): the empty
    cells are where the organization does not serve a municipality yet."""
    if measure not in ("orders", "amount"):
        raise ValueError(measure)
    rows = list(_cells(user, months)
                .values("municipality_id", "municipality__name", "municipality__name_en", "domain_id",
                        "domain__name", "domain__name_en")
                .annotate(total=Sum(measure)).filter(total__gt=0))
    cells = {(row["municipality_id"], row["domain_id"]): row["total"] for row in rows}
    m_total: dict[tuple[int, str, str], int] = {}
    d_total: dict[tuple[int, str, str], int] = {}
    for row in rows:
        m_key = (row["municipality_id"], row["municipality__name"], row["municipality__name_en"] or "")
        d_key = (row["domain_id"], row["domain__name"], row["domain__name_en"] or "")
        m_total[m_key] = m_total.get(m_key, 0) + row["total"]
        d_total[d_key] = d_total.get(d_key, 0) + row["total"]
    return Coverage(measure, sorted(m_total, key=lambda key: (-m_total[key], key[1])),
                    sorted(d_total, key=lambda key: (-d_total[key], key[1])), cells)


# ---------------------------------------------------------------- size


@dataclass(frozen=True)
class PerCapita:
    municipality_id: int
    name: str
    name_en: str
    population: int | None
    area_ha: Decimal | None
    amount: int

    @property
    def per_resident(self) -> int | None:
        """Rial per resident, whole."""
        return self.amount // self.population if self.population else None

    @property
    def per_hectare(self) -> int | None:
        """Rial per hectare, whole."""
        if not self.area_ha:
            return None
        return int(Decimal(self.amount) / Decimal(self.area_ha))


def per_capita(*, user: User, months: Window = None) -> list[PerCapita]:
    """Each municipality's amount ordered per resident and per hectare of its profile, the highest
    amount per resident first (municipalities whose size is unknown last)."""
    rows = (_cells(user, months)
            .values("municipality_id", "municipality__name", "municipality__name_en",
                    "municipality__population", "municipality__area_ha")
            .annotate(amount=Sum("amount")).filter(amount__gt=0))
    result = [PerCapita(row["municipality_id"], row["municipality__name"], row["municipality__name_en"] or "",
                        row["municipality__population"], row["municipality__area_ha"], row["amount"])
              for row in rows]
    result.sort(key=lambda row: (row.per_resident is None, -(row.per_resident or 0), row.name))
    return result


@dataclass(frozen=True)
class SmallMonth:
    month: int
    small_amount: int
    amount: int

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.small_amount, self.amount)


@dataclass(frozen=True)
class SmallShare:
    """The share of the amount ordered by municipalities of fewer than 50,000 residents, and per month."""

    small_amount: int
    amount: int
    by_month: list[SmallMonth]

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.small_amount, self.amount)


def small_share_by_month(*, user: User, months: Window = None) -> SmallShare:
    """How much of the organization's dealings (Rial) goes to small municipalities (under 50,000
    residents by their profile; a municipality of unknown population is not counted as small), over the
    window and per month of it."""
    first, last = month_window(months)
    small = Q(municipality__population__lt=SMALL_MUNICIPALITY)
    rows: dict[int, dict[str, Any]] = {
        row["month"]: dict(row) for row in _cells(user, (first, last)).values("month")
        .annotate(small_total=Sum("amount", filter=small), total=Sum("amount"))}
    empty: dict[str, Any] = {}
    by_month = [SmallMonth(month, rows.get(month, empty).get("small_total") or 0,
                           rows.get(month, empty).get("total") or 0) for month in months_in(first, last)]
    return SmallShare(sum(m.small_amount for m in by_month), sum(m.amount for m in by_month), by_month)



def dashboard_figures(*, user: User, months: Window = None) -> dict[str, Any]:
    """Every figure of the dashboard page (the executive's home), over one window."""
    first, last = month_window(months)
    return {
        "first_month": first,
        "last_month": last,
        "as_of": dashboard_as_of(user=user),
        "by_municipality": volume_by_municipality(user=user, months=(first, last)),
        "by_domain": volume_by_domain(user=user, months=(first, last)),
        "by_month": volume_by_month(user=user),
        "service_levels": service_levels(user=user, months=(first, last)),
        "on_time": delivery_on_time(user=user, months=(first, last)),
        "rating": average_rating(user=user, months=(first, last)),
        "coverage": coverage(user=user, months=(first, last)),
        "per_capita": per_capita(user=user, months=(first, last)),
        "small_share": small_share_by_month(user=user, months=(first, last)),
        "group_savings": group_savings(user=user),
        "group_savings_rows": group_savings_by_municipality(user=user, limit=10),
    }
