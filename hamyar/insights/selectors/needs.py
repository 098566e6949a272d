"""Rollups of the needs for the organization's officers: the board (needs per status, the oldest
cards of each open one, open needs per domain) and the capability gaps (demand no provider could
serve). Both start from needs' scoped `need_base`."""

from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import Count

from hamyar.accounts.models import User
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need
from hamyar.needs.selectors import need_base

__all__ = ["BOARD_CARDS", "BOARD_STATUSES", "BoardColumn", "capability_gaps", "need_board"]

BOARD_STATUSES = [NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.ASSIGNED, NeedStatus.QUOTED,
                  NeedStatus.APPROVED]
BOARD_CARDS = 25


@dataclass
class BoardColumn:
    status: NeedStatus
    count: int
    needs: list[Need]


def need_board(*, user: User) -> dict[str, Any]:
    """Counts per status (a column of the oldest cards for each open one) and open needs per domain."""
    qs = need_base(user=user)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    columns = []
    for status in BOARD_STATUSES:
        cards = list(qs.filter(status=status).order_by("updated_at", "pk")[:BOARD_CARDS])
        columns.append(BoardColumn(status, counts.get(status, 0), cards))
    per_domain = (
        qs.filter(status__in=BOARD_STATUSES).order_by().values("domain_id", "domain__name")
        .annotate(n=Count("pk")).order_by("-n", "domain__name")
    )
    return {
        "columns": columns,
        "counts": [(s, counts.get(s, 0)) for s in NeedStatus],
        "per_domain": list(per_domain),
        "total": sum(counts.values()),
    }


class GapRow(TypedDict):
    domain_id: int
    domain__name: str
    n: int  # the needs
    municipalities: int  # that asked


def capability_gaps(*, user: User) -> list[GapRow]:
    """Needs no provider could serve, counted per domain, the most asked first: where to grow."""
    rows = (
        need_base(user=user).filter(is_capability_gap=True).order_by()
        .values("domain_id", "domain__name").annotate(n=Count("pk"), municipalities=Count("municipality",
                                                                                          distinct=True))
        .order_by("-n", "domain__name")
    )
    return list(rows)
