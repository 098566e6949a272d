"""Property-based: random sequences of billing, issuing, payments (over-payments among them) and voids.

After every step of every sequence:
- the municipality's statement up to today closes at the sum of its open invoices' balances
  (total − paid of issued and partially paid invoices), and its aging adds up to the same;
- no amount is created or lost: each invoice's paid amount is the sum of its payments, never
  negative and never above its total, and its status says so;
- a milestone is never billed twice while an invoice of it is live.

Each example works on a municipality of its own, so the examples of one run do not mix.
"""

import datetime as dt
from itertools import count

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.directory.choices import MunicipalityKind
from hamyar.directory.models import Municipality
from hamyar.finance import services
from hamyar.finance.choices import InvoiceStatus
from hamyar.finance.models import Invoice, Payment
from hamyar.finance.statement import statement_build
from hamyar.finance.tests.finance_data import requested_payment
from hamyar.projects.choices import ProjectStatus
from hamyar.projects.tests.project_data import vakilabad_project

_towns = count(1)
_references = count(1)
SOURCES = 6  # two projects of three milestones each

step = st.one_of(
    st.tuples(st.just("bill"), st.integers(0, SOURCES - 1), st.integers(0, 3_000_000_000)),
    st.tuples(st.just("issue"), st.integers(0, 20), st.integers(0, 200), st.integers(0, 120)),
    # pay: which invoice, its share of the balance (per mille; above 1000 over-pays), days after issue
    st.tuples(st.just("pay"), st.integers(0, 20), st.integers(1, 1500), st.integers(0, 60)),
    st.tuples(st.just("void"), st.integers(0, 20)),
)


def check_the_ledger(municipality: Municipality, first_day: dt.date) -> None:
    invoices = list(Invoice.objects.filter(municipality=municipality))
    for invoice in invoices:
        paid = Payment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or 0
        assert invoice.paid_amount == paid
        assert 0 <= invoice.paid_amount <= invoice.total
        expected = {
            InvoiceStatus.DRAFT: paid == 0,
            InvoiceStatus.VOID: paid == 0,
            InvoiceStatus.ISSUED: paid == 0,
            InvoiceStatus.PARTIALLY_PAID: 0 < paid < invoice.total,
            InvoiceStatus.PAID: paid == invoice.total,
        }[invoice.status]
        assert expected, (invoice.status, paid, invoice.total)
    live = [i.payment_request_id for i in invoices if i.status != InvoiceStatus.VOID]
    assert len(live) == len(set(live)), "a milestone was billed twice"
    open_balances = sum(
        i.total - i.paid_amount
        for i in invoices
        if i.status in (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)
    )
    statement = statement_build(municipality=municipality, start=first_day, end=timezone.localdate())
    assert statement.opening == 0
    assert statement.closing == open_balances
    assert statement.aging.total == open_balances
    received = Payment.objects.filter(invoice__municipality=municipality).aggregate(s=Sum("amount"))["s"]
    assert statement.credits == (received or 0)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_the_statement_balance_is_always_the_sum_of_open_invoice_balances(tenant, steps):
    officer = tenant.users["finance"]
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=400)
    town = Municipality.objects.create(
        organization=tenant.org,
        name=f"شهر آزمون {next(_towns)}",
        search_name="شهر آزمون",
        kind=MunicipalityKind.CITY,
        population=20000,
    )
    projects = [
        vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, municipality=town).project
        for _ in range(2)
    ]
    requests: dict[int, object] = {}
    invoices: list[Invoice] = []
    for action, *args in steps:
        if action == "bill":
            index, amount = args
            if index not in requests:
                requests[index] = requested_payment(
                    tenant, project=projects[index // 3], milestone=index % 3, amount=amount
                )
            try:
                invoices.append(
                    services.invoice_from_payment_request(
                        payment_request=requests[index], acting_user=officer
                    )
                )
            except ApplicationError as refused:
                assert refused.code == "already_invoiced"
        elif not invoices:
            continue
        elif action == "issue":
            which, days_ago, term = args
            invoice = invoices[which % len(invoices)]
            invoice.refresh_from_db()
            issue_date = today - dt.timedelta(days=days_ago)
            try:
                services.invoice_issue(
                    invoice=invoice,
                    acting_user=officer,
                    issue_date=issue_date,
                    due_date=issue_date + dt.timedelta(days=term),
                )
            except ApplicationError as refused:
                assert refused.code == "invoice_state" and invoice.status != InvoiceStatus.DRAFT
        elif action == "pay":
            which, per_mille, after = args
            invoice = invoices[which % len(invoices)]
            invoice.refresh_from_db()
            amount = max(1, invoice.balance * per_mille // 1000)
            over = amount > invoice.balance
            paid_on = min(today, (invoice.issue_date or today) + dt.timedelta(days=after))
            payable = invoice.status in (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)
            try:
                services.payment_record(
                    invoice=invoice,
                    acting_user=officer,
                    amount=amount,
                    paid_on=paid_on,
                    reference=f"R-{next(_references)}",
                )
            except InvalidInput as refused:
                assert payable and over and refused.code == "overpayment"
            except ApplicationError as refused:
                assert not payable and refused.code == "invoice_state"
            else:
                assert payable and not over
        elif action == "void":
            invoice = invoices[args[0] % len(invoices)]
            invoice.refresh_from_db()
            try:
                services.invoice_void(invoice=invoice, acting_user=officer, reason="آزمون")
            except ApplicationError as refused:
                assert invoice.status == InvoiceStatus.VOID or invoice.paid_amount > 0, refused
        check_the_ledger(town, first_day)
