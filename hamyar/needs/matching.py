"""Ranking the providers that can serve a triaged need, with the score broken down per factor.

The score is a sum of points, one part per factor; `WEIGHTS` is the one table of how much each
factor can give. An officer sees every part (value and points) and, below the ranked list, the
providers that were left out and why.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import jdatetime
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.directory.choices import ProviderKind
from hamyar.directory.models import AgencyAgreement, Capability, Provider, ServiceDomain

from .choices import IN_HAND_STATUSES, NeedKind
from .models import Assignment, Need, NeedLine

WEIGHTS: dict[str, int] = {
    "capability": 40,
    "capacity": 20,
    "rating": 15,
    "on_time": 15,
    "load": 10,
}
"""The most points each factor can give (100 in all):

- capability: the provider's level (1–5) in the need's domain, as level / 5 of the weight. A
  capability held only in a parent domain counts less: × PARENT_DISCOUNT per level up the tree.
- capacity: the share of the capability's monthly capacity still free this (Jalali) month, that
  is capacity minus the open needs already assigned to it in that domain this month (a goods need
  weighs the sum of its quantities, any other need 1). None left: the provider is left out.
- rating: the municipalities' average rating, (rating − 1) / 4 of the weight; unrated: half.
- on_time: the share of orders delivered in full on time (0–1) × the weight; none yet: half.
- load: the open needs in its hands (assigned, quoted, approved) in any domain, as 1 / (1 + n).

