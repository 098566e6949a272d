"""Where the organization should grow, and with whom: read from the cells (`MunicipalityMonth`: needs,
gaps, orders, amount, closed, on time, rated and the sum of scores per municipality × domain × Jalali
month), the capability levels of the directory, and — for the Rial a gap would have been worth — the
facts of the needs marked as gaps. No order or order line is summed at request time.

The window is the current Jalali month and the `months - 1` before it (12 by default).

**Recommendations** (`growth_recommendations`), per service domain:

- *enter* the domain when needs in it were marked as capability gaps in the window and no active provider
  has a capability of level `ENTER_LEVEL` (3) or more in it (a capability of a parent domain counts, as in
  matching). The Rial figure is the sum of those needs' own budget estimates (a need without an estimate
  adds nothing): the municipalities' own word for what the demand was worth, where the orders of
  a domain nobody serves would say nothing;
- *improve* where the demand is served below the bar: an average rating under `MIN_RATING` (3.5 of 5)
  or fewer than `MIN_ON_TIME` (80%) of the closed orders closed by their due date;
- *don't take more* where quality falls as volume grows: the last half of the window (6 months) against
  the half before, more orders and a lower average rating or a lower on-time rate (each compared only
  when both halves have one).

Each kind is ranked by the Rial at stake (the gaps' budget estimates; the window's ordered amount; the
last half's ordered amount), then by count, then by name; enter first, then improve, then don't take more.

**Opportunities** (`opportunities`): see its docstring.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet, Sum
from django.db.models.enums import TextChoices
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.access import may_open
from hamyar.core.money import group_thousands
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role, scope
from hamyar.core.text import to_persian_digits
from hamyar.directory.models import Capability, Municipality, ServiceDomain

from ..models import DomainMonth, MunicipalityMonth, NeedFact, WindowCell
from ..services import jalali_month, window_ready
from .dashboard import up_to_date

__all__ = [
    "ENTER_LEVEL", "GROWTH_READERS", "MIN_ON_TIME", "MIN_RATING", "WINDOW_MONTHS", "DomainFigures", "Fit",
    "FitBasis", "Link", "Measures", "Opportunities", "Opportunity", "Recommendation", "RecommendationKind",
    "domain_figures", "growth_recommendations", "opportunities", "recommend", "window_months",
]

# Who sees where to grow: the organization's management and the commerce deputy.
GROWTH_READERS = frozenset({Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.EXECUTIVE})
WINDOW_MONTHS = 12
# "Enter" a domain when no provider is at least this able in it (levels are 1–5).
ENTER_LEVEL = 3
# The quality bar: below either, the domain is to be improved.
MIN_RATING = Fraction(7, 2)  # average score of 5
MIN_ON_TIME = 80  # percent of the closed orders, closed by their due date


# ---------------------------------------------------------------- months and numbers


def _month_back(month: int, steps: int) -> int:
    """The Jalali month `steps` months before `month` (both yyyymm)."""
    index = (month // 100) * 12 + month % 100 - 1 - steps
    return (index // 12) * 100 + index % 12 + 1


def window_months(months: int = WINDOW_MONTHS, today: dt.date | None = None) -> list[int]:
    """The window's Jalali months, oldest first: the current one and the `months - 1` before it."""
    current = jalali_month(today or timezone.localdate())
    return [_month_back(current, steps) for steps in range(months - 1, -1, -1)]


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def _n(value: int) -> str:
    return group_thousands(value, persian_digits=_persian())


def _d(value: Decimal | None) -> str:
    """A decimal figure in the page's digits: ۳٫۲۵ or 3.25; "—" when unknown."""
    if value is None:
        return "—"
    text = f"{value:,f}"
    return to_persian_digits(text.replace(",", "٬").replace(".", "٫")) if _persian() else text


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{_d(value)}{'٪' if _persian() else '%'}"


def _half_up(value: Fraction, places: str = "1") -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(places), ROUND_HALF_UP)


