"""The executive dashboard's figures, each read from the rollup cells the user may see — never from the
orders or needs themselves — and from the smallest kind of cell that answers it: per domain × month
(`DomainMonth`) the volume by domain and month, service levels, on time and rating; per municipality ×
month (`MunicipalityTotalMonth`) the volume by municipality, per capita and the small municipalities'
share; per municipality × domain over the default window (`WindowCell`) the coverage. Sums are grouped
on ids; the names come in a second small query. Every read first works off the rollups' backlog
(`up_to_date`), so the figures include every write committed before it.

Every function takes the acting `user` (the organization's executive, admin, commerce or finance
officer; any other role is refused) and an optional `months` window: a number of Jalali months ending
with the current one (default 12; the monthly trend 36), or a `(first, last)` pair of months as
numbers (140409, 140509). A month is the one an order was placed or a need submitted in, in Tehran
(see `insights.models`); a domain is the need's own, as the needs and orders lists filter it, so
each figure's drill-down list holds exactly the rows it counts.

The benchmark (bench/dashboard.py) imports these by name.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, Model, Q, QuerySet, Sum
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.core.access import DASHBOARD_READERS
from hamyar.core.jalali import add_months, month_of
from hamyar.core.scoping import require_role, scope
from hamyar.directory.models import Municipality, ServiceDomain

from ..models import DomainMonth, MunicipalityMonth, MunicipalityTotalMonth, WindowCell
from ..services.rollups import catch_up, window_ready
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
    "caught_up",
    "coverage",
    "current_month",
    "dashboard_figures",
    "dashboard_as_of",
    "fresh",
    "delivery_on_time",
    "month_window",
    "months_in",
    "municipality_domain_sums",
    "per_capita",
    "service_levels",
    "small_share_by_month",
    "up_to_date",
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


@dataclass
class _Reading:
    """One page's reading of the figures (inside `caught_up`): the organization whose backlog was worked
    off, and what several figures share (names, sums over the same window), read once."""

    organization_id: int
    memo: dict[Any, Any] = field(default_factory=dict)


_reading: ContextVar[_Reading | None] = ContextVar("insights_reading", default=None)


def _memo(key: Any, compute: Callable[[], Any]) -> Any:
    """`compute()`, once per page inside `caught_up`; every time outside."""
    reading = _reading.get()
    if reading is None:
        return compute()
    if key not in reading.memo:
        reading.memo[key] = compute()
    return reading.memo[key]


def up_to_date(user: User, *roles: str) -> int:
    """Every read of the cells starts here: the user's role checked (`roles`, default the dashboard's
    readers), then the organization's rollups brought up to date with what was written since (the
    backlog worked off: one statement when there is none), so that no figure is read stale. Returns the
    organization. Inside `caught_up` the backlog is worked off once for all the figures."""
    return fresh(require_role(user, *(roles or DASHBOARD_READERS)).organization_id)


def fresh(organization_id: int) -> int:
    """The organization's rollups brought up to date (unless inside `caught_up` already); for readers
    that check the role themselves."""
    reading = _reading.get()
    if reading is None or reading.organization_id != organization_id:
        catch_up(organization_id)
    return organization_id


@contextmanager
def caught_up(user: User, *roles: str) -> Iterator[int]:
    """The backlog worked off once for every figure read inside, and what they share read once."""
    organization_id = up_to_date(user, *roles)
    token = _reading.set(_Reading(organization_id))
    try:
        yield organization_id
    finally:
        _reading.reset(token)


def _window(user: User, model: type[Model], months: Window, default: int = DEFAULT_MONTHS) -> QuerySet:
    """The rows of `model` (cells with a month) in the window that the user may read; a role that may not
    read the dashboard is refused."""
    up_to_date(user)
    first, last = month_window(months, default=default)
    return scope(model._default_manager.filter(month__gte=first, month__lte=last), user).order_by()


def _cells(user: User, months: Window, default: int = DEFAULT_MONTHS) -> QuerySet[MunicipalityMonth]:
    """The municipality × domain × month cells of the window that the user may read."""
    return _window(user, MunicipalityMonth, months, default)


NAMES: dict[type[Model], tuple[str, ...]] = {
    Municipality: ("pk", "name", "name_en", "population", "area_ha"),
    ServiceDomain: ("pk", "name", "name_en"),
}


def _names(model: type[Model], user: User, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The names (and sizes) of these municipalities or domains, in a second small query: the sums are
    grouped on ids alone, never on joined columns. Inside `caught_up`, all of them once for the page."""
    if _reading.get() is not None:
        return _memo(("names", model), lambda: {
            row["pk"]: row for row in scope(model._default_manager.all(), user).order_by()
            .values(*NAMES[model])})
    wanted = set(ids)
    if not wanted:
        return {}
    return {row["pk"]: row for row in scope(model._default_manager.filter(pk__in=wanted), user).order_by()
            .values(*NAMES[model])}


