"""A municipality's statement: opening balance, movements with the running balance, closing balance,
aging on the last day; and the Jalali ranges a clerk types."""

import datetime as dt

import pytest

from hamyar.core.errors import InvalidInput
from hamyar.core.jalali import parse_jalali_date
from hamyar.finance import services
from hamyar.finance.statement import jalali_month, parse_date, statement_build, statement_range
from hamyar.finance.tests.finance_data import issued_invoice, requested_payment

J = parse_jalali_date


def pay(tenant, invoice, amount, on, reference):
    return services.payment_record(
        invoice=invoice, acting_user=tenant.users["finance"], amount=amount, paid_on=on, reference=reference
    )


@pytest.fixture
def ledger(tenant):
    """District 9: three milestone invoices (5.5, 13.2 and 8.8 bn Rial with VAT) over Mehr to Azar 1404,
    payments, a void invoice, and District 10's invoice that must never show."""
    project = requested_payment(tenant).project
    design = issued_invoice(
        tenant, source=project.payment_requests.get(), issue_date=J("1404/07/10"), due_date=J("1404/08/10")
    )
    planting = issued_invoice(
        tenant,
        source=requested_payment(tenant, project=project, milestone=1),
        issue_date=J("1404/08/05"),
        due_date=J("1404/08/20"),
    )
    irrigation = issued_invoice(
        tenant,
        source=requested_payment(tenant, project=project, milestone=2),
        issue_date=J("1404/09/01"),
        due_date=J("1404/09/30"),
    )
    pay(tenant, design, 2_000_000_000, J("1404/07/25"), "M-1")
    pay(tenant, design, 1_500_000_000, J("1404/08/12"), "M-2")
    pay(tenant, planting, 3_200_000_000, J("1404/09/01"), "M-3")
    void = issued_invoice(
        tenant, source=requested_payment(tenant, amount=1_000_000_000), issue_date=J("1404/08/15")
    )
    services.invoice_void(invoice=void, acting_user=tenant.users["finance"], reason="تکراری")
    issued_invoice(
        tenant, source=requested_payment(tenant, municipality=tenant.district10), issue_date=J("1404/08/15")
    )
    return design, planting, irrigation


def test_the_aban_statement_of_district9(tenant, ledger):
    design, planting, irrigation = ledger
    start, end = jalali_month(1404, 8)
    statement = statement_build(municipality=tenant.district9, start=start, end=end)
    # Before Aban: the design invoice (5.5 bn) less its first payment (2 bn).
    assert statement.opening == 5_500_000_000 - 2_000_000_000
    rows = [(m.kind, m.number, m.debit, m.credit, m.balance) for m in statement.movements]
    assert rows == [
        ("invoice", planting.number, 13_200_000_000, 0, 16_700_000_000),
        ("payment", "M-2", 0, 1_500_000_000, 15_200_000_000),
    ]
    assert (statement.debits, statement.credits, statement.closing) == (
        13_200_000_000,
        1_500_000_000,
        15_200_000_000,
    )
    # On 30 Aban the design invoice is 20 days past due (2 bn owed), planting 10 days (13.2 bn).
    aging = statement.aging
    assert aging.as_of == end
    assert [(row.key, row.amount, row.invoices) for row in aging.rows] == [
        ("d0_30", 15_200_000_000, 2),
        ("d31_60", 0, 0),
        ("d61_90", 0, 0),
        ("d90_plus", 0, 0),
    ]
    assert aging.total == statement.closing and aging.not_due == 0


def test_on_one_day_the_invoice_comes_before_the_payment_and_aging_moves_with_time(tenant, ledger):
    design, planting, irrigation = ledger
    start, end = jalali_month(1404, 9)
    statement = statement_build(municipality=tenant.district9, start=start, end=end)
    assert [m.number for m in statement.movements] == [irrigation.number, "M-3"]
    assert statement.opening == 15_200_000_000
    assert statement.closing == 15_200_000_000 + 8_800_000_000 - 3_200_000_000
    # On 30 Azar: design 50 days past due, planting 40, irrigation due that very day (0, not yet late).
    assert {row.key: row.amount for row in statement.aging.rows} == {
        "d0_30": 8_800_000_000,
        "d31_60": 2_000_000_000 + 10_000_000_000,
        "d61_90": 0,
        "d90_plus": 0,
    }
    assert statement.aging.not_due == 8_800_000_000
    late = statement_build(municipality=tenant.district9, start=J("1405/01/01"), end=J("1405/01/31"))
    assert late.movements == [] and late.opening == late.closing == statement.closing
    assert {row.key: row.amount for row in late.aging.rows}["d90_plus"] == late.closing


