"""A municipality user's work on its home: its open needs by state with their clocks, the quotations
waiting for this user's approval, the deliveries to confirm, the invoices due and overdue, its projects'
progress and the group purchases it is invited to.

Every figure is read through the same scoped selector, with the same filter values, as the list its
count links to, so a count is the number of rows that list shows to the same user."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from hamyar.accounts.models import Membership, User
from hamyar.commerce.choices import GroupPurchaseStatus, QuotationStatus
from hamyar.commerce.selectors import deliveries_awaiting_receipt, group_purchase_list, quotation_list
from hamyar.core.roles import MunicipalPost
from hamyar.finance.choices import OPEN_STATUSES as OPEN_INVOICE_STATUSES
from hamyar.finance.choices import InvoiceStatus
from hamyar.finance.selectors import invoice_list
from hamyar.needs.choices import NeedStatus
from hamyar.needs.selectors import need_list
from hamyar.needs.sla import clocked, overdue_clocks
from hamyar.projects.choices import RUNNING_STATUSES
from hamyar.projects.selectors import project_list

__all__ = ["MUNICIPAL_NEED_STATES", "NeedState", "municipality_work"]

# The needs still waiting for the organization, in the order they move: the open ones, and the approved
# ones whose delivery clock still runs (so every overdue need is counted under its state).
MUNICIPAL_NEED_STATES = (NeedStatus.SUBMITTED, NeedStatus.TRIAGED, NeedStatus.ASSIGNED, NeedStatus.QUOTED,
                         NeedStatus.APPROVED)
PROJECTS_SHOWN = 5


@dataclass
class NeedState:
    """One open state: its needs, the oldest one's wait since submission and how many are overdue."""

    status: NeedStatus
    count: int
    oldest_since: dt.datetime | None
    overdue: int

    @property
    def oldest_days(self) -> int | None:
        return (timezone.now() - self.oldest_since).days if self.oldest_since else None


def _needs(user: User) -> dict[str, Any]:
    rows = need_list(user=user).order_by()
    per_state: dict[str, dict[str, Any]] = {
        r["status"]: dict(r) for r in rows.filter(status__in=(NeedStatus.DRAFT, *MUNICIPAL_NEED_STATES))
        .values("status")
        .annotate(n=Count("pk"), oldest=Min("submitted_at"))}
    running = list(clocked(rows))
    late = overdue_clocks(running)
    late_by_status: dict[str, int] = {}
    for need in running:
        if need.pk in late:
            late_by_status[need.status] = late_by_status.get(need.status, 0) + 1
    states = [NeedState(status, per_state.get(status, {}).get("n", 0),
                        per_state.get(status, {}).get("oldest"), late_by_status.get(status, 0))
              for status in MUNICIPAL_NEED_STATES]
    return {"need_states": states, "open_needs": sum(s.count for s in states), "overdue_needs": len(late),
            "drafts": per_state.get(NeedStatus.DRAFT, {}).get("n", 0)}


def _quotations(user: User, membership: Membership) -> dict[str, Any]:
    """What waits for this user's approval: the clerk the sent ones, the mayor those past the clerk and
    above the mayor's threshold. A finance officer approves none, so nothing waits for it."""
    if membership.post == MunicipalPost.FINANCE:
        return {"quotation_status": "", "quotations_waiting": None}
    mayor = membership.post == MunicipalPost.MAYOR
    status = QuotationStatus.AWAITING_MAYOR if mayor else QuotationStatus.SENT
    return {"quotation_status": str(status),
            "quotations_waiting": quotation_list(user=user, waiting=True).order_by().count()}


def _invoices(user: User) -> dict[str, Any]:
    today = timezone.localdate()
    figures = invoice_list(user=user).order_by().aggregate(
        issued=Count("pk", filter=Q(status=InvoiceStatus.ISSUED)),
        partially_paid=Count("pk", filter=Q(status=InvoiceStatus.PARTIALLY_PAID)),
        overdue=Count("pk", filter=Q(status__in=OPEN_INVOICE_STATUSES, due_date__lt=today)),
        owed=Sum("total", filter=Q(status__in=OPEN_INVOICE_STATUSES)),
        paid_on_open=Sum("paid_amount", filter=Q(status__in=OPEN_INVOICE_STATUSES)),
        overdue_total=Sum("total", filter=Q(status__in=OPEN_INVOICE_STATUSES, due_date__lt=today)),
        overdue_paid=Sum("paid_amount", filter=Q(status__in=OPEN_INVOICE_STATUSES, due_date__lt=today)),
    )
    return {"invoices_issued": figures["issued"], "invoices_partially_paid": figures["partially_paid"],
            "invoices_overdue": figures["overdue"],
            "invoices_owed": (figures["owed"] or 0) - (figures["paid_on_open"] or 0),
            "invoices_overdue_owed": (figures["overdue_total"] or 0) - (figures["overdue_paid"] or 0)}


def _projects(user: User) -> dict[str, Any]:
    rows = project_list(user=user)
    # `is_late` is the flag the list's "late" filter narrows on.
    counts = rows.order_by().aggregate(total=Count("pk"), late=Count("pk", filter=Q(is_late=True)),
                                       running=Count("pk", filter=Q(status__in=RUNNING_STATUSES)))
    late = counts["late"]
    shown = list(rows.filter(status__in=RUNNING_STATUSES)[:PROJECTS_SHOWN])
    return {"projects_total": counts["total"], "projects_running": counts["running"], "projects_late": late,
            "projects": shown}


def _group_purchases(user: User) -> dict[str, Any]:
    pools = group_purchase_list(user).order_by()
    figures = pools.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status=GroupPurchaseStatus.OPEN)))
    return {"group_purchases_total": figures["total"], "group_purchases_open": figures["open"]}


def municipality_work(*, user: User, membership: Membership) -> dict[str, Any]:
    """Every work queue of a municipality user's home, each read as its linked list reads it."""
    return {
        **_needs(user),
        **_quotations(user, membership),
        "deliveries_to_confirm": deliveries_awaiting_receipt(user=user).order_by().count(),
        **_invoices(user),
        **_projects(user),
        **_group_purchases(user),
    }
