"""The group purchase list's rows: each pool's pooled quantity, and a municipality's own place and its
expected saving, read for a whole page of pools in a fixed number of queries."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Sum

from hamyar.accounts.models import User
from hamyar.catalog.models import Price
from hamyar.core.roles import MUNICIPALITY_ROLES
from hamyar.core.scoping import membership_of, scope

from ..choices import ParticipantStatus
from ..models import GroupPurchase, GroupPurchaseItem, Participant, ParticipantLine
from ..services.group_pricing import tier_price

__all__ = ["GroupPurchaseRow", "group_purchase_rows"]


@dataclass
class GroupPurchaseRow:
    pool: GroupPurchase
    pooled_quantity: int
    own: Participant | None = None  # a municipality's own place
    expected_saving: int | None = None  # of the own place: at its own tier against the pooled price

    @property
    def percent_of_target(self) -> int:
        return min(100, round(100 * self.pooled_quantity / max(self.pool.target_quantity, 1)))


def group_purchase_rows(user: User, pools: Sequence[GroupPurchase]) -> list[GroupPurchaseRow]:
    """One row per pool of `pools` (read through `group_purchase_list`)."""
    pools = list(pools)
    if not pools:
        return []
    ids = [pool.pk for pool in pools]
    joined = Participant.objects.filter(group_purchase_id__in=ids, status=ParticipantStatus.JOINED)
    sums = joined.values("group_purchase_id").annotate(n=Sum("quantity"))
    live = dict(sums.values_list("group_purchase_id", "n"))
    rows = {pool.pk: GroupPurchaseRow(pool, pool.pooled_quantity if pool.ordered_at and pool.pooled_quantity
                                      else (live.get(pool.pk) or 0)) for pool in pools}
    membership = membership_of(user)
    if membership is None or membership.role not in MUNICIPALITY_ROLES:
        return list(rows.values())
    own = {p.group_purchase_id: p for p in scope(Participant.objects.filter(group_purchase_id__in=ids), user)}
    lines: dict[int, dict[int, int]] = {}
    for participant_id, item, quantity in (scope(ParticipantLine.objects.all(), user)
                                           .filter(participant__group_purchase_id__in=ids)
                                           .values_list("participant_id", "item_id", "quantity")):
        lines.setdefault(participant_id, {})[item] = quantity
    items = list(GroupPurchaseItem.objects.filter(group_purchase_id__in=ids).values_list("group_purchase_id",
                                                                                         "item_id"))
    lists = {pool.pk: pool.price_list_id for pool in pools}
    tiers: dict[tuple[int, int], list[tuple[int, int]]] = {}
    prices = Price.objects.filter(price_list_id__in=set(lists.values()), item_id__in={i for _p, i in items})
    for price_list, item, from_quantity, price in prices.values_list(
            "price_list_id", "item_id", "min_quantity", "unit_price"):
        tiers.setdefault((price_list, item), []).append((from_quantity, price))
    for pk, row in rows.items():
        place = own.get(pk)
        row.own = place
        if place is None:
            continue
        if place.order_id:
            row.expected_saving = place.saving
        elif place.status == ParticipantStatus.JOINED:
            mine = lines.get(place.pk, {})
            alone = sum(q * tier_price(sorted(tiers.get((lists[pk], i), [])), sum(mine.values()))
                        for i, q in mine.items())
            pooled = sum(q * tier_price(sorted(tiers.get((lists[pk], i), [])), row.pooled_quantity)
                         for i, q in mine.items())
            row.expected_saving = alone - pooled
    return list(rows.values())
