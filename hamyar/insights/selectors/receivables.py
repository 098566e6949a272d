"""The receivables rollup behind the finance officers' statements page: what each municipality owes by
days past due, as of today, in one query. Scoped like every selector (it starts from finance's
`municipality_balances`).

Today every recorded payment is already made (a payment date is never in the future), so what an
invoice still owes today is its total less its paid amount; the buckets are those of the statement's
aging (`statement.AGING_BUCKETS`, days past due = today − due date, not yet due counted in 0–30), so a
municipality's buckets here equal the aging of its statement ending today.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BigIntegerField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.directory.models import Municipality
from hamyar.finance.selectors import OPEN_STATUSES, municipality_balances
from hamyar.finance.statement import AGING_BUCKETS

__all__ = ["AgingTotals", "aging_totals", "receivables_by_municipality"]


def _bucket_condition(first: int | None, last: int | None, today: dt.date) -> Q:
    """Open invoices whose days past due (today − due date) are within [first, last]."""
    condition = Q(invoices__status__in=OPEN_STATUSES)
    if last is not None:  # days ≤ last ⇔ due ≥ today − last
        condition &= Q(invoices__due_date__gte=today - dt.timedelta(days=last))
    if first is not None:  # days ≥ first ⇔ due ≤ today − first
        condition &= Q(invoices__due_date__lte=today - dt.timedelta(days=first))
    return condition


def receivables_by_municipality(*, user: User, today: dt.date | None = None,
                                owing_only: bool = True) -> QuerySet[Municipality]:
    """The municipalities the user may see with `invoiced`, `paid`, `outstanding`, `overdue` and one
    amount per aging bucket (`d0_30`, `d31_60`, `d61_90`, `d90_plus`); those owing nothing are left out
    unless `owing_only` is false. Largest balance first."""
    today = today or timezone.localdate()
    owed = F("invoices__total") - F("invoices__paid_amount")
    rows = municipality_balances(user=user).select_related("parent").annotate(**{
        key: Coalesce(Sum(owed, filter=_bucket_condition(first, last, today)), Value(0),
                      output_field=BigIntegerField())
        for key, first, last, _label in AGING_BUCKETS
    })
    if owing_only:
        rows = rows.filter(outstanding__gt=0)
    return rows.order_by("-outstanding", "name", "pk")


@dataclass
class AgingTotals:
    rows: list[tuple[str, object, int]]  # (key, label, amount)

    @property
    def total(self) -> int:
        return sum(amount for _key, _label, amount in self.rows)


def aging_totals(municipalities: list[Municipality]) -> AgingTotals:
    """The buckets added up over the rows of `receivables_by_municipality` (already fetched)."""
    return AgingTotals([
        (key, label, sum(getattr(row, key) for row in municipalities))
        for key, _first, _last, label in AGING_BUCKETS
    ])