DOMAIN_SUMS = ("orders", "amount", "needs", "gaps", "clocks_met", "clocks_measured", "on_time", "closed",
               "rated", "score_sum")


def _domain_sums(user: User, months: Window) -> list[dict[str, Any]]:
    """Per domain, the measures of the domain figures over the window (one query for all of them)."""
    first, last = month_window(months)
    return _memo(("domains", first, last), lambda: list(
        _window(user, DomainMonth, (first, last)).values("domain_id")
        .annotate(**{name: Sum(name) for name in DOMAIN_SUMS})))


def _municipality_sums(user: User, months: Window) -> list[dict[str, Any]]:
    """Per municipality, orders, amount and needs over the window (one query for the volume and the
    per-capita figures)."""
    first, last = month_window(months)
    return _memo(("municipalities", first, last), lambda: list(
        _window(user, MunicipalityTotalMonth, (first, last)).values("municipality_id")
        .annotate(orders=Sum("orders"), amount=Sum("amount"), needs=Sum("needs"))))


def dashboard_as_of(*, user: User) -> datetime | None:
    """When the figures were last brought up to date: the latest change of any of the user's cells (every
    change of a municipality × domain cell changes its domain × month cell too, which are few)."""
    up_to_date(user)
    return scope(DomainMonth.objects.all(), user).aggregate(last=Max("updated_at"))["last"]


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
    rows = _municipality_sums(user, months)
    names = _names(Municipality, user, (row["municipality_id"] for row in rows))
    result = [MunicipalityVolume(row["municipality_id"], names[row["municipality_id"]]["name"],
                                 names[row["municipality_id"]]["name_en"] or "", row["orders"] or 0,
                                 row["amount"] or 0, row["needs"] or 0)
              for row in rows if row["municipality_id"] in names]
    result.sort(key=lambda row: (-row.amount, -row.orders, -row.needs, row.name))
    return result


def volume_by_domain(*, user: User, months: Window = None) -> list[DomainVolume]:
    """Orders (count and Rial), needs and capability gaps per service domain, the largest amount first."""
    rows = _domain_sums(user, months)
    names = _names(ServiceDomain, user, (row["domain_id"] for row in rows))
    result = [DomainVolume(row["domain_id"], names[row["domain_id"]]["name"],
                           names[row["domain_id"]]["name_en"] or "", row["orders"] or 0, row["amount"] or 0,
                           row["needs"] or 0, row["gaps"] or 0)
              for row in rows if row["domain_id"] in names]
    result.sort(key=lambda row: (-row.amount, -row.orders, -row.needs, row.name))
    return result


