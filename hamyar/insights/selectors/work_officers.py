"""The commerce and finance officers' work queues on their homes: each a count of the rows the linked
list shows to the same user, read through that list's own scoped selector (and filter)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.commerce import selectors as commerce
from hamyar.commerce.choices import GroupPurchaseStatus, QuotationStatus
from hamyar.directory.selectors import agreements_expiring
from hamyar.finance import selectors as finance
from hamyar.finance.choices import SettlementStatus
from hamyar.needs import selectors as needs

from .needs import capability_gaps
from .receivables import aging_totals, receivables_by_municipality

__all__ = ["CLOSING_WITHIN_DAYS", "CommerceWork", "FinanceWork", "commerce_work", "finance_work"]

CLOSING_WITHIN_DAYS = 7


@dataclass
class CommerceWork:
    to_triage: int  # submitted needs: the triage queue's rows
    triage_overdue: int  # of them, past the triage clock
    overdue: int  # open needs with any clock late: the overdue page's rows
    awaiting_deputy: int  # quotations, ?status=awaiting_deputy
    sent: int  # quotations, ?status=sent
    awaiting_mayor: int  # quotations, ?status=awaiting_mayor
    pools_open: int  # group purchases open for joining
    pools_closing: int  # of them, closing within CLOSING_WITHIN_DAYS
    expiring: int  # agreements, ?status=expiring
    gap_domains: int  # the capability gaps page's rows
    gap_needs: int  # the needs behind them


def commerce_work(*, user: User, now: dt.datetime | None = None) -> CommerceWork:
    triage = needs.need_triage_queue(user=user, now=now)
    quotations = dict(commerce.quotation_list(user=user).order_by().values_list("status")
                      .annotate(n=Count("pk")))
    today = timezone.localdate()
    pools = commerce.group_purchase_list(user).filter(status=GroupPurchaseStatus.OPEN).aggregate(
        open=Count("pk"),
        closing=Count("pk", filter=Q(closes_on__lte=today + dt.timedelta(days=CLOSING_WITHIN_DAYS))))
    gaps = capability_gaps(user=user)
    return CommerceWork(
        to_triage=len(triage),
        triage_overdue=sum(1 for need in triage if need.overdue_clock),
        overdue=len(needs.need_overdue(user=user, now=now)),
        awaiting_deputy=quotations.get(QuotationStatus.AWAITING_DEPUTY, 0),
        sent=quotations.get(QuotationStatus.SENT, 0),
        awaiting_mayor=quotations.get(QuotationStatus.AWAITING_MAYOR, 0),
        pools_open=pools["open"],
        pools_closing=pools["closing"],
        expiring=agreements_expiring(user=user).count(),
        gap_domains=len(gaps),
        gap_needs=sum(row["n"] for row in gaps),
    )


@dataclass
class FinanceWork:
    deliveries_to_bill: int  # the billing queue's deliveries
    requests_to_bill: int  # the billing queue's payment requests
    owing: int  # municipalities owing: the receivables page's rows
    aging: Any  # AgingTotals: 0–30, 31–60, 61–90, over 90 days past due
    overdue_invoices: int  # invoices, ?overdue=on
    to_settle: int  # commission settlements calculated, not settled


def finance_work(*, user: User) -> FinanceWork:
    owing = list(receivables_by_municipality(user=user))
    return FinanceWork(
        deliveries_to_bill=finance.billable_deliveries(user=user).count(),
        requests_to_bill=finance.billable_payment_requests(user=user).count(),
        owing=len(owing),
        aging=aging_totals(owing),
        overdue_invoices=finance.invoice_list(user=user, filters={"overdue": True}).count(),
        to_settle=finance.settlement_list(user=user,
                                          filters={"status": SettlementStatus.CALCULATED}).count(),
    )
