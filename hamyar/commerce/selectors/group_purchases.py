"""Scoped reads of group purchases: the list, one pool as it fills up, and whom to invite.

A municipality reads the pools it is invited to, and of each only its own place (its quantity, order
and saving) besides the pooled total and tier, which every participant sees; the supplier reads its
own pools; officers and the executive read all of their organization.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from hamyar.accounts.models import User
from hamyar.core.roles import MUNICIPALITY_ROLES
from hamyar.core.scoping import membership_of, scope, scoped_get
from hamyar.directory.models import MunicipalAsset, Municipality
from hamyar.needs.choices import OPEN_STATUSES
from hamyar.needs.models import NeedLine

from ..choices import ParticipantStatus
from ..filters import GroupPurchaseFilter
from ..models import GroupPurchase, Participant, ParticipantLine
from ..services.group_pricing import tier_price, tier_reached
from ..services.group_purchases import suggested_quantity, tiers_of

__all__ = [
    "group_purchase_get",
    "group_purchase_list",
    "invitation_candidates",
    "pool_state",
]


def group_purchase_list(user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[GroupPurchase]:
    """The pools in scope, newest first, narrowed by `GroupPurchaseFilter`'s values."""
    rows = scope(GroupPurchase.objects.select_related("provider"), user)
    return GroupPurchaseFilter.filter_queryset(rows, filters).order_by("-created_at", "-pk")


def group_purchase_get(user: User, pk: Any) -> GroupPurchase:
    return scoped_get(GroupPurchase.objects.select_related("provider", "price_list", "agreement", "domain"),
                      user, pk=pk)


@dataclass
class Tier:
    from_quantity: int
    prices: dict[int, int]  # item → unit price at this tier
    reached: bool
    current: bool
    target: bool


@dataclass
class Place:
    participant: Participant
    lines: dict[int, int]
    expected_subtotal: int  # at the pool's current tier (or, once allocated, the share itself)
    alone_subtotal: int

    @property
    def expected_saving(self) -> int:
        return self.alone_subtotal - self.expected_subtotal


@dataclass
class PoolState:
    """A pool as one reader may see it: the total and tiers for all, the places the reader may read."""

    group_purchase: GroupPurchase
    pooled_quantity: int
    joined_count: int
    tiers: list[Tier]
    items: list[Any]
    places: list[Place] = field(default_factory=list)
    own: Place | None = None

    @property
    def to_target(self) -> int:
        return max(self.group_purchase.target_quantity - self.pooled_quantity, 0)

    @property
    def to_minimum(self) -> int:
        return max(self.group_purchase.minimum_quantity - self.pooled_quantity, 0)

    @property
    def next_tier(self) -> Tier | None:
        return next((tier for tier in self.tiers if not tier.reached), None)

    @property
    def percent_of_target(self) -> int:
        return min(100, round(100 * self.pooled_quantity / max(self.group_purchase.target_quantity, 1)))

    @property
    def expected_saving(self) -> int:
        return sum(place.expected_saving for place in self.places)


def pool_state(group_purchase: GroupPurchase, user: User) -> PoolState:
    """The pool as `user` may see it (the caller read `group_purchase` through `group_purchase_get`)."""
    tiers = tiers_of(group_purchase)
    pool = group_purchase.participants.filter(status=ParticipantStatus.JOINED)
    settled = group_purchase.ordered_at is not None and group_purchase.pooled_quantity
    pooled = group_purchase.pooled_quantity if settled else (pool.aggregate(n=Sum("quantity"))["n"] or 0)
    joined_count = pool.count()
    thresholds = sorted({from_quantity for rows in tiers.values() for from_quantity, _price in rows})
    # The tier paid now, over every item's tiers (the items of a set may be tiered at different steps).
    reached = tier_reached([(t, 0) for t in thresholds], pooled) if thresholds else 0
    tier_rows = [Tier(t, {item: tier_price(rows, t) for item, rows in tiers.items()}, t <= pooled,
                      t == reached, t == group_purchase.target_quantity) for t in thresholds]
    items = list(group_purchase.items.select_related("item").order_by("pk"))
    state = PoolState(group_purchase, pooled, joined_count, tier_rows, items)
    visible = scope(Participant.objects.filter(group_purchase=group_purchase), user).select_related(
        "municipality", "order", "need").order_by("municipality__name", "pk")
    lines: dict[int, dict[int, int]] = {}
    for participant_id, item, quantity in (scope(ParticipantLine.objects.all(), user)
                                           .filter(participant__group_purchase=group_purchase)
                                           .values_list("participant_id", "item_id", "quantity")):
        lines.setdefault(participant_id, {})[item] = quantity
    membership = membership_of(user)
    for participant in visible:
        own = lines.get(participant.pk, {})
        if participant.order_id:
            place = Place(participant, own, participant.subtotal, participant.alone_subtotal)
        else:
            own_total = sum(own.values())
            place = Place(participant, own,
                          sum(q * tier_price(tiers[item], pooled) for item, q in own.items()),
                          sum(q * tier_price(tiers[item], own_total) for item, q in own.items()))
        state.places.append(place)
        if membership is not None and membership.role in MUNICIPALITY_ROLES:
            state.own = place
    return state


@dataclass
class Candidate:
    municipality: Municipality
    reason: str
    suggested: int | None
    invited: bool


def invitation_candidates(group_purchase: GroupPurchase, user: User) -> list[Candidate]:
    """Whom to invite, and why: municipalities with an open need of the pool's items or domain (the need
    named), then those whose residents or assets suggest the need (the arithmetic said)."""
    municipalities = {m.pk: m for m in scope(Municipality.objects.all(), user).order_by("name")}
    invited = set(group_purchase.participants.values_list("municipality_id", flat=True))
    item_ids = list(group_purchase.items.values_list("item_id", flat=True))
    open_lines = (scope(NeedLine.objects.all(), user)
                  .filter(need__status__in=OPEN_STATUSES)
                  .filter(Q(item_id__in=item_ids) | Q(need__domain_id=group_purchase.domain_id))
                  .select_related("need").order_by("need__municipality_id", "pk"))
    candidates: dict[int, Candidate] = {}
    for line in open_lines:
        municipality = municipalities.get(line.need.municipality_id)
        if municipality is None or municipality.pk in candidates:
            continue
        quantity = line.quantity if line.item_id in item_ids else None
        reason = _("Open need %(number)s: %(description)s × %(quantity)s") % {
            "number": line.need.number, "description": line.description, "quantity": line.quantity}
        candidates[municipality.pk] = Candidate(municipality, str(reason), quantity,
                                                municipality.pk in invited)
    hectares: dict[int, Decimal] = {}
    if group_purchase.per_hectare:
        assets = MunicipalAsset.objects.filter(organization_id=group_purchase.organization_id)
        if group_purchase.asset_kind:
            assets = assets.filter(kind=group_purchase.asset_kind)
        hectares = dict(assets.values("municipality_id").annotate(area=Sum("area_ha"))
                        .values_list("municipality_id", "area"))
    for pk, municipality in municipalities.items():
        if pk in candidates:
            continue
        suggested, reason = suggested_quantity(group_purchase, municipality, hectares.get(pk))
        if suggested:
            candidates[pk] = Candidate(municipality, reason, suggested, pk in invited)
    return list(candidates.values())
