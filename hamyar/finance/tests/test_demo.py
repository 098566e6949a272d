"""The demo's billing: invoices of what the commerce and projects demos received and completed, in
every state a page shows (paid, partly paid, overdue by more than 60 days, void with a reason, draft,
one source left to bill), commissions calculated and settled, through the services (audited), every
finance page showing it, and loading twice adding nothing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from hamyar.accounts.models import Membership, User
from hamyar.commerce.models import Delivery
from hamyar.core.audit import audit_verify_chain
from hamyar.core.jalali import format_jalali_date
from hamyar.core.models import AuditEvent
from hamyar.core.roles import MunicipalPost, Role
from hamyar.core.text import to_persian_digits
from hamyar.directory.models import Municipality, Organization
from hamyar.directory.tests.test_demo import row_counts
from hamyar.finance import demo, selectors
from hamyar.finance.choices import InvoiceStatus, SettlementStatus
from hamyar.finance.models import CommissionSettlement, Invoice, Payment
from hamyar.projects.models import PaymentRequest


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the class (photos in a temporary media folder), rolled back after."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), django_db_blocker.unblock(), \
            transaction.atomic():
        run()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_org(loaded_demo, db) -> Organization:
    return Organization.objects.get(slug="khorasan-razavi")


def district9_finance(org: Organization) -> User:
    """The demo's District 9 finance officer (made here if the directory demo has none yet)."""
    user = User.objects.filter(username="district9-finance").first()
    if user is None:
        user = User.objects.create_user(username="district9-finance", password="x")
        Membership.objects.create(organization=org, user=user, role=Role.MUNICIPALITY_USER,
                                  municipality=Municipality.objects.get(organization=org,
                                                                        name_en="Mashhad District 9"),
                                  post=MunicipalPost.FINANCE)
    return user


class TestTheFinanceDemo:
    def test_what_was_received_or_done_is_billed_but_the_newest(self, demo_org):
        received = Delivery.objects.filter(organization=demo_org, status="received")
        requests = PaymentRequest.objects.filter(organization=demo_org)
        assert received.exists() and requests.exists()
        live = Invoice.objects.filter(organization=demo_org).exclude(status=InvoiceStatus.VOID)
        billed = {("d", i.delivery_id) for i in live if i.delivery_id} | {
            ("p", i.payment_request_id) for i in live if i.payment_request_id}
        sources = {("d", d.pk) for d in received} | {("p", p.pk) for p in requests}
        assert len(sources - billed) == 1  # the newest waits on the «to bill» list
        admin = User.objects.get(username="finance")
        waiting = list(selectors.billable_deliveries(user=admin)) + list(
            selectors.billable_payment_requests(user=admin))
        assert len(waiting) == 1

    def test_every_invoice_state_is_there(self, demo_org):
        invoices = Invoice.objects.filter(organization=demo_org)
        statuses = set(invoices.values_list("status", flat=True))
        assert statuses == {InvoiceStatus.DRAFT, InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID,
                            InvoiceStatus.PAID, InvoiceStatus.VOID}
        void = invoices.get(status=InvoiceStatus.VOID)
        assert void.void_reason == demo.VOID_REASON and void.voided_at is not None
        # What the void invoice billed was billed again.
        source = {"delivery_id": void.delivery_id} if void.delivery_id else {
            "payment_request_id": void.payment_request_id}
        assert invoices.filter(**source).exclude(status=InvoiceStatus.VOID).count() == 1
        today = timezone.localdate()
        overdue = [i for i in invoices.filter(status__in=selectors.OPEN_STATUSES)
                   if (today - i.due_date).days > 60]
        assert len(overdue) == 1 and overdue[0].paid_amount > 0
        for invoice in invoices.exclude(status=InvoiceStatus.DRAFT):
            assert invoice.issue_date < today and invoice.issued_at.date() <= invoice.issue_date
            assert invoice.paid_amount == sum(p.amount for p in invoice.payments.all())
        # Small towns are billed too, not only District 9.
        assert invoices.exclude(municipality__name_en="Mashhad District 9").exists()

    def test_payments_are_dated_in_the_story_and_referenced_once(self, demo_org):
        payments = Payment.objects.filter(organization=demo_org).select_related("invoice")
        assert payments.count() >= 5
        for payment in payments:
            assert payment.invoice.issue_date <= payment.paid_on <= timezone.localdate()
            assert payment.created_at.date() <= payment.paid_on + dt.timedelta(days=1)
        assert len({p.reference for p in payments}) == payments.count()

    def test_one_commission_settled_and_one_calculated(self, demo_org):
        settlements = CommissionSettlement.objects.filter(organization=demo_org)
        assert set(settlements.values_list("status", flat=True)) == {SettlementStatus.CALCULATED,
                                                                     SettlementStatus.SETTLED}
        settled = settlements.get(status=SettlementStatus.SETTLED)
        assert settled.reference and settled.settled_on and settled.commission_amount > 0
        assert all(s.period_end < timezone.localdate() and s.invoice_count > 0 for s in settlements)

    def test_every_step_is_audited_and_the_chain_verifies(self, demo_org):
        events = AuditEvent.objects.filter(organization=demo_org)
        for action in ("invoice.create", "invoice.issue", "invoice.void", "invoice.paid", "payment.record",
                       "commission.calculate", "commission.settle"):
            assert events.filter(action=action).exists(), action
        assert audit_verify_chain(demo_org.pk) is None

    def test_the_demo_users_see_it_on_the_pages(self, demo_org):
        client = Client()
        client.force_login(User.objects.get(username="finance"))
        for name in ("finance:invoice_list", "finance:billing_queue", "finance:statement_list",
                     "finance:commission_list"):
            response = client.get(reverse(name))
            assert response.status_code == 200, name
        assert len(client.get(reverse("finance:invoice_list")).context["object_list"]) >= 8
        for invoice in Invoice.objects.filter(organization=demo_org):
            assert client.get(reverse("finance:invoice_detail", args=[invoice.pk])).status_code == 200

        client.force_login(User.objects.get(username="ceo"))
        receivables = client.get(reverse("finance:statement_list"))
        aging = dict((key, amount) for key, _label, amount in receivables.context["aging"].rows)
        assert receivables.context["totals"].outstanding > 0
        assert aging["d61_90"] + aging["d90_plus"] > 0  # the invoice overdue by more than 60 days

        client.force_login(district9_finance(demo_org))
        today = timezone.localdate()
        response = client.get(reverse("finance:statement_mine"), {
            "start": format_jalali_date(today - dt.timedelta(days=365)), "end": format_jalali_date(today)})
        assert response.status_code == 200
        statement = response.context["statement"]
        assert statement.municipality.name_en == "Mashhad District 9" and statement.movements
        assert statement.closing > 0
        numbers = set(Invoice.objects.filter(organization=demo_org).exclude(
            municipality__name_en="Mashhad District 9").values_list("number", flat=True))
        body = client.get(reverse("finance:invoice_list")).content.decode()
        assert numbers and not any(to_persian_digits(n) in body for n in numbers)

        client.force_login(User.objects.get(username="supplier"))
        assert client.get(reverse("finance:commission_list")).status_code == 200

    def test_running_twice_changes_no_counts(self, demo_org):
        before = row_counts()
        run()
        assert row_counts() == before
