"""A project's change orders and the payment requests of its completed milestones."""

from django.db.models import QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from hamyar.accounts.models import User
from hamyar.core.scoping import scope, scoped_get

from ..choices import CHANGE_LIMIT_PERCENT, ChangeOrderStatus
from ..models import ChangeOrder, PaymentRequest, Project


def change_order_list(*, project: Project) -> list[ChangeOrder]:
    return list(
        project.change_orders.select_related("requested_by", "decided_by").order_by("number")
    )


def change_order_get(*, user: User, pk: int, project: Project | None = None) -> ChangeOrder:
    qs = ChangeOrder.objects.select_related("project", "requested_by", "decided_by")
    if project is not None:
        qs = qs.filter(project=project)
    return scoped_get(qs, user, pk=pk)


def change_limit(project: Project) -> int:
    """The most the approved amount changes may add up to, either way (25% of the contract amount)."""
    return project.contract_amount * CHANGE_LIMIT_PERCENT // 100


def approved_change_total(*, project: Project) -> int:
    """The sum of the approved change orders' amount changes (Rial)."""
    total = project.change_orders.filter(status=ChangeOrderStatus.APPROVED).aggregate(
        s=Coalesce(Sum("amount_change"), Value(0)))["s"]
    return int(total)


def payment_request_list(*, user: User, project: Project | None = None, status: str | None = None
                         ) -> QuerySet[PaymentRequest]:
    qs = scope(PaymentRequest.objects.all(), user).select_related(
        "project", "project__municipality", "milestone"
    )
    if project is not None:
        qs = qs.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def payment_request_get(*, user: User, pk: int) -> PaymentRequest:
    return scoped_get(PaymentRequest.objects.select_related("project", "milestone"), user, pk=pk)


__all__ = [
    "approved_change_total",
    "change_limit",
    "change_order_get",
    "change_order_list",
    "payment_request_get",
    "payment_request_list",
]
