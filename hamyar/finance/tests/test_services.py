"""Invoices, issuing, voiding and payments: the rules of the ledger, each refusal writing nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.translation import override

from hamyar.accounts.models import Notification
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.money import vat_amount
from hamyar.core.testing import in_thread, nothing_written, one_audit_event, pause_after_save, wait_until
from hamyar.finance import services
from hamyar.finance.choices import InvoiceStatus
from hamyar.finance.models import Invoice, Payment
from hamyar.finance.tests.finance_data import (
    BENCH_PRICE,
    issued_invoice,
    open_order,
    received_delivery,
    requested_payment,
)
from hamyar.projects.choices import PaymentRequestStatus

APPS = ("finance", "projects", "commerce")
TODAY = timezone.localdate


@pytest.fixture
def officer(tenant):
    return tenant.users["finance"]


@pytest.fixture
def delivery(tenant):
    return received_delivery(tenant, quantity=12)


def events(invoice) -> list[str]:
    from hamyar.core.models import AuditEvent

    return list(
        AuditEvent.objects.filter(object_type="finance.invoice", object_id=str(invoice.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


# ---------------------------------------------------------------- invoices from what was received or done


def test_an_invoice_of_a_received_delivery_bills_its_lines_with_vat_from_the_setting(
    tenant, officer, delivery, settings
):
    settings.HAMYAR_VAT_PERCENT = 9
    with one_audit_event("invoice.create"):
        invoice = services.invoice_from_delivery(delivery=delivery, acting_user=officer)
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number.startswith("I-")
    assert (invoice.municipality, invoice.provider) == (tenant.district9, tenant.supplier)
    [line] = invoice.lines.all()
    assert (line.quantity, line.unit_price, line.amount) == (12, BENCH_PRICE, 12 * BENCH_PRICE)
    assert invoice.subtotal == 12 * BENCH_PRICE
    assert invoice.vat_percent == Decimal("9")
    assert invoice.vat_amount == vat_amount(12 * BENCH_PRICE, 9)
    assert invoice.total == invoice.subtotal + invoice.vat_amount


def test_vat_is_rounded_half_up_to_the_whole_rial_by_the_one_rule(tenant, officer):
    # 25 Rial × 10% = 2.5: half up gives 3 (banker's rounding would give 2).
    request = requested_payment(tenant, amount=25)
    invoice = services.invoice_from_payment_request(payment_request=request, acting_user=officer)
    assert invoice.vat_amount == vat_amount(25, 10) == 3
    assert invoice.total == 28


def test_a_delivery_is_never_billed_twice_while_its_invoice_is_live(tenant, officer, delivery):
    first = services.invoice_from_delivery(delivery=delivery, acting_user=officer)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.invoice_from_delivery(delivery=delivery, acting_user=officer)
    assert refused.value.status == 409 and refused.value.code == "already_invoiced"
    assert first.number in str(refused.value.message)
    services.invoice_void(invoice=first, acting_user=officer, reason="مبلغ اشتباه ثبت شد")
    again = services.invoice_from_delivery(delivery=delivery, acting_user=officer)
    assert again.pk != first.pk and Invoice.objects.filter(delivery=delivery).count() == 2


def test_a_delivery_not_yet_received_is_not_billed(tenant, officer):
    from hamyar.commerce.services import delivery_record

    order = open_order(tenant, quantity=5)
    waiting = delivery_record(
        order=order,
        acting_user=tenant.users["supplier"],
        quantities={order.lines.get().pk: 5},
        delivered_on=TODAY(),
    )
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.invoice_from_delivery(delivery=waiting, acting_user=officer)
    assert refused.value.code == "delivery_not_received"


def test_a_milestone_is_billed_once_and_again_only_after_its_invoice_is_voided(tenant, officer):
    request = requested_payment(tenant)
    invoice = services.invoice_from_payment_request(payment_request=request, acting_user=officer)
    request.refresh_from_db()
    assert request.status == PaymentRequestStatus.INVOICED
    assert invoice.total == 5_000_000_000 + vat_amount(5_000_000_000, 10)
    assert invoice.provider == tenant.affiliate and invoice.municipality == tenant.district9
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.invoice_from_payment_request(payment_request=request, acting_user=officer)
    assert refused.value.code == "already_invoiced"
    services.invoice_void(invoice=invoice, acting_user=officer, reason="تکرار")
    request.refresh_from_db()
    assert request.status == PaymentRequestStatus.REQUESTED
    assert (
        services.invoice_from_payment_request(payment_request=request, acting_user=officer).pk != invoice.pk
    )


def test_only_finance_writers_bill_and_another_municipality_does_not_see_the_source(
    tenant, other_tenant, delivery
):
    for who in ["commerce", "executive", "district9", "supplier"]:
        with nothing_written(*APPS), pytest.raises(PermissionDenied):
            services.invoice_from_delivery(delivery=delivery, acting_user=tenant.users[who])
    for user in [tenant.users["district10"], tenant.users["project_manager"], other_tenant.users["finance"]]:
        with nothing_written(*APPS), pytest.raises(NotFound):
            services.invoice_from_delivery(delivery=delivery, acting_user=user)
    assert services.invoice_from_delivery(delivery=delivery, acting_user=tenant.users["admin"])


# ---------------------------------------------------------------- issuing


def test_issuing_dates_the_invoice_tells_the_municipality_and_writes_one_event(tenant, officer, delivery):
    invoice = services.invoice_from_delivery(delivery=delivery, acting_user=officer)
    issued_on = TODAY() - dt.timedelta(days=3)
    with one_audit_event("invoice.issue"):
        invoice = services.invoice_issue(invoice=invoice, acting_user=officer, issue_date=issued_on)
    assert invoice.status == InvoiceStatus.ISSUED and invoice.issued_at is not None
    assert (invoice.issue_date, invoice.due_date) == (issued_on, issued_on + dt.timedelta(days=30))
    told = Notification.objects.filter(recipient=tenant.users["district9"], subject__contains=invoice.number)
    assert told.exists()
    assert not Notification.objects.filter(recipient=tenant.users["district10"]).exists()
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.invoice_issue(invoice=invoice, acting_user=officer)
    assert refused.value.code == "invoice_state"


@pytest.mark.parametrize(
    ("issue", "due", "field"),
    [
        (1, None, "issue_date"),  # in the future
        (0, -1, "due_date"),  # due before issued
    ],
)
def test_issue_dates_are_checked(tenant, officer, delivery, issue, due, field):
    invoice = services.invoice_from_delivery(delivery=delivery, acting_user=officer)
    issue_date = TODAY() + dt.timedelta(days=issue)
    due_date = None if due is None else issue_date + dt.timedelta(days=due)
    with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        services.invoice_issue(invoice=invoice, acting_user=officer, issue_date=issue_date, due_date=due_date)
    assert field in refused.value.extra["fields"]


def test_an_invoice_may_fall_due_on_its_issue_day(tenant, officer, delivery):
    invoice = issued_invoice(tenant, source=delivery, issue_date=TODAY(), due_date=TODAY())
    assert invoice.due_date == invoice.issue_date


# ---------------------------------------------------------------- voiding


def test_voiding_needs_a_reason_and_happens_once(tenant, officer, delivery):
    invoice = issued_invoice(tenant, source=delivery)
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        services.invoice_void(invoice=invoice, acting_user=officer, reason="  ")
    with one_audit_event("invoice.void"):
        voided = services.invoice_void(invoice=invoice, acting_user=officer, reason="صدور اشتباه")
    assert voided.status == InvoiceStatus.VOID and voided.void_reason == "صدور اشتباه" and voided.voided_at
    with nothing_written(*APPS), pytest.raises(ApplicationError):
        services.invoice_void(invoice=voided, acting_user=officer, reason="دوباره")
    assert Invoice.objects.filter(pk=invoice.pk).exists()  # never deleted


def test_an_invoice_with_payments_cannot_be_voided(tenant, officer, delivery):
    invoice = issued_invoice(tenant, source=delivery)
    services.payment_record(
        invoice=invoice, acting_user=officer, amount=1_000, paid_on=TODAY(), reference="77"
    )
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.invoice_void(invoice=invoice, acting_user=officer, reason="لغو")
    assert refused.value.code == "invoice_has_payments"


# ---------------------------------------------------------------- payments


def test_payments_move_the_invoice_to_partially_paid_then_paid(tenant, officer, delivery):
    invoice = issued_invoice(tenant, source=delivery)
    before = events(invoice)
    first = services.payment_record(
        invoice=invoice,
        acting_user=officer,
        amount=invoice.total - 500,
        paid_on=TODAY(),
        reference="SATNA-۱۴۰۵۰۹۰۱",
    )
    assert first.reference == "SATNA-14050901"
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount, invoice.balance) == (
        InvoiceStatus.PARTIALLY_PAID,
        invoice.total - 500,
        500,
    )
    assert events(invoice)[len(before) :] == ["invoice.partially_paid"]
    services.payment_record(
        invoice=invoice, acting_user=officer, amount=500, paid_on=TODAY(), reference="چک ۱۲"
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PAID, 0)
    assert events(invoice)[len(before) :] == ["invoice.partially_paid", "invoice.paid"]
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.payment_record(
            invoice=invoice, acting_user=officer, amount=1, paid_on=TODAY(), reference="x"
        )
    assert refused.value.code == "invoice_state"


def test_a_second_partial_payment_writes_only_the_payments_event(tenant, officer, delivery):
    from hamyar.core.models import AuditEvent

    invoice = issued_invoice(tenant, source=delivery)
    services.payment_record(invoice=invoice, acting_user=officer, amount=100, paid_on=TODAY(), reference="a1")
    last = AuditEvent.objects.order_by("-pk").first().pk
    services.payment_record(invoice=invoice, acting_user=officer, amount=100, paid_on=TODAY(), reference="a2")
    assert list(AuditEvent.objects.filter(pk__gt=last).values_list("action", flat=True)) == ["payment.record"]


def test_an_over_payment_is_refused_with_a_persian_message_naming_the_balance(tenant, officer, delivery):
    invoice = issued_invoice(tenant, source=delivery)
    services.payment_record(
        invoice=invoice,
        acting_user=officer,
        amount=invoice.total - 1_000_000,
        paid_on=TODAY(),
        reference="P-1",
    )
    with override("fa"), nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        services.payment_record(
            invoice=invoice, acting_user=officer, amount=1_000_001, paid_on=TODAY(), reference="P-2"
        )
    assert refused.value.code == "overpayment"
    message = str(refused.value.message)
    assert "۱٬۰۰۰٬۰۰۰" in message and "مانده" in message and invoice.number in message
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_a_reference_is_unique_in_the_organization_whatever_its_digits(
    tenant, other_tenant, officer, delivery
):
    invoice = issued_invoice(tenant, source=delivery)
    services.payment_record(
        invoice=invoice, acting_user=officer, amount=10, paid_on=TODAY(), reference="4521"
    )
    for spelling in ["۴۵۲۱", "٤٥٢١", " 4521 "]:
        with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
            services.payment_record(
                invoice=invoice, acting_user=officer, amount=10, paid_on=TODAY(), reference=spelling
            )
        assert refused.value.code == "duplicate_reference"
    # Another organization keeps its own references.
    theirs = issued_invoice(other_tenant)
    assert services.payment_record(
        invoice=theirs,
        acting_user=other_tenant.users["finance"],
        amount=10,
        paid_on=TODAY(),
        reference="4521",
    )


@pytest.mark.parametrize(
    ("amount", "paid_on", "reference", "field"),
    [
        (0, 0, "r", "amount"),
        (-5, 0, "r", "amount"),
        (True, 0, "r", "amount"),
        ("100", 0, "r", "amount"),
        (10, 1, "r", "paid_on"),  # in the future
        (10, -400, "r", "paid_on"),  # before the issue date
        (10, 0, "   ", "reference"),
        (10, 0, "x" * 41, "reference"),
    ],
)
def test_bad_payments_are_refused_and_write_nothing(
    tenant, officer, delivery, amount, paid_on, reference, field
):
    invoice = issued_invoice(tenant, source=delivery)
    with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        services.payment_record(
            invoice=invoice,
            acting_user=officer,
            amount=amount,
            paid_on=TODAY() + dt.timedelta(days=paid_on),
            reference=reference,
        )
    assert field in refused.value.extra["fields"]


def test_a_draft_is_not_paid_and_only_finance_writers_record_payments(tenant, officer, delivery):
    draft = services.invoice_from_delivery(delivery=delivery, acting_user=officer)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.payment_record(invoice=draft, acting_user=officer, amount=10, paid_on=TODAY(), reference="d")
    assert refused.value.code == "invoice_state"
    invoice = services.invoice_issue(invoice=draft, acting_user=officer)
    for who in ["district9", "executive", "commerce"]:
        with nothing_written(*APPS), pytest.raises(PermissionDenied):
            services.payment_record(
                invoice=invoice, acting_user=tenant.users[who], amount=10, paid_on=TODAY(), reference="d"
            )
    with nothing_written(*APPS), pytest.raises(NotFound):
        services.payment_record(
            invoice=invoice, acting_user=tenant.users["district10"], amount=10, paid_on=TODAY(), reference="d"
        )


def test_a_payment_exceeding_the_total_is_also_refused_by_the_database(tenant, officer, delivery):
    from django.db import IntegrityError, transaction

    invoice = issued_invoice(tenant, source=delivery)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(paid_amount=invoice.total + 1)


# ---------------------------------------------------------------- two officers at once (PostgreSQL)


@pytest.fixture
def pause_first_payment():
    """Holds the thread named "first" inside its transaction, just after its payment is inserted."""
    with pause_after_save(Payment) as events:
        yield events


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: row locks between two connections (SQLite locks the file)",
)
@pytest.mark.django_db(transaction=True)
def test_two_officers_paying_the_same_invoice_at_once_cannot_over_pay_it(tenant, pause_first_payment):
    inside, release = pause_first_payment
    invoice = issued_invoice(tenant, source=requested_payment(tenant))
    second_officer = tenant.users["admin"]
    share = invoice.total * 6 // 10  # each pays 60%: together they would pay 120%

    def pay(user, reference):
        return services.payment_record(
            invoice=invoice, acting_user=user, amount=share, paid_on=TODAY(), reference=reference
        )

    thread_a, a = in_thread("first", lambda: pay(tenant.users["finance"], "SATNA-1"))
    assert inside.wait(120), a
    thread_b, b = in_thread("second", lambda: pay(second_officer, "SATNA-2"))

    def second_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] >= 1

    wait_until(second_waits_on_a_lock, "the second payment waits for the first one's lock")
    assert Payment.objects.count() == 0  # nothing of the first is visible before it commits
    release.set()
    thread_a.join(120)
    thread_b.join(120)

    assert "error" not in a, a
    assert isinstance(b.get("error"), InvalidInput) and b["error"].code == "overpayment", b
    invoice.refresh_from_db()
    assert invoice.paid_amount == share <= invoice.total
    assert list(Payment.objects.values_list("reference", flat=True)) == ["SATNA-1"]
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID


# ---------------------------------------------------------------- reminders


def test_an_overdue_invoice_is_reminded_once_to_its_municipality_and_the_officers(tenant, officer):
    from hamyar.finance.tasks import PERIODIC, invoice_overdue_reminders_task

    late = issued_invoice(
        tenant,
        source=requested_payment(tenant),
        issue_date=TODAY() - dt.timedelta(days=40),
        due_date=TODAY() - dt.timedelta(days=10),
    )
    issued_invoice(tenant, source=requested_payment(tenant), issue_date=TODAY())  # not due yet
    assert invoice_overdue_reminders_task in PERIODIC
    assert services.invoice_remind_overdue() == 1
    for user in [tenant.users["district9"], officer]:
        reminders = Notification.objects.filter(recipient=user, subject__contains=late.number)
        assert reminders.filter(subject__contains="گذشته").count() == 1
    assert not Notification.objects.filter(recipient=tenant.users["district10"]).exists()
    assert services.invoice_remind_overdue() == 0  # run again: nobody is told twice
