"""Supplier commissions: the commission of an agency agreement for a period (its supplier's invoiced
sales before VAT), and its settlement.

A commission is rounded once, half up to the whole Rial, by the rule of VAT (`core.money.vat_amount`).
One settlement covers a period of an agreement; the agreement is locked while one is calculated.
"""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.accounts.services import notification_recipients, notify
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import transition
from hamyar.core.money import vat_amount
from hamyar.core.roles import Role
from hamyar.directory.models import AgencyAgreement

from ..choices import OWED_STATUSES, SETTLEMENT_LIFECYCLE, SettlementAction
from ..models import CommissionSettlement, Invoice
from .common import (
    MAX_REFERENCE,
    field_error,
    jalali,
    normalize_reference,
    page_url,
    require_date,
    require_writer,
    rial,
)

__all__ = ["commission_amount", "commission_calculate", "commission_settle"]

def commission_amount(sales: int, percent: Decimal | int | str) -> int:
    """The commission on `sales` (Rial): sales × percent / 100, rounded once, half up to the whole Rial.

    The same rule as VAT (`core.money.vat_amount`), so the whole project rounds a percentage one way.
    """
    return vat_amount(sales, percent)


def commission_calculate(
    *, agreement: AgencyAgreement, acting_user: User, period_start: dt.date, period_end: dt.date
) -> CommissionSettlement:
    """The commission of an agency agreement for a period: its supplier's invoiced sales before VAT.

    Sales are the subtotals of the supplier's invoices issued in the period and within the
    agreement's validity, void invoices and drafts left out. One settlement covers a period of an
    agreement: a period overlapping one already calculated is refused (409).
    """
    require_writer(agreement, acting_user)
    period_start = require_date(period_start, "period_start", _("Enter the first day of the period."))
    period_end = require_date(period_end, "period_end", _("Enter the last day of the period."))
    if period_end < period_start:
        raise field_error("period_end", _("The end of the period cannot be before its start."))
    if period_end > timezone.localdate():
        raise field_error("period_end", _("The period has not ended yet; calculate it once it is over."))
    start, end = max(period_start, agreement.starts_on), min(period_end, agreement.ends_on)
    if start > end:
        raise field_error(
            "period_start",
            _("Agreement %(number)s is valid from %(starts)s to %(ends)s; the period is outside it.")
            % {
                "number": agreement.number,
                "starts": jalali(agreement.starts_on),
                "ends": jalali(agreement.ends_on),
            },
            code="outside_agreement",
        )
    try:
        with transaction.atomic():
            # One calculation of an agreement at a time: the overlap check below cannot race.
            locked = AgencyAgreement.objects.select_for_update().get(pk=agreement.pk)
            overlapping = (
                CommissionSettlement.objects.filter(
                    agreement=locked, period_start__lte=period_end, period_end__gte=period_start
                )
                .order_by("period_start")
                .first()
            )
            if overlapping is not None:
                raise _settlement_exists(locked, overlapping)
            sales = Invoice.objects.filter(
                organization_id=locked.organization_id,
                provider_id=locked.supplier_id,
                status__in=sorted(OWED_STATUSES),
                issue_date__gte=start,
                issue_date__lte=end,
            ).aggregate(total=Sum("subtotal"), count=Count("pk"))
            total = sales["total"] or 0
            settlement = CommissionSettlement.objects.create(
                organization_id=locked.organization_id,
                agreement=locked,
                supplier_id=locked.supplier_id,
                period_start=period_start,
                period_end=period_end,
                sales_total=total,
                commission_percent=locked.commission_percent,
                commission_amount=commission_amount(total, locked.commission_percent),
                invoice_count=sales["count"],
                calculated_by=acting_user,
            )
            audit_record(
                actor=acting_user,
                action="commission.calculate",
                obj=settlement,
                after={**snapshot(settlement), "sales_from": start, "sales_to": end},
            )
    except IntegrityError:
        raise _settlement_exists(agreement, None) from None
    return settlement


def _settlement_exists(agreement: AgencyAgreement, other: CommissionSettlement | None) -> ApplicationError:
    if other is None:
        return ApplicationError(
            _("The commission of agreement %(number)s for this period is already calculated.")
            % {"number": agreement.number},
            code="settlement_exists",
        )
    return ApplicationError(
        _(
            "The commission of agreement %(number)s is already calculated for %(start)s to %(end)s, which "
            "overlaps this period."
        )
        % {
            "number": agreement.number,
            "start": jalali(other.period_start),
            "end": jalali(other.period_end),
        },
        code="settlement_exists",
    )


def commission_settle(
    *, settlement: CommissionSettlement, acting_user: User, reference: str, settled_on: dt.date | None
) -> CommissionSettlement:
    """Calculated → settled, with the settlement's reference and date; the supplier's users are told."""
    reference = normalize_reference(reference)
    if not reference:
        raise field_error("reference", _("Enter the settlement's reference number."))
    if len(reference) > MAX_REFERENCE:
        raise field_error("reference", _("The reference is too long (at most 40 characters)."))
    settled_on = require_date(settled_on, "settled_on", _("Enter the date of the settlement."))
    if settled_on > timezone.localdate():
        raise field_error("settled_on", _("The settlement date cannot be in the future."))
    settle = SettlementAction.SETTLE
    with transition(SETTLEMENT_LIFECYCLE, settlement, settle, acting_user=acting_user) as move:
        locked = move.obj
        locked.reference, locked.settled_on, locked.settled_by = reference, settled_on, acting_user
        notify(
            organization_id=locked.organization_id,
            recipients=notification_recipients(
                organization_id=locked.organization_id,
                roles=[Role.SUPPLIER_USER],
                provider_id=locked.supplier_id,
            ),
            subject=_("Your commission statement of %(start)s to %(end)s was settled: %(amount)s Rial.")
            % {
                "start": jalali(locked.period_start),
                "end": jalali(locked.period_end),
                "amount": rial(locked.commission_amount),
            },
            url=page_url("finance:commission_detail", locked.pk),
        )
    return settlement