def volume_by_month(*, user: User, months: Window = None) -> list[MonthVolume]:
    """Orders (count and Rial) and needs per Jalali month, every month of the window (default 36) in
    order, a month without dealings as zeros."""
    first, last = month_window(months, default=TREND_MONTHS)
    rows = {row["month"]: row for row in _window(user, DomainMonth, (first, last)).values("month")
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
    rows = [row for row in _domain_sums(user, months) if row[whole]]
    names = _names(ServiceDomain, user, (row["domain_id"] for row in rows))
    by_domain = [Rate(row[part] or 0, row[whole] or 0, row["domain_id"], names[row["domain_id"]]["name"],
                      names[row["domain_id"]]["name_en"] or "") for row in rows if row["domain_id"] in names]
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
    rows = _domain_sums(user, months)
    return Average(sum(row["rated"] or 0 for row in rows), sum(row["score_sum"] or 0 for row in rows))


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


def municipality_domain_sums(user: User, months: Window, measure: str) -> dict[tuple[int, int], int]:
    """`measure` summed per municipality × domain over the window, the user's rows, those above zero:
    from the kept window (`WindowCell`) when the window is the default one, else from the month cells."""
    organization_id = up_to_date(user)
    first, last = month_window(months)
    rows: QuerySet[Any, tuple[int, int, Any]]
    if _memo(("window", first, last), lambda: window_ready(organization_id, first, last)):
        rows = (scope(WindowCell.objects.filter(**{f"{measure}__gt": 0}), user).order_by()
                .values_list("municipality_id", "domain_id", measure))
    else:
        rows = (_cells(user, (first, last)).values("municipality_id", "domain_id")
                .annotate(total=Sum(measure)).filter(total__gt=0)
                .values_list("municipality_id", "domain_id", "total"))
    return {(municipality_id, domain_id): total for municipality_id, domain_id, total in rows}


def coverage(*, user: User, months: Window = None, measure: str = "orders") -> Coverage:
    """How much each municipality deals in each domain (`measure`: "orders" or "amount"): the empty
    cells are where the organization does not serve a municipality yet."""
    if measure not in ("orders", "amount"):
        raise ValueError(measure)
    cells = municipality_domain_sums(user, months, measure)
    m_sums: dict[int, int] = defaultdict(int)
    d_sums: dict[int, int] = defaultdict(int)
    for (municipality_id, domain_id), total in cells.items():
        m_sums[municipality_id] += total
        d_sums[domain_id] += total
    towns = _names(Municipality, user, m_sums)
    kinds = _names(ServiceDomain, user, d_sums)
    cells = {key: total for key, total in cells.items() if key[0] in towns and key[1] in kinds}
    m_total = {(pk, towns[pk]["name"], towns[pk]["name_en"] or ""): total for pk, total in m_sums.items()
               if pk in towns}
    d_total = {(pk, kinds[pk]["name"], kinds[pk]["name_en"] or ""): total for pk, total in d_sums.items()
               if pk in kinds}
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
    rows = [row for row in _municipality_sums(user, months) if row["amount"]]
    towns = _names(Municipality, user, (row["municipality_id"] for row in rows))
    result = [PerCapita(row["municipality_id"], town["name"], town["name_en"] or "", town["population"],
                        town["area_ha"], row["amount"])
              for row in rows if (town := towns.get(row["municipality_id"])) is not None]
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
        row["month"]: dict(row)
        for row in _window(user, MunicipalityTotalMonth, (first, last)).values("month")
        .annotate(small_total=Sum("amount", filter=small), total=Sum("amount"))}
    empty: dict[str, Any] = {}
    by_month = [SmallMonth(month, rows.get(month, empty).get("small_total") or 0,
                           rows.get(month, empty).get("total") or 0) for month in months_in(first, last)]
    return SmallShare(sum(m.small_amount for m in by_month), sum(m.amount for m in by_month), by_month)



def dashboard_figures(*, user: User, months: Window = None) -> dict[str, Any]:
    """Every figure of the dashboard page (the executive's home), over one window."""
    first, last = month_window(months)
    with caught_up(user):
        return _figures(user, first, last)


def _figures(user: User, first: int, last: int) -> dict[str, Any]:
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
