"""Every finance read a user can see, each starting from the scoped queryset.

A municipality user sees its own municipality's invoices, payments and statement; a supplier user
its own commission settlements (and no invoice: billing is between the organization and the
municipality); the organization's roles everything of their organization. Outside the scope is
NotFound, never a hint that the row exists.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.commerce.choices import DeliveryStatus
from hamyar.commerce.models import Delivery
from hamyar.core.errors import NotFound
from hamyar.core.roles import MUNICIPALITY_ROLES
from hamyar.core.scoping import role_of, scope, scoped_get
from hamyar.directory.models import AgencyAgreement, Municipality
from hamyar.projects.choices import PaymentRequestStatus
from hamyar.projects.models import PaymentRequest

from .choices import OPEN_STATUSES, OWED_STATUSES, InvoiceStatus
from .filters import InvoiceFilter, PaymentFilter, SettlementFilter
from .models import CommissionSettlement, Invoice, InvoiceLine, Payment
from .statement import Statement, statement_build

if TYPE_CHECKING:  # django-stubs is a development tool; the alias is only read by the type checker
    from django_stubs_ext import WithAnnotations

__all__ = [
    "OPEN_STATUSES",
    "Totals",
    "agreement_get",
    "billable_deliveries",
    "billable_payment_requests",
    "delivery_get",
    "finance_totals",
    "invoice_get",
    "invoice_lines",
    "invoice_list",
    "invoice_payments",
    "invoices_overdue",
    "municipality_balances",
    "payment_get",
    "payment_list",
    "payment_request_get",
    "settlement_get",
    "settlement_list",
    "statement_get",
    "statement_municipality_get",
]

def _invoice_rows() -> QuerySet[Invoice]:
    return Invoice.objects.select_related(
        "municipality", "provider", "delivery", "payment_request", "created_by"
    )


def _visible_invoices(user: User) -> QuerySet[Invoice]:
    """The scope, less the drafts for municipality users: a draft is the finance unit's work in hand."""
    rows = scope(_invoice_rows(), user)
    if role_of(user) in MUNICIPALITY_ROLES:
        rows = rows.exclude(status=InvoiceStatus.DRAFT)
    return rows


def invoice_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Invoice]:
    """The invoices the user may see, narrowed by `InvoiceFilter`'s values, newest issue first (drafts,
    which have no date, last)."""
    return InvoiceFilter.filter_queryset(_visible_invoices(user), filters).order_by("-issue_date", "-pk")


def invoice_get(*, user: User, pk: int) -> Invoice:
    invoice = _visible_invoices(user).filter(pk=pk).first()
    if invoice is None:
        raise NotFound()
    return invoice


def invoices_overdue(*, today: dt.date) -> QuerySet[Invoice]:
    """Every organization's invoices past their due date with money owed, for the reminder task (which
    acts for no user), by organization."""
    rows = Invoice.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    return rows.order_by("organization_id", "pk")


def invoice_lines(*, invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's lines (the invoice was read through a selector, so the user may see them)."""
    return list(invoice.lines.order_by("pk"))


def invoice_payments(*, invoice: Invoice) -> list[Payment]:
    return list(invoice.payments.select_related("recorded_by").order_by("paid_on", "pk"))


def _payment_rows() -> QuerySet[Payment]:
    return Payment.objects.select_related("invoice", "invoice__municipality", "recorded_by")


def payment_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Payment]:
    """The payments the user may see, narrowed by `PaymentFilter`'s values, the latest first."""
    return PaymentFilter.filter_queryset(scope(_payment_rows(), user), filters).order_by("-paid_on", "-pk")


def payment_get(*, user: User, pk: int) -> Payment:
    return scoped_get(_payment_rows(), user, pk=pk)


def _settlement_rows() -> QuerySet[CommissionSettlement]:
    return CommissionSettlement.objects.select_related("agreement", "supplier", "calculated_by", "settled_by")