def test_a_void_invoice_and_drafts_never_appear(tenant, ledger):
    services.invoice_from_payment_request(
        payment_request=requested_payment(tenant), acting_user=tenant.users["finance"]
    )  # a draft
    statement = statement_build(municipality=tenant.district9, start=J("1404/01/01"), end=J("1404/12/29"))
    assert statement.opening == 0
    assert sum(1 for m in statement.movements if m.kind == "invoice") == 3
    assert statement.closing == 5_500_000_000 + 13_200_000_000 + 8_800_000_000 - 6_700_000_000


def test_the_running_balance_is_the_opening_plus_debits_less_credits_so_far(tenant, ledger):
    statement = statement_build(municipality=tenant.district9, start=J("1404/07/15"), end=J("1404/09/15"))
    balance = statement.opening
    for movement in statement.movements:
        balance += movement.debit - movement.credit
        assert movement.balance == balance
    assert balance == statement.closing


def test_the_end_before_the_start_is_refused(tenant):
    with pytest.raises(InvalidInput):
        statement_build(municipality=tenant.district9, start=dt.date(2026, 1, 2), end=dt.date(2026, 1, 1))


# ---------------------------------------------------------------- ranges


def test_a_jalali_month_runs_from_its_first_to_its_last_day():
    assert jalali_month(1405, 9) == (J("1405/09/01"), J("1405/09/30"))
    assert jalali_month(1405, 1) == (J("1405/01/01"), J("1405/01/31"))
    # Esfand has 30 days in a leap year (1403) and 29 otherwise (1404).
    assert jalali_month(1403, 12)[1] == J("1403/12/30")
    assert jalali_month(1404, 12)[1] == J("1404/12/29")


@pytest.mark.parametrize("text", ["1405/09/03", "۱۴۰۵/۰۹/۰۳", "1405-9-3", "1405.09.03", "2026-11-24"])
def test_dates_are_read_as_jalali_or_iso(text):
    assert parse_date(text) == dt.date(2026, 11, 24)


@pytest.mark.parametrize("text", ["1405/13/01", "1405/12/31", "yesterday", "2026-02-30", "24/11/2026"])
def test_an_impossible_date_is_a_clear_422(text):
    with pytest.raises(InvalidInput) as refused:
        parse_date(text, field_name="from")
    assert "from" in refused.value.extra["fields"]


def test_a_missing_range_is_the_current_jalali_month():
    today = J("1405/09/17")
    assert statement_range(None, None, today=today) == (J("1405/09/01"), J("1405/09/30"))
    assert statement_range("1405/08/10", None, today=today) == (J("1405/08/10"), J("1405/08/30"))
    assert statement_range(None, "1405/07/20", today=today) == (J("1405/07/01"), J("1405/07/20"))
    with pytest.raises(InvalidInput):
        statement_range("1405/09/10", "1405/09/01", today=today)


def test_the_balances_list_ages_what_is_owed_as_the_statement_does(tenant, ledger):
    from hamyar.finance.selectors import municipality_balances

    end = J("1404/09/30")
    row = municipality_balances(user=tenant.users["finance"], today=end).get(pk=tenant.district9.pk)
    statement = statement_build(municipality=tenant.district9, start=J("1404/01/01"), end=end)
    assert row.outstanding == statement.closing
    assert [row.aging_d0_30, row.aging_d31_60, row.aging_d61_90, row.aging_d90_plus] == [
        bucket.amount for bucket in statement.aging.rows
    ]
    assert municipality_balances(user=tenant.users["district9"]).get().pk == tenant.district9.pk
