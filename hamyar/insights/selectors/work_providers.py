"""The work of a provider-bound user on its home: a project manager's projects, blocked constraints and
late milestones; a supplier's quotations to prepare, orders to deliver, rejected deliveries to redo, group
purchases and commissions. Each count is the length of the list it links to, read through the same
scoped selector that list reads (so a count never shows more than the list would)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.commerce import selectors as commerce
from hamyar.commerce.choices import DeliveryStatus, OrderStatus, QuotationStatus
from hamyar.core.scoping import scope
from hamyar.finance import selectors as finance
from hamyar.finance.choices import SettlementStatus
from hamyar.needs.selectors import need_work_queue
from hamyar.projects import selectors as projects
from hamyar.projects.choices import RUNNING_STATUSES, ConstraintStatus, MilestoneStatus
from hamyar.projects.models import Milestone, ProjectConstraint

__all__ = ["project_manager_work", "supplier_work"]

SHOWN = 8  # rows of a queue shown on the home itself


@dataclass(frozen=True)
class StatusCount:
    """One state of a list, how many rows the user has in it, and the list's query narrowing to it."""

    value: str
    label: str
    count: int
    query: str


def project_manager_work(*, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The project manager's projects by state (each links to the list at `?status=`), the late and the
    blocked ones (`?late=1`, `?blocked=1`), the running ones with their progress, the late milestones and
    the blocking constraints themselves, and the needs in its work queue."""
    today = today or timezone.localdate()
    rows = projects.project_list(user=user, today=today)
    summary = projects.portfolio_summary(rows)
    by_status = [StatusCount(status.value, str(status.label), n, f"status={status.value}")
                 for status, n in summary.status_rows() if n]
    running = list(rows.filter(status__in=RUNNING_STATUSES)[:SHOWN])
    late_milestones = (scope(Milestone.objects.all(), user)
                       .filter(due_date__lt=today, project__status__in=RUNNING_STATUSES)
                       .exclude(status=MilestoneStatus.COMPLETED)
                       .select_related("project").order_by("due_date", "pk"))
    blocking = (scope(ProjectConstraint.objects.all(), user)
                .filter(status=ConstraintStatus.BLOCKING)
                .select_related("project", "milestone").order_by("created_at", "pk"))
    return {
        "summary": summary,
        "project_states": by_status,
        "running_projects": running,
        "late_milestones": list(late_milestones[:SHOWN]),
        "blocking_constraints": list(blocking[:SHOWN]),
        "work_queue_count": need_work_queue(user=user).count(),
    }


def supplier_work(*, user: User) -> dict[str, Any]:
    """The supplier's queues: needs to quote (its work queue) and its draft quotations; its orders still
    to deliver by state; deliveries the municipality rejected on an order still open; its group
    purchases; and its commission settlements, the ones not settled yet summed."""
    open_statuses = commerce.OPEN_ORDER_STATUSES
    counted = dict(commerce.order_list(user=user).filter(status__in=open_statuses).order_by()
                   .values_list("status").annotate(n=Count("pk", distinct=True)).values_list("status", "n"))
    orders = [StatusCount(s.value, str(s.label), counted.get(s.value, 0), f"status={s.value}")
              for s in OrderStatus if s in open_statuses]
    rejected = commerce.delivery_list(user=user, filters={"status": DeliveryStatus.REJECTED}).filter(
        order__status__in=open_statuses)
    settlements = finance.settlement_list(user=user).aggregate(
        count=Count("pk"),
        open=Count("pk", filter=Q(status=SettlementStatus.CALCULATED)),
        open_amount=Sum("commission_amount", filter=Q(status=SettlementStatus.CALCULATED)),
    )
    return {
        "work_queue_count": need_work_queue(user=user).count(),
        "draft_quotations": commerce.quotation_list(
            user=user, filters={"status": QuotationStatus.DRAFT}).count(),
        "draft_status": QuotationStatus.DRAFT.value,
        "orders_to_deliver": orders,
        "orders_to_deliver_total": sum(row.count for row in orders),
        "rejected_deliveries": list(rejected[:SHOWN]),
        "rejected_count": rejected.count(),
        "group_purchase_count": commerce.group_purchase_list(user).count(),
        "settlements": settlements,
    }