A represented supplier needs an agency agreement in force that covers the domain (or a parent of
it) to be given a goods need: without one it is left out, with the reason.
"""

# A capability in the parent domain counts half, in the grandparent a quarter, …
PARENT_DISCOUNT = Decimal("0.5")
# What an unknown rating or on-time rate is worth: the middle, neither rewarded nor punished.
NEUTRAL = Decimal("0.5")
FACTORS = tuple(WEIGHTS)
FACTOR_LABELS = {
    "capability": _("Capability"),
    "capacity": _("Free capacity"),
    "rating": _("Rating"),
    "on_time": _("On time"),
    "load": _("Open load"),
}

_CENT = Decimal("0.01")


def _points(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Facts:
    """What is known about one provider for one need: the inputs of the score, nothing from the database."""

    level: int
    depth: int  # 0: a capability in the need's own domain; 1: its parent; …
    monthly_capacity: int
    month_load: int  # this month's open assigned load in the capability's domain
    rating: Decimal | None
    on_time_rate: Decimal | None
    open_load: int


def score(facts: Facts) -> dict[str, dict]:
    """The breakdown: {factor: {"value": …, "points": …}} with the points rounded to 0.01."""
    discount = PARENT_DISCOUNT ** facts.depth
    capability = Decimal(WEIGHTS["capability"]) * Decimal(facts.level) / 5 * discount
    remaining = max(0, facts.monthly_capacity - facts.month_load)
    share = Decimal(remaining) / Decimal(facts.monthly_capacity) if facts.monthly_capacity else Decimal(0)
    rating = (Decimal(facts.rating) - 1) / 4 if facts.rating is not None else NEUTRAL
    on_time = Decimal(facts.on_time_rate) if facts.on_time_rate is not None else NEUTRAL
    return {
        "capability": {"value": facts.level, "depth": facts.depth, "points": float(_points(capability))},
        "capacity": {"value": remaining, "of": facts.monthly_capacity,
                     "points": float(_points(WEIGHTS["capacity"] * share))},
        "rating": {"value": None if facts.rating is None else float(facts.rating),
                   "points": float(_points(WEIGHTS["rating"] * rating))},
        "on_time": {"value": None if facts.on_time_rate is None else float(facts.on_time_rate),
                    "points": float(_points(WEIGHTS["on_time"] * on_time))},
        "load": {"value": facts.open_load,
                 "points": float(_points(Decimal(WEIGHTS["load"]) / (1 + facts.open_load)))},
    }


def total(breakdown: dict[str, dict]) -> Decimal:
    return sum((Decimal(str(part["points"])) for part in breakdown.values()), Decimal(0))


@dataclass
class Candidate:
    provider: Provider
    rank: int
    score: Decimal
    breakdown: dict[str, dict]
    domain: ServiceDomain  # where its capability is held (the need's domain or a parent)
    agreement: AgencyAgreement | None = None

    @property
    def factors(self) -> list[tuple[str, str, dict, int]]:
        """(factor, label, {"value", "points"}, weight) in the order of WEIGHTS, for the ranking table."""
        return [(name, FACTOR_LABELS[name], self.breakdown[name], WEIGHTS[name]) for name in FACTORS]


@dataclass
class Excluded:
    provider: Provider
    reason: str


@dataclass
class Ranking:
    candidates: list[Candidate] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def candidate(self, provider_id: int) -> Candidate | None:
        return next((c for c in self.candidates if c.provider.pk == provider_id), None)

    def exclusion(self, provider_id: int) -> Excluded | None:
        return next((e for e in self.excluded if e.provider.pk == provider_id), None)


def month_start(now: dt.datetime | None = None) -> dt.datetime:
    """The first instant of the current Jalali month in Tehran time."""
    today = timezone.localtime(now or timezone.now()).date()
    first = jdatetime.date.fromgregorian(date=today).replace(day=1).togregorian()
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


def _ancestors(domain: ServiceDomain) -> list[ServiceDomain]:
    """The domain, its parent, its grandparent…: depth is the index."""
    chain, seen = [], set()
    current: ServiceDomain | None = domain
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def _descendants(domain_ids: list[int], organization_id: int) -> dict[int, set[int]]:
    """Each domain with every domain under it (one query for the organization's tree)."""
    children: dict[int, list[int]] = {}
    for pk, parent_id in ServiceDomain.objects.filter(organization_id=organization_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    result = {}
    for root in domain_ids:
        found, stack = {root}, [root]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        result[root] = found
    return result


def _month_loads(provider_ids: list[int], domain_sets: dict[int, set[int]], organization_id: int,
                 exclude_need_id: int | None, now: dt.datetime | None) -> dict[tuple[int, int], int]:
    """(provider, capability domain) → this month's open assigned load in that domain and under it."""
    since = month_start(now)
    needs = (
        Need.objects.filter(organization_id=organization_id, provider_id__in=provider_ids,
                            status__in=IN_HAND_STATUSES, assigned_at__gte=since)
        .exclude(pk=exclude_need_id)
        .values("pk", "provider_id", "domain_id", "kind")
    )
    needs = list(needs)
    goods = [n["pk"] for n in needs if n["kind"] == NeedKind.GOODS]
    quantities = dict(
        NeedLine.objects.filter(need_id__in=goods).values("need_id").annotate(q=Sum("quantity"))
        .values_list("need_id", "q")
    ) if goods else {}
    loads: dict[tuple[int, int], int] = {}
    for n in needs:
        weight = quantities.get(n["pk"], 1) if n["kind"] == NeedKind.GOODS else 1
        for root, members in domain_sets.items():
            if n["domain_id"] in members:
                key = (n["provider_id"], root)
                loads[key] = loads.get(key, 0) + weight
    return loads


def rank_providers(need: Need, *, now: dt.datetime | None = None) -> Ranking:
    """The providers able to serve `need`, best first, and those left out with the reason.

    Ties are broken by capability level, then name, then id, so the order never wobbles.
    """
    chain = _ancestors(need.domain)
    depth_of = {d.pk: depth for depth, d in enumerate(chain)}
    capabilities = list(
        Capability.objects.filter(organization_id=need.organization_id, domain_id__in=list(depth_of))
        .select_related("provider", "domain")
    )
    # The nearest capability of each provider: its own domain before a parent's.
    nearest: dict[int, Capability] = {}
    for cap in sorted(capabilities, key=lambda c: (depth_of[c.domain_id], -c.level, c.pk)):
        nearest.setdefault(cap.provider_id, cap)
    provider_ids = list(nearest)
    today = timezone.localdate(now) if now else timezone.localdate()
    agreements: dict[int, AgencyAgreement] = {}
    for agreement in (
        AgencyAgreement.objects.filter(supplier_id__in=provider_ids, starts_on__lte=today, ends_on__gte=today,
                                       domains__in=list(depth_of))
        .distinct().order_by("-ends_on", "pk")
    ):
        agreements.setdefault(agreement.supplier_id, agreement)
    open_loads = dict(
        Need.objects.filter(provider_id__in=provider_ids, status__in=IN_HAND_STATUSES)
        .exclude(pk=need.pk).values("provider_id").annotate(n=Count("pk")).values_list("provider_id", "n")
    )
    domain_sets = _descendants(sorted({c.domain_id for c in nearest.values()}), need.organization_id)
    month_loads = _month_loads(provider_ids, domain_sets, need.organization_id, need.pk, now)

    ranking = Ranking()
    scored = []
    for provider_id, cap in nearest.items():
        provider = cap.provider
        if not provider.is_active:
            ranking.excluded.append(Excluded(provider, str(_("The provider is not active."))))
            continue
        agreement = agreements.get(provider_id)
        if provider.kind == ProviderKind.SUPPLIER and need.kind == NeedKind.GOODS and agreement is None:
            ranking.excluded.append(Excluded(provider, str(
                _("No agency agreement in force covers this domain: the organization does not represent "
                  "this supplier for it today.")
            )))
            continue
        month_load = month_loads.get((provider_id, cap.domain_id), 0)
        if cap.monthly_capacity - month_load <= 0:
            ranking.excluded.append(Excluded(provider, str(
                _("No capacity left this month (%(load)s of %(capacity)s taken).")
                % {"load": month_load, "capacity": cap.monthly_capacity}
            )))
            continue
        facts = Facts(level=cap.level, depth=depth_of[cap.domain_id], monthly_capacity=cap.monthly_capacity,
                      month_load=month_load, rating=provider.rating, on_time_rate=provider.on_time_rate,
                      open_load=open_loads.get(provider_id, 0))
        breakdown = score(facts)
        scored.append((total(breakdown), cap, breakdown, agreement))
    scored.sort(key=lambda row: (-row[0], -row[1].level, row[1].provider.name, row[1].provider_id))
    for rank, (points, cap, breakdown, agreement) in enumerate(scored, start=1):
        ranking.candidates.append(Candidate(cap.provider, rank, points, breakdown, cap.domain, agreement))
    ranking.excluded.sort(key=lambda e: (e.provider.name, e.provider.pk))
    return ranking


def assigned_provider_ids(need: Need) -> set[int]:
    """Providers already holding an assignment of the need (primary or competing)."""
    return set(Assignment.objects.filter(need=need).values_list("provider_id", flat=True))