def settlement_list(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[CommissionSettlement]:
    """The settlements the user may see (a supplier its own), narrowed by `SettlementFilter`'s values."""
    rows = scope(_settlement_rows(), user)
    return SettlementFilter.filter_queryset(rows, filters).order_by("-period_end", "-pk")


def settlement_get(*, user: User, pk: int) -> CommissionSettlement:
    return scoped_get(_settlement_rows(), user, pk=pk)


def agreement_get(*, user: User, pk: int) -> AgencyAgreement:
    return scoped_get(AgencyAgreement.objects.select_related("supplier"), user, pk=pk)


# ---------------------------------------------------------------- what can be billed


def _live_invoice_of(**lookup: Any) -> Exists:
    return Exists(Invoice.objects.filter(**lookup).exclude(status=InvoiceStatus.VOID))


def billable_deliveries(*, user: User, municipality_id: int | None = None) -> QuerySet[Delivery]:
    """Received deliveries with no live invoice yet, the oldest first."""
    rows = scope(Delivery.objects.select_related("order", "order__municipality", "order__provider"), user)
    rows = rows.filter(status=DeliveryStatus.RECEIVED).filter(~_live_invoice_of(delivery=OuterRef("pk")))
    if municipality_id:
        rows = rows.filter(order__municipality_id=municipality_id)
    return rows.order_by("delivered_on", "pk")


def billable_payment_requests(*, user: User, municipality_id: int | None = None) -> QuerySet[PaymentRequest]:
    """Payment requests of completed milestones still waiting to be billed, the oldest first."""
    rows = scope(PaymentRequest.objects.select_related("project", "project__municipality", "milestone"), user)
    rows = rows.filter(status=PaymentRequestStatus.REQUESTED).filter(
        ~_live_invoice_of(payment_request=OuterRef("pk"))
    )
    if municipality_id:
        rows = rows.filter(project__municipality_id=municipality_id)
    return rows.order_by("created_at", "pk")


def delivery_get(*, user: User, pk: int) -> Delivery:
    return scoped_get(Delivery.objects.select_related("order"), user, pk=pk)


def payment_request_get(*, user: User, pk: int) -> PaymentRequest:
    return scoped_get(PaymentRequest.objects.select_related("project", "milestone"), user, pk=pk)


# ---------------------------------------------------------------- statements and totals


def statement_municipality_get(*, user: User, pk: int) -> Municipality:
    """The municipality whose statement the user asks for: its own for a municipality user (else 404)."""
    return scoped_get(Municipality.objects.all(), user, pk=pk)


def statement_get(*, user: User, municipality_id: int, start: dt.date, end: dt.date) -> Statement:
    municipality = statement_municipality_get(user=user, pk=municipality_id)
    return statement_build(municipality=municipality, start=start, end=end)


def _sum(expression: Any, condition: Q) -> Coalesce:
    return Coalesce(Sum(expression, filter=condition), Value(0), output_field=BigIntegerField())


class Balances(TypedDict):
    """What `municipality_balances` adds to each municipality, in Rial."""

    invoiced: int
    paid: int
    outstanding: int
    overdue: int
    aging_d0_30: int
    aging_d31_60: int
    aging_d61_90: int
    aging_d90_plus: int


def municipality_balances(
    *, user: User, today: dt.date | None = None
) -> "QuerySet[WithAnnotations[Municipality, Balances]]":
    """The municipalities the user may see, each with `invoiced`, `paid`, `outstanding` and `overdue`,
    and today's aging of what is owed: `aging_d0_30`, `aging_d31_60`, `aging_d61_90`, `aging_d90_plus`
    (days past the due date, as in the statement; not yet due counts in 0–30).

    Invoiced counts issued invoices (partly paid and paid included); void and draft ones never count.
    """
    today = today or timezone.localdate()
    owed = Q(invoices__status__in=sorted(OWED_STATUSES))
    still_owed = Q(invoices__status__in=OPEN_STATUSES)
    late = still_owed & Q(invoices__due_date__lt=today)
    balance = F("invoices__total") - F("invoices__paid_amount")

    def due_between(newest_days: int | None, oldest_days: int | None) -> Q:
        # Days past due d = today − due_date; the bucket holds newest_days ≤ d ≤ oldest_days.
        condition = still_owed
        if newest_days is not None:
            condition &= Q(invoices__due_date__lte=today - dt.timedelta(days=newest_days))
        if oldest_days is not None:
            condition &= Q(invoices__due_date__gte=today - dt.timedelta(days=oldest_days))
        return condition

    return (
        scope(Municipality.objects.all(), user)
        .annotate(
            invoiced=_sum("invoices__total", owed),
            paid=_sum("invoices__paid_amount", owed),
            overdue=_sum(balance, late),
            aging_d0_30=_sum(balance, due_between(None, 30)),
            aging_d31_60=_sum(balance, due_between(31, 60)),
            aging_d61_90=_sum(balance, due_between(61, 90)),
            aging_d90_plus=_sum(balance, due_between(91, None)),
        )
        .annotate(outstanding=F("invoiced") - F("paid"))
        .order_by("name", "pk")
    )


@dataclass
class Totals:
    invoiced: int
    paid: int
    outstanding: int
    overdue: int
    draft: int
    invoices: int


def finance_totals(*, user: User) -> Totals:
    """The organization's figures the user may see: what was billed, received, is owed and is late."""
    rows = scope(Invoice.objects.all(), user)
    owed = Q(status__in=sorted(OWED_STATUSES))
    late = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    figures = rows.aggregate(
        invoiced=Coalesce(Sum("total", filter=owed), Value(0), output_field=BigIntegerField()),
        paid=Coalesce(Sum("paid_amount", filter=owed), Value(0), output_field=BigIntegerField()),
        overdue=Coalesce(
            Sum(F("total") - F("paid_amount"), filter=late), Value(0), output_field=BigIntegerField()
        ),
        draft=Coalesce(
            Sum("total", filter=Q(status=InvoiceStatus.DRAFT)), Value(0), output_field=BigIntegerField()
        ),
    )
    count = rows.filter(owed).count()
    return Totals(
        invoiced=figures["invoiced"],
        paid=figures["paid"],
        outstanding=figures["invoiced"] - figures["paid"],
        overdue=figures["overdue"],
        draft=figures["draft"],
        invoices=count,
    )
