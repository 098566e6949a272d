"""The few figures the organization shows the public: how much it bought for the municipalities, how
much of it went to small towns, how often orders were closed on time, and what pooling saved.

Read from the rollup cells of one organization, for the anonymous reader of the transparency page; the
caller (transparency) passes what its publication policy withholds, so a withheld domain counts in no
public figure, and whether group purchases are published at all (the savings come from them).
"""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from hamyar.commerce.models import Participant

from ..models import MunicipalityMonth, MunicipalityTotalMonth
from .dashboard import SMALL_MUNICIPALITY, _percent, fresh, month_window
from .savings import SETTLED, GroupSavings

__all__ = ["PublicFigures", "public_figures"]


@dataclass(frozen=True)
class PublicFigures:
    first_month: int
    last_month: int
    orders: int
    amount: int  # Rial
    small_amount: int  # Rial ordered by municipalities under 50,000 residents
    closed: int
    on_time: int
    savings: GroupSavings | None  # None when group purchases are not published

    @property
    def small_percent(self) -> Decimal | None:
        return _percent(self.small_amount, self.amount)

    @property
    def on_time_percent(self) -> Decimal | None:
        return _percent(self.on_time, self.closed)


def public_figures(*, organization_id: int, withheld_domain_ids: Collection[int] = (),
                   with_savings: bool = True, months: int = 12) -> PublicFigures:
    """The organization's last `months` Jalali months (the current one included), in two queries after
    the rollups are brought up to date."""
    fresh(organization_id)
    first, last = month_window(months)
    # Nothing withheld: the coarse cells answer (a few hundred rows); else the municipality × domain ones.
    cells = (MunicipalityMonth.objects.exclude(domain_id__in=withheld_domain_ids) if withheld_domain_ids
             else MunicipalityTotalMonth.objects)
    row = (cells.filter(organization_id=organization_id, month__gte=first, month__lte=last)
           .aggregate(n_orders=Sum("orders"), n_amount=Sum("amount"), n_closed=Sum("closed"),
                      n_on_time=Sum("on_time"),
                      n_small=Sum("amount", filter=Q(municipality__population__lt=SMALL_MUNICIPALITY))))
    savings = None
    if with_savings:
        shares = (Participant.objects
                  .filter(organization_id=organization_id, group_purchase__status__in=SETTLED,
                          order__isnull=False)
                  .exclude(group_purchase__domain_id__in=withheld_domain_ids)
                  .aggregate(alone=Sum("alone_subtotal"), paid=Sum("subtotal"),
                             pools=Count("group_purchase", distinct=True),
                             municipalities=Count("municipality", distinct=True)))
        savings = GroupSavings(alone=shares["alone"] or 0, paid=shares["paid"] or 0, pools=shares["pools"],
                               municipalities=shares["municipalities"])
    return PublicFigures(first, last, row["n_orders"] or 0, row["n_amount"] or 0, row["n_small"] or 0,
                         row["n_closed"] or 0, row["n_on_time"] or 0, savings)