def _rial(value: Fraction) -> int:
    """A non-negative amount rounded to the Rial, half up, exactly."""
    return int((value + Fraction(1, 2)) // 1)


# ---------------------------------------------------------------- recommendations


@dataclass
class Measures:
    """Orders and their quality in one domain over some months, summed from the cells."""

    orders: int = 0
    amount: int = 0
    closed: int = 0
    on_time: int = 0
    rated: int = 0
    score_sum: int = 0

    def add(self, cell: dict[str, Any]) -> None:
        for name in ("orders", "amount", "closed", "on_time", "rated", "score_sum"):
            setattr(self, name, getattr(self, name) + (cell[name] or 0))

    @property
    def exact_rating(self) -> Fraction | None:
        return Fraction(self.score_sum, self.rated) if self.rated else None

    @property
    def exact_on_time(self) -> Fraction | None:
        return Fraction(100 * self.on_time, self.closed) if self.closed else None

    @property
    def rating(self) -> Decimal | None:
        """The average score of the rated orders, to two places."""
        exact = self.exact_rating
        return None if exact is None else _half_up(exact, "0.01")

    @property
    def on_time_percent(self) -> Decimal | None:
        """Of the closed orders, the percent closed by their due date, to one place."""
        exact = self.exact_on_time
        return None if exact is None else _half_up(exact, "0.1")


@dataclass
class DomainFigures:
    """What the cells say about one domain in the window, and who can serve it."""

    domain_id: int
    name: str
    name_en: str
    window: Measures = field(default_factory=Measures)
    earlier: Measures = field(default_factory=Measures)  # the first half of the window
    recent: Measures = field(default_factory=Measures)  # the last half
    needs: int = 0
    gaps: int = 0
    gap_municipalities: int = 0
    gap_budget: int = 0  # Σ budget estimates of the needs marked as gaps, Rial
    best_level: int | None = None  # the highest level of an active provider able in it; None: nobody

    @property
    def local_name(self) -> str:
        if self.name_en and not _persian():
            return self.name_en
        return to_persian_digits(self.name) if _persian() else self.name


class RecommendationKind(TextChoices):
    ENTER = "enter", _("Enter the domain")
    IMPROVE = "improve", _("Improve the service")
    HOLD = "hold", _("Don't take more")


KIND_ORDER = {RecommendationKind.ENTER: 0, RecommendationKind.IMPROVE: 1, RecommendationKind.HOLD: 2}


@dataclass(frozen=True)
class Link:
    label: Any  # a lazy translation
    url: str


@dataclass
class Recommendation:
    """One thing to do in one domain, with the figures that justify it and the records behind them."""

    kind: RecommendationKind
    figures: DomainFigures
    months: int
    links: list[Link] = field(default_factory=list)
    rating_fell: bool = False  # for "don't take more": which measure fell
    on_time_fell: bool = False

    @property
    def half(self) -> int:
        return self.months // 2

    @property
    def stake(self) -> int:
        """The Rial it is ranked by."""
        f = self.figures
        return {RecommendationKind.ENTER: f.gap_budget, RecommendationKind.IMPROVE: f.window.amount,
                RecommendationKind.HOLD: f.recent.amount}[self.kind]

    @property
    def count(self) -> int:
        f = self.figures
        return {RecommendationKind.ENTER: f.gaps, RecommendationKind.IMPROVE: f.window.orders,
                RecommendationKind.HOLD: f.recent.orders}[self.kind]

    @property
    def sentence(self) -> str:
        """The recommendation in a sentence of the page's language, built from its figures."""
        f = self.figures
        if self.kind == RecommendationKind.ENTER:
            if f.best_level is None:
                reach = _g("no provider can serve it at all")
            else:
                reach = _g("the best provider in it is at level %(level)s") % {"level": _n(f.best_level)}
            return _g(
                "Enter %(domain)s: in the last %(months)s months %(needs)s needs from %(municipalities)s "
                "municipalities found no provider, worth %(amount)s Rial by their budget estimates, and no "
                "provider has level %(bar)s or more in it (%(reach)s)."
            ) % {"domain": f.local_name, "months": _n(self.months), "needs": _n(f.gaps),
                 "municipalities": _n(f.gap_municipalities), "amount": _n(f.gap_budget),
                 "bar": _n(ENTER_LEVEL), "reach": reach}
        if self.kind == RecommendationKind.IMPROVE:
            return _g(
                "Improve %(domain)s: %(orders)s orders worth %(amount)s Rial in the last %(months)s months, "
                "rated %(rating)s of 5 on average and %(on_time)s closed on time, against a bar of "
                "%(min_rating)s and %(min_on_time)s."
            ) % {"domain": f.local_name, "orders": _n(f.window.orders), "amount": _n(f.window.amount),
                 "months": _n(self.months), "rating": _d(f.window.rating),
                 "on_time": _pct(f.window.on_time_percent), "min_rating": _d(_half_up(MIN_RATING, "0.1")),
                 "min_on_time": _pct(Decimal(MIN_ON_TIME))}
        falls = []
        if self.rating_fell:
            falls.append(_g("the average rating fell from %(before)s to %(after)s") % {
                "before": _d(f.earlier.rating), "after": _d(f.recent.rating)})
        if self.on_time_fell:
            falls.append(_g("orders closed on time fell from %(before)s to %(after)s") % {
                "before": _pct(f.earlier.on_time_percent), "after": _pct(f.recent.on_time_percent)})
        return _g(
            "Don't take more in %(domain)s: orders rose from %(before)s to %(after)s (the last %(half)s "
            "months against the %(half)s before) while %(falls)s."
        ) % {"domain": f.local_name, "before": _n(f.earlier.orders), "after": _n(f.recent.orders),
             "half": _n(self.half), "falls": _g(" and ").join(falls)}


def _domain_levels(user: User, domains: dict[int, dict[str, Any]]) -> dict[int, int]:
    """The best level of an active provider in each domain: per provider its nearest capability on the
    domain's chain (its own domain before a parent's, as matching takes it), the highest of those."""
    by_domain: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for provider_id, domain_id, level in scope(Capability.objects.filter(provider__is_active=True), user) \
            .order_by().values_list("provider_id", "domain_id", "level"):
        by_domain[domain_id].append((provider_id, level))
    best: dict[int, int] = {}
    for domain_id in domains:
        nearest: dict[int, int] = {}
        seen: set[int] = set()
        step: int | None = domain_id
        while step is not None and step not in seen and step in domains:
            seen.add(step)
            for provider_id, level in by_domain.get(step, []):
                nearest.setdefault(provider_id, level)
            step = domains[step]["parent_id"]
        if nearest:
            best[domain_id] = max(nearest.values())
    return best


CELL_SUMS = {name: Sum(name) for name in ("orders", "amount", "closed", "on_time", "rated", "score_sum",
                                          "needs", "gaps")}


def domain_figures(*, user: User, months: int = WINDOW_MONTHS,
                   today: dt.date | None = None) -> list[DomainFigures]:
    """Every domain of the organization with its figures over the window (from the cells)."""
    organization_id = up_to_date(user, *GROWTH_READERS)
    window = window_months(months, today)
    recent = set(window[len(window) - months // 2:])
    earlier = set(window[len(window) - 2 * (months // 2):len(window) - months // 2])
    domains: dict[int, dict[str, Any]] = {
        d["pk"]: dict(d) for d in scope(ServiceDomain.objects.all(), user).order_by()
        .values("pk", "name", "name_en", "parent_id")}
    figures = {pk: DomainFigures(pk, d["name"], d["name_en"]) for pk, d in domains.items()}
    cells = scope(MunicipalityMonth.objects.filter(month__in=window), user).order_by()
    by_domain = scope(DomainMonth.objects.filter(month__in=window), user).order_by()
    for row in by_domain.values("domain_id", "month").annotate(**CELL_SUMS):
        cell: dict[str, Any] = dict(row)
        f = figures.get(cell["domain_id"])
        if f is None:
            continue
        f.window.add(cell)
        if cell["month"] in recent:
            f.recent.add(cell)
        elif cell["month"] in earlier:
            f.earlier.add(cell)
        f.needs += cell["needs"] or 0
        f.gaps += cell["gaps"] or 0
    gap_cells: QuerySet[Any, Any] = (scope(WindowCell.objects.filter(gaps__gt=0), user).order_by()
                                     if window_ready(organization_id, window[0], window[-1])
                                     else cells.filter(gaps__gt=0))
    asked: QuerySet[Any, Any] = (gap_cells.values("domain_id")
                                 .annotate(n=Count("municipality_id", distinct=True)))
    for domain_id, n in asked.values_list("domain_id", "n"):
        if domain_id in figures:
            figures[domain_id].gap_municipalities = n
    budgets = (scope(NeedFact.objects.filter(month__in=window, gap=1), user).order_by().values("domain_id")
               .annotate(budget=Sum("need__budget_estimate")))
    for domain_id, budget in budgets.values_list("domain_id", "budget"):
        if domain_id in figures:
            figures[domain_id].gap_budget = budget or 0
    for domain_id, level in _domain_levels(user, domains).items():
        figures[domain_id].best_level = level
    return sorted(figures.values(), key=lambda f: (f.name, f.domain_id))


def _fell(before: Fraction | None, after: Fraction | None) -> bool:
    return before is not None and after is not None and after < before


def _links(user: User, figures: DomainFigures, kind: RecommendationKind) -> list[Link]:
    """The records behind a recommendation, those the user may open: the domain's needs, the gaps page."""
    needs = f"{reverse('needs:need_list')}?{urlencode({'domain': figures.domain_id})}"
    links = [Link(_("Needs in this domain"), needs)]
    if kind == RecommendationKind.ENTER:
        gaps = f"{reverse('needs:capability_gaps')}#domain-{figures.domain_id}"
        links.append(Link(_("Capability gaps"), gaps))
    return [link for link in links if may_open(user, link.url.split("#", 1)[0])]


def recommend(figures: Iterable[DomainFigures], *, months: int) -> list[Recommendation]:
    """The recommendations the figures call for, ranked (see the module's docstring); without links."""
    found = []
    for f in figures:
        if f.gaps and (f.best_level or 0) < ENTER_LEVEL:
            found.append(Recommendation(RecommendationKind.ENTER, f, months))
        rating, on_time = f.window.exact_rating, f.window.exact_on_time
        if (rating is not None and rating < MIN_RATING) or (on_time is not None and on_time < MIN_ON_TIME):
            found.append(Recommendation(RecommendationKind.IMPROVE, f, months))
        if f.recent.orders > f.earlier.orders:
            rating_fell = _fell(f.earlier.exact_rating, f.recent.exact_rating)
            on_time_fell = _fell(f.earlier.exact_on_time, f.recent.exact_on_time)
            if rating_fell or on_time_fell:
                found.append(Recommendation(RecommendationKind.HOLD, f, months, rating_fell=rating_fell,
                                            on_time_fell=on_time_fell))
    return sorted(found, key=lambda r: (KIND_ORDER[r.kind], -r.stake, -r.count, r.figures.name,
                                        r.figures.domain_id))


def growth_recommendations(*, user: User, months: int = WINDOW_MONTHS,
                           today: dt.date | None = None) -> list[Recommendation]:
    """Where to grow and where not to, per domain, ranked; each with its figures, sentence and links."""
    require_role(user, *GROWTH_READERS)
    found = recommend(domain_figures(user=user, months=months, today=today), months=months)
    for recommendation in found:
        recommendation.links = _links(user, recommendation.figures, recommendation.kind)
    return found


# ---------------------------------------------------------------- opportunities


class FitBasis(TextChoices):
    POPULATION_AREA = "population_area", _("population and area")
    AREA_UNKNOWN = "area_unknown", _("population alone: some municipalities have no recorded area")
    SINGULAR = "singular", _("population alone: area is proportional to population, so it adds nothing")
    NEGATIVE = "negative", _("population alone: with area, one of the rates came out below zero")


@dataclass(frozen=True)
class Fit:
    """A domain's fitted yearly dealings: `per_resident` × population (+ `per_hectare` × area)."""

    domain_id: int
    name: str
    name_en: str
    basis: FitBasis
    exact_per_resident: Fraction
    exact_per_hectare: Fraction | None  # None: fitted on population alone
    municipalities: int  # in the fit
    actual: int  # their yearly dealings in the domain, Rial

    @property
    def per_resident(self) -> Decimal:
        """Rial per resident per year, to two places."""
        return _half_up(self.exact_per_resident, "0.01")

    @property
    def per_hectare(self) -> Decimal | None:
        return None if self.exact_per_hectare is None else _half_up(self.exact_per_hectare, "0.01")

    @property
    def local_name(self) -> str:
        return DomainFigures(self.domain_id, self.name, self.name_en).local_name

    def expected(self, population: int, area: Fraction | None) -> int:
        value = self.exact_per_resident * population
        if self.exact_per_hectare is not None and area is not None:
            value += self.exact_per_hectare * area
        return _rial(value)


@dataclass(frozen=True)
class Opportunity:
    """A municipality's dealings in a domain: what its size says they would be in a year, and what they
    are."""

    municipality_id: int
    name: str
    name_en: str
    population: int
    area_ha: Decimal | None
    fit: Fit
    expected: int
    actual: int

    @property
    def gap(self) -> int:
        return self.expected - self.actual

    @property
    def local_name(self) -> str:
        if self.name_en and not _persian():
            return self.name_en
        return to_persian_digits(self.name) if _persian() else self.name


@dataclass
class Opportunities:
    months: int
    window: list[int]
    fits: list[Fit]
    rows: list[Opportunity]  # positive gaps, the largest first
    fitted: int  # municipalities in the fit
    left_out: int  # cities whose districts are fitted instead


@dataclass(frozen=True)
class _Sizes:
    """The fitted municipalities' sizes, and the sums of the normal equations that do not depend on the
    domain, computed once: areas as integers of 1/`scale` hectare, so that every sum is of integers."""

    populations: list[int]
    areas: list[int] | None  # None: an area is unknown
    scale: int
    spp: int  # Σ population²
    spa: Fraction  # Σ population × area
    saa: Fraction  # Σ area²

    @classmethod
    def of(cls, sizes: list[tuple[int, Fraction | None]]) -> "_Sizes":
        populations = [p for p, _a in sizes]
        spp = sum(p * p for p in populations)
        if any(a is None for _p, a in sizes):
            return cls(populations, None, 1, spp, Fraction(0), Fraction(0))
        fractions = [a for _p, a in sizes if a is not None]
        scale = math.lcm(1, *(a.denominator for a in fractions))
        areas = [int(a * scale) for a in fractions]
        return cls(populations, areas, scale, spp,
                   Fraction(sum(p * a for p, a in zip(populations, areas, strict=True)), scale),
                   Fraction(sum(a * a for a in areas), scale * scale))


def _fit(domain: dict[str, Any], sizes: _Sizes, dealt: list[tuple[int, int]], per_year: Fraction) -> Fit:
    """Least squares through the origin of the yearly amount on population and area (the 2×2 normal
    equations, solved exactly), or on population alone when an area is unknown, the system is singular
    or a rate comes out below zero. `dealt`: (index among the fitted municipalities, amount of the
    window) of those that dealt in the domain — the others add nothing to the sums."""
    spy = per_year * sum(sizes.populations[i] * amount for i, amount in dealt)
    total = per_year * sum(amount for _i, amount in dealt)
    spp = Fraction(sizes.spp)
    per_resident = spy / spp
    basis = FitBasis.AREA_UNKNOWN
    per_hectare = None
    if sizes.areas is not None:
        spa, saa = sizes.spa, sizes.saa
        say = per_year * Fraction(sum(sizes.areas[i] * amount for i, amount in dealt), sizes.scale)
        det = spp * saa - spa * spa
        # Cauchy–Schwarz makes det ≥ 0; 0 (to rounding of the data) when area ∝ population.
        if det <= spp * saa * Fraction(1, 10**9):
            basis = FitBasis.SINGULAR
        else:
            b_population = (spy * saa - say * spa) / det
            b_area = (spp * say - spa * spy) / det
            if b_population < 0 or b_area < 0:
                basis = FitBasis.NEGATIVE
            else:
                basis, per_resident, per_hectare = FitBasis.POPULATION_AREA, b_population, b_area
    return Fit(domain["pk"], domain["name"], domain["name_en"], basis, per_resident, per_hectare,
               len(sizes.populations), _rial(total))


def opportunities(*, user: User, months: int = WINDOW_MONTHS, today: dt.date | None = None) -> Opportunities:
    """For each municipality and domain, the yearly dealings its size suggests against the actual ones.

    The model, per domain: yearly amount ≈ a × population + b × area (hectares), a least-squares fit
    through the origin over every municipality of the organization with a population (those without
    dealings in the domain count with zero), solved exactly from the 2×2 normal equations. When an area
    is unknown, the two columns are proportional (a singular system) or a rate comes out below zero, the
    fit is on population alone: a = Σ population × amount / Σ population². A city whose districts are
    municipalities of their own (Mashhad) is left out: its residents are its districts'. The actual
    dealings are the ordered amounts of the window (the current Jalali month and the `months - 1`
    before), scaled to a year. expected − actual is the gap; the largest positive gaps come first:
    whom to visit, and what to offer.
    """
    organization_id = up_to_date(user, *GROWTH_READERS)
    window = window_months(months, today)
    places: list[dict[str, Any]] = [dict(m) for m in scope(Municipality.objects.all(), user).order_by()
                                    .values("pk", "name", "name_en", "population", "area_ha", "parent_id")]
    parents = {m["parent_id"] for m in places if m["parent_id"] is not None}
    fitted = [m for m in places if m["population"] and m["pk"] not in parents]
    left_out = sum(1 for m in places if m["population"] and m["pk"] in parents)
    fitted.sort(key=lambda m: (m["name"], m["pk"]))
    kept: QuerySet[Any, Any]
    if window_ready(organization_id, window[0], window[-1]):
        kept = scope(WindowCell.objects.filter(amount__gt=0), user).order_by()
    else:
        kept = (scope(MunicipalityMonth.objects.filter(month__in=window, amount__gt=0), user).order_by()
                .values("municipality_id", "domain_id").annotate(amount=Sum("amount")))
    amounts: dict[tuple[int, int], int] = {
        (municipality_id, domain_id): amount or 0
        for municipality_id, domain_id, amount in kept.values_list("municipality_id", "domain_id", "amount")
    }
    dealt = {domain_id for (_m, domain_id), amount in amounts.items() if amount}
    domains: list[dict[str, Any]] = [
        dict(d) for d in scope(ServiceDomain.objects.filter(pk__in=dealt), user).order_by("name", "pk")
        .values("pk", "name", "name_en")] if dealt else []
    sizes = _Sizes.of([(m["population"], None if m["area_ha"] is None else Fraction(m["area_ha"]))
                       for m in fitted])
    per_year = Fraction(12, months)
    index = {m["pk"]: i for i, m in enumerate(fitted)}
    by_domain: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (municipality_id, domain_id), amount in sorted(amounts.items()):
        if amount and municipality_id in index:
            by_domain[domain_id].append((index[municipality_id], amount))
    fits: list[Fit] = []
    rows: list[Opportunity] = []
    for domain in domains:
        shares = by_domain.get(domain["pk"], [])
        if not fitted or not shares:
            continue
        fit = _fit(domain, sizes, shares, per_year)
        fits.append(fit)
        # Expected and actual in integers over one denominator: exact as Fit.expected and _rial are.
        # expected = (by_p × population + by_a × area) / over, rounded half up: Fit.expected exactly.
        rate_p, rate_a = fit.exact_per_resident, fit.exact_per_hectare
        areas = sizes.areas if rate_a is not None and sizes.areas is not None else None
        if areas is not None and rate_a is not None:
            by_p = rate_p.numerator * rate_a.denominator * sizes.scale
            by_a = rate_a.numerator * rate_p.denominator
            over = rate_p.denominator * rate_a.denominator * sizes.scale
        else:
            by_p, by_a, over = rate_p.numerator, 0, rate_p.denominator
        actual: dict[int, int] = dict(shares)
        year_n, year_d = per_year.numerator, per_year.denominator
        for i, population in enumerate(sizes.populations):
            numerator = by_p * population + (by_a * areas[i] if areas is not None else 0)
            expected = (2 * numerator + over) // (2 * over)
            value = (2 * actual.get(i, 0) * year_n + year_d) // (2 * year_d)
            if expected > value:
                m = fitted[i]
                rows.append(Opportunity(m["pk"], m["name"], m["name_en"], population, m["area_ha"], fit,
                                        expected, value))
    rows.sort(key=lambda r: (-r.gap, r.name, r.municipality_id, r.fit.name, r.fit.domain_id))
    return Opportunities(months, window, fits, rows, len(fitted), left_out)
