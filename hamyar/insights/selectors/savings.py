"""Savings from group purchases: what the municipalities paid at the pooled price against what each
would have paid alone (its own quantity at its own tier), over the shares of pools that were ordered
and allocated (or are done). Summed from the shares (commerce's Participant rows) the reader may see:
the organization's officers and executive all of them, a municipality its own, a supplier those of
its pools. Amounts are Rial, before VAT (the VAT follows the amount either way)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from hamyar.accounts.models import User
from hamyar.commerce.choices import GroupPurchaseStatus
from hamyar.commerce.models import Participant
from hamyar.core.scoping import scope

__all__ = ["GroupSavings", "MunicipalitySavings", "group_savings", "group_savings_by_municipality"]

SETTLED = (GroupPurchaseStatus.ALLOCATED, GroupPurchaseStatus.DONE)


@dataclass(frozen=True)
class GroupSavings:
    alone: int  # Σ what each would have paid alone
    paid: int  # Σ the shares at the pooled price
    pools: int
    municipalities: int

    @property
    def saving(self) -> int:
        return self.alone - self.paid

    @property
    def percent(self) -> Decimal | None:
        """The saving as a percent of what they would have paid alone."""
        if not self.alone:
            return None
        return (Decimal(100) * self.saving / self.alone).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class MunicipalitySavings(GroupSavings):
    municipality_id: int = 0
    name: str = ""
    name_en: str = ""


def _shares(user: User) -> QuerySet[Participant]:
    """The allocated shares (each has its order) of settled pools, in the reader's scope."""
    return scope(Participant.objects.filter(group_purchase__status__in=SETTLED, order__isnull=False), user)


def group_savings(*, user: User) -> GroupSavings:
    """The total over every share the user may see, and how many pools and municipalities it spans."""
    row = _shares(user).aggregate(alone=Sum("alone_subtotal"), paid=Sum("subtotal"),
                                  pools=Count("group_purchase", distinct=True),
                                  municipalities=Count("municipality", distinct=True))
    return GroupSavings(alone=row["alone"] or 0, paid=row["paid"] or 0, pools=row["pools"],
                        municipalities=row["municipalities"])


def group_savings_by_municipality(*, user: User, limit: int | None = None) -> list[MunicipalitySavings]:
    """Per municipality the user may see, the largest saving first."""
    rows = (_shares(user).values("municipality_id", "municipality__name", "municipality__name_en")
            .annotate(alone=Sum("alone_subtotal"), paid=Sum("subtotal"),
                      pools=Count("group_purchase", distinct=True))
            .order_by("municipality__name"))
    result = [MunicipalitySavings(alone=row["alone"] or 0, paid=row["paid"] or 0, pools=row["pools"],
                                  municipalities=1, municipality_id=row["municipality_id"],
                                  name=row["municipality__name"], name_en=row["municipality__name_en"] or "")
              for row in rows]
    result.sort(key=lambda row: (-row.saving, row.name))
    return result[:limit] if limit is not None else result
