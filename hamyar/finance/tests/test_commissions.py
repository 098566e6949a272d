"""Commissions on a represented supplier's invoiced sales, per agreement and period, and their settlement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hamyar.accounts.models import Notification
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.money import vat_amount
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.finance import selectors, services
from hamyar.finance.choices import SettlementStatus
from hamyar.finance.tests.finance_data import (
    BENCH_PRICE,
    issued_invoice,
    received_delivery,
    requested_payment,
)

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


@pytest.fixture
def sales(tenant):
    """The supplier's invoices: 10 benches 20 days ago, 7 benches 5 days ago (one voided), a draft of
    3, and invoices that are not its sales (a milestone of the affiliated company, one before the
    agreement began)."""
    officer = tenant.users["finance"]
    first = issued_invoice(
        tenant, source=received_delivery(tenant, quantity=10), issue_date=TODAY() - 20 * DAY
    )
    order = first.delivery.order
    second = issued_invoice(
        tenant, source=received_delivery(tenant, order=order, quantity=7), issue_date=TODAY() - 5 * DAY
    )
    voided = issued_invoice(
        tenant, source=received_delivery(tenant, order=order, quantity=2), issue_date=TODAY() - 5 * DAY
    )
    services.invoice_void(invoice=voided, acting_user=officer, reason="اشتباه")
    services.invoice_from_delivery(
        delivery=received_delivery(tenant, order=order, quantity=3), acting_user=officer
    )
    issued_invoice(tenant, source=requested_payment(tenant), issue_date=TODAY() - 5 * DAY)
    issued_invoice(
        tenant,
        source=received_delivery(tenant, order=order, quantity=1),
        issue_date=tenant.agreement.starts_on - DAY,
    )
    return first, second


def test_the_commission_is_the_percent_of_the_suppliers_sales_before_vat(tenant, sales):
    start = TODAY() - 30 * DAY
    with one_audit_event("commission.calculate"):
        settlement = services.commission_calculate(
            agreement=tenant.agreement,
            acting_user=tenant.users["finance"],
            period_start=start,
            period_end=TODAY(),
        )
    assert settlement.sales_total == 17 * BENCH_PRICE
    assert settlement.invoice_count == 2
    assert settlement.commission_percent == Decimal("5")
    assert settlement.commission_amount == vat_amount(17 * BENCH_PRICE, 5) == 17 * BENCH_PRICE // 20
    assert settlement.supplier == tenant.supplier and settlement.status == SettlementStatus.CALCULATED


def test_sales_outside_the_agreements_validity_do_not_count(tenant, sales):
    settlement = services.commission_calculate(
        agreement=tenant.agreement,
        acting_user=tenant.users["finance"],
        period_start=tenant.agreement.starts_on - 30 * DAY,
        period_end=TODAY() - 10 * DAY,
    )
    assert (settlement.sales_total, settlement.invoice_count) == (10 * BENCH_PRICE, 1)


def test_the_commission_is_rounded_half_up_once(tenant):
    assert services.commission_amount(10, Decimal("5")) == 1  # 0.5 → 1
    assert services.commission_amount(29, Decimal("2.5")) == 1  # 0.725 → 1
    assert services.commission_amount(17, Decimal("2.5")) == 0  # 0.425 → 0
    assert services.commission_amount(1_000_000_001, Decimal("4.35")) == vat_amount(1_000_000_001, "4.35")


def test_one_settlement_per_agreement_and_period(tenant, sales):
    officer = tenant.users["finance"]
    services.commission_calculate(
        agreement=tenant.agreement,
        acting_user=officer,
        period_start=TODAY() - 30 * DAY,
        period_end=TODAY() - 10 * DAY,
    )
    for start, end in [(30, 10), (15, 0), (40, 30)]:  # the same period, and periods overlapping it
        with nothing_written("finance"), pytest.raises(ApplicationError) as refused:
            services.commission_calculate(
                agreement=tenant.agreement,
                acting_user=officer,
                period_start=TODAY() - start * DAY,
                period_end=TODAY() - end * DAY,
            )
        assert refused.value.status == 409 and refused.value.code == "settlement_exists"
    # The days after it are a period of their own.
    later = services.commission_calculate(
        agreement=tenant.agreement, acting_user=officer, period_start=TODAY() - 9 * DAY, period_end=TODAY()
    )
    assert later.sales_total == 7 * BENCH_PRICE


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (5, 10, "period_end"),  # ends before it starts
        (-1, -2, "period_end"),  # not over yet
    ],
)
def test_bad_periods_are_refused(tenant, start, end, field):
    with nothing_written("finance"), pytest.raises(InvalidInput) as refused:
        services.commission_calculate(
            agreement=tenant.agreement,
            acting_user=tenant.users["finance"],
            period_start=TODAY() - start * DAY,
            period_end=TODAY() - end * DAY,
        )
    assert field in refused.value.extra["fields"]


def test_a_period_outside_the_agreement_is_refused(tenant):
    with nothing_written("finance"), pytest.raises(InvalidInput) as refused:
        services.commission_calculate(
            agreement=tenant.expired_agreement,
            acting_user=tenant.users["finance"],
            period_start=TODAY() - 5 * DAY,
            period_end=TODAY(),
        )
    assert refused.value.code == "outside_agreement"


def test_settling_records_the_reference_and_date_once_and_tells_the_supplier(tenant, sales):
    officer = tenant.users["finance"]
    settlement = services.commission_calculate(
        agreement=tenant.agreement, acting_user=officer, period_start=TODAY() - 30 * DAY, period_end=TODAY()
    )
    with nothing_written("finance"), pytest.raises(InvalidInput):
        services.commission_settle(
            settlement=settlement, acting_user=officer, reference=" ", settled_on=TODAY()
        )
    with nothing_written("finance"), pytest.raises(InvalidInput):
        services.commission_settle(
            settlement=settlement, acting_user=officer, reference="S-1", settled_on=TODAY() + DAY
        )
    with one_audit_event("commission.settle"):
        settled = services.commission_settle(
            settlement=settlement, acting_user=officer, reference="واریز ۹۸۷", settled_on=TODAY()
        )
    assert (settled.status, settled.reference, settled.settled_on, settled.settled_by) == (
        SettlementStatus.SETTLED,
        "واریز 987",
        TODAY(),
        officer,
    )
    assert Notification.objects.filter(recipient=tenant.users["supplier"]).exists()
    with nothing_written("finance"), pytest.raises(ApplicationError):
        services.commission_settle(
            settlement=settled, acting_user=officer, reference="S-2", settled_on=TODAY()
        )


def test_who_calculates_and_who_sees_settlements(tenant, other_tenant, sales):
    for who in ["executive", "commerce"]:
        with nothing_written("finance"), pytest.raises(PermissionDenied):
            services.commission_calculate(
                agreement=tenant.agreement,
                acting_user=tenant.users[who],
                period_start=TODAY() - 5 * DAY,
                period_end=TODAY(),
            )
    for user in [tenant.users["district9"], other_tenant.users["finance"]]:
        with nothing_written("finance"), pytest.raises(NotFound):
            services.commission_calculate(
                agreement=tenant.agreement,
                acting_user=user,
                period_start=TODAY() - 5 * DAY,
                period_end=TODAY(),
            )
    settlement = services.commission_calculate(
        agreement=tenant.agreement,
        acting_user=tenant.users["admin"],
        period_start=TODAY() - 5 * DAY,
        period_end=TODAY(),
    )
    assert list(selectors.settlement_list(user=tenant.users["supplier"])) == [settlement]
    assert list(selectors.settlement_list(user=tenant.users["district9"])) == []
    assert list(selectors.settlement_list(user=other_tenant.users["finance"])) == []
    with pytest.raises(PermissionDenied):
        services.commission_settle(
            settlement=settlement, acting_user=tenant.users["supplier"], reference="x", settled_on=TODAY()
        )
