"""Finance pages: who may open which route, scope (404 outside it: another municipality, another
tenant), the forms' bad input and the services' refusals shown on the page with nothing written
(never a 500), the billing flow by page, and list pages whose query count stays flat.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamyar.commerce.models import Delivery
from hamyar.core.jalali import format_jalali_date, to_jalali
from hamyar.core.roles import Role
from hamyar.core.testing import nothing_written
from hamyar.core.text import to_persian_digits
from hamyar.directory.models import AgencyAgreement, Municipality
from hamyar.finance import services
from hamyar.finance import urls as finance_urls
from hamyar.finance.choices import InvoiceStatus, SettlementStatus
from hamyar.finance.models import CommissionSettlement, Invoice, Payment
from hamyar.finance.statement import jalali_month
from hamyar.projects.models import PaymentRequest

from .finance_data import issued_invoice, received_delivery, requested_payment

pytestmark = pytest.mark.django_db

APPS = ("finance", "commerce", "projects")
USER_OF_ROLE = {
    Role.ORG_ADMIN: "admin",
    Role.COMMERCE_OFFICER: "commerce",
    Role.FINANCE_OFFICER: "finance",
    Role.EXECUTIVE: "executive",
    Role.PROJECT_MANAGER: "project_manager",
    Role.SUPPLIER_USER: "supplier",
    Role.MUNICIPALITY_USER: "district9",
}
ROUTES = list(finance_urls.urlpatterns)
POST_ONLY = {"invoice_from_delivery", "invoice_from_payment_request", "invoice_issue", "payment_record",
             "invoice_void", "commission_settle", "commission_calculate"}


def jalali(day: dt.date) -> str:
    return format_jalali_date(day, persian_digits=False)


def fa(text: str) -> str:
    """As the Persian page shows it: Persian digits."""
    return to_persian_digits(text)


def month_of(day: dt.date) -> str:
    j = to_jalali(day)
    return f"{j.year:04d}/{j.month:02d}"


@pytest.fixture
def ledger(tenant):
    """District 9: an issued invoice, a received delivery and a milestone's payment request not billed
    yet, and a commission calculated on the supplier's agreement."""
    invoice = issued_invoice(tenant)
    delivery = received_delivery(tenant, quantity=3)
    request = requested_payment(tenant)
    today = timezone.localdate()
    settlement = services.commission_calculate(
        agreement=tenant.agreement, acting_user=tenant.users["finance"],
        period_start=today - dt.timedelta(days=30), period_end=today,
    )
    return {Invoice: invoice, Delivery: delivery, PaymentRequest: request, Municipality: tenant.district9,
            CommissionSettlement: settlement, AgencyAgreement: tenant.agreement}


def _url(pattern, objects: dict) -> str:
    kwargs = {}
    if "pk" in pattern.pattern.converters:
        kwargs["pk"] = objects[pattern.callback.page_model].pk
    return reverse(f"finance:{pattern.name}", kwargs=kwargs)


def _call(client, pattern, url, data=None):
    return client.post(url, data or {}) if pattern.name in POST_ONLY else client.get(url)


# ---------------------------------------------------------------- roles and scope


def test_every_route_says_which_roles_and_rows_it_serves():
    for pattern in ROUTES:
        assert pattern.callback.page_roles, pattern.name
        assert pattern.callback.page_model is not None, pattern.name


def test_the_navigation_names_resolve():
    for name in ("invoice_list", "statement_mine", "statement_list", "commission_list"):
        assert reverse(f"finance:{name}").startswith("/finance/")


@pytest.mark.parametrize("pattern", ROUTES, ids=[p.name for p in ROUTES])
def test_every_route_refuses_the_roles_it_does_not_serve(client, tenant, ledger, pattern):
    url = _url(pattern, ledger)
    refused = 0
    for role, key in USER_OF_ROLE.items():
        if role in pattern.callback.page_roles:
            continue
        client.force_login(tenant.users[key])
        with nothing_written(*APPS):
            assert _call(client, pattern, url).status_code == 403, (role, pattern.name)
        refused += 1
    assert refused, pattern.name  # every finance route is closed to some role


@pytest.mark.parametrize("pattern", [p for p in ROUTES if "pk" in p.pattern.converters],
                         ids=[p.name for p in ROUTES if "pk" in p.pattern.converters])
def test_district10_and_another_tenant_get_404_for_district9_rows(client, tenant, other_tenant, ledger,
                                                                  pattern):
    url = _url(pattern, ledger)
    outsiders = [tenant.users["district10"], other_tenant.users["admin"], other_tenant.users["finance"],
                 other_tenant.users["executive"], other_tenant.users["district9"],
                 other_tenant.users["supplier"]]
    for user in outsiders:
        client.force_login(user)
        with nothing_written(*APPS):
            response = _call(client, pattern, url, {"reason": "x", "reference": "R-1", "amount": "1"})
        expected = 404 if Role(user.membership.role) in pattern.callback.page_roles else 403
        assert response.status_code == expected, (user.username, pattern.name, response.status_code)


def test_a_municipality_reads_its_own_invoice_statement_and_documents_not_another_ones(client, tenant,
                                                                                       ledger):
    invoice = ledger[Invoice]
    d9 = tenant.district9.pk
    paths = [
        reverse("finance:invoice_detail", args=[invoice.pk]),
        reverse("finance:invoice_pdf", args=[invoice.pk]),
        reverse("finance:invoice_xlsx", args=[invoice.pk]),
        reverse("finance:statement_detail", args=[d9]),
        reverse("finance:statement_pdf", args=[d9]),
        reverse("finance:statement_xlsx", args=[d9]),
    ]
    client.force_login(tenant.users["district9"])
    for path in paths:
        assert client.get(path).status_code == 200, path
    pdf = client.get(reverse("finance:invoice_pdf", args=[invoice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    mine = client.get(reverse("finance:statement_mine"))
    assert mine.status_code == 200 and mine.context["statement"].municipality == tenant.district9
    assert fa(invoice.number) in mine.content.decode()

    client.force_login(tenant.users["district10"])
    for path in paths:
        assert client.get(path).status_code == 404, path
    own = client.get(reverse("finance:statement_mine"))
    assert own.status_code == 200 and own.context["statement"].municipality == tenant.district10
    assert fa(invoice.number) not in own.content.decode()
    assert fa(invoice.number) not in client.get(reverse("finance:invoice_list")).content.decode()
    client.logout()
    assert client.get(paths[1]).status_code == 302  # to the sign-in page


def test_a_supplier_sees_its_own_settlements_only(client, tenant, ledger):
    other = AgencyAgreement.objects.create(
        organization=tenant.org, supplier=tenant.other_supplier, number="kr-A3", commission_percent=3,
        starts_on=timezone.localdate() - dt.timedelta(days=60), ends_on=timezone.localdate(),
    )
    theirs = services.commission_calculate(agreement=other, acting_user=tenant.users["finance"],
                                           period_start=other.starts_on, period_end=other.ends_on)
    client.force_login(tenant.users["supplier"])
    response = client.get(reverse("finance:commission_list"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["settlements"]] == [ledger[CommissionSettlement].pk]
    assert 'name="period_start"' not in response.content.decode()  # no calculating for a supplier
    assert client.get(reverse("finance:commission_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("finance:commission_detail",
                              args=[ledger[CommissionSettlement].pk])).status_code == 200


def test_an_executive_reads_everything_and_changes_nothing(client, tenant, ledger):
    client.force_login(tenant.users["executive"])
    body = client.get(reverse("finance:invoice_detail", args=[ledger[Invoice].pk])).content.decode()
    assert fa(ledger[Invoice].number) in body
    assert 'id="payment-form"' not in body and 'id="void-form"' not in body
    totals = client.get(reverse("finance:statement_list"))
    assert totals.status_code == 200
    assert totals.context["totals"].outstanding == ledger[Invoice].total
    assert [m.pk for m in totals.context["rows"]] == [tenant.district9.pk]
    assert totals.context["rows"][0].d0_30 == ledger[Invoice].total
    with nothing_written(*APPS):
        response = client.post(reverse("finance:payment_record", args=[ledger[Invoice].pk]),
                                {"amount": "1000", "paid_on": jalali(timezone.localdate()), "reference": "X"})
    assert response.status_code == 403


# ---------------------------------------------------------------- billing by page


def test_bill_issue_pay_in_two_parts_from_the_pages(client, tenant, ledger):
    client.force_login(tenant.users["finance"])
    queue = client.get(reverse("finance:billing_queue"))
    assert [d.pk for d in queue.context["deliveries"]] == [ledger[Delivery].pk]
    assert [r.pk for r in queue.context["payment_requests"]] == [ledger[PaymentRequest].pk]

    response = client.post(reverse("finance:invoice_from_payment_request", args=[ledger[PaymentRequest].pk]))
    invoice = Invoice.objects.get(payment_request=ledger[PaymentRequest])
    assert response.status_code == 302
    assert response.url == reverse("finance:invoice_detail", args=[invoice.pk])
    assert invoice.status == InvoiceStatus.DRAFT
    # Billing the same milestone again is refused with the service's message, on the queue page.
    with nothing_written(*APPS):
        again = client.post(reverse("finance:invoice_from_payment_request", args=[ledger[PaymentRequest].pk]))
    assert again.status_code == 409 and invoice.number in again.context["error"].message

    today = timezone.localdate()
    issued = client.post(reverse("finance:invoice_issue", args=[invoice.pk]),
                         {"issue_date": format_jalali_date(today), "due_date": ""})
    assert issued.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and invoice.issue_date == today
    assert invoice.due_date == today + dt.timedelta(days=30)

    half = invoice.total // 2
    paid = client.post(reverse("finance:payment_record", args=[invoice.pk]), {
        "amount": format(half, ","), "paid_on": format_jalali_date(today), "reference": "ساتنا-۱۲۳",
        "method": "transfer",
    })
    assert paid.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID and invoice.paid_amount == half
    assert Payment.objects.get(invoice=invoice).reference == "ساتنا-123"  # normalized digits
    client.post(reverse("finance:payment_record", args=[invoice.pk]), {
        "amount": str(invoice.balance), "paid_on": jalali(today), "reference": "CHQ-77", "method": "cheque",
    })
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.balance == 0
    body = client.get(reverse("finance:invoice_detail", args=[invoice.pk])).content.decode()
    assert 'id="payment-form"' not in body and 'id="void-form"' not in body  # paid: nothing left to do


def test_void_with_a_reason_and_bill_the_delivery_again(client, tenant, ledger):
    client.force_login(tenant.users["finance"])
    invoice = ledger[Invoice]
    with nothing_written(*APPS):
        empty = client.post(reverse("finance:invoice_void", args=[invoice.pk]), {"reason": "   "})
    assert empty.status_code == 422 and empty.context["void_form"].errors["reason"]
    response = client.post(reverse("finance:invoice_void", args=[invoice.pk]), {"reason": "مبلغ اشتباه بود"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID and invoice.void_reason == "مبلغ اشتباه بود"
    page = client.get(reverse("finance:invoice_detail", args=[invoice.pk]))
    assert "مبلغ اشتباه بود" in page.content.decode()
    queue = client.get(reverse("finance:billing_queue"))
    assert invoice.delivery_id in [d.pk for d in queue.context["deliveries"]]


def test_commission_calculated_then_settled_from_the_pages(client, tenant, ledger):
    client.force_login(tenant.users["finance"])
    settlement = ledger[CommissionSettlement]
    with nothing_written(*APPS):
        future = client.post(reverse("finance:commission_settle", args=[settlement.pk]), {
            "reference": "COM-1", "settled_on": jalali(timezone.localdate() + dt.timedelta(days=3))})
    assert future.status_code == 422 and future.context["settle_form"].errors["settled_on"]
    done = client.post(reverse("finance:commission_settle", args=[settlement.pk]),
                       {"reference": "COM-1", "settled_on": jalali(timezone.localdate())})
    assert done.status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.SETTLED and settlement.reference == "COM-1"
    with nothing_written(*APPS):
        twice = client.post(reverse("finance:commission_settle", args=[settlement.pk]),
                            {"reference": "COM-2", "settled_on": jalali(timezone.localdate())})
    assert twice.status_code in (403, 409)

    # The same period again overlaps the one calculated: refused with the service's message.
    with nothing_written(*APPS):
        overlap = client.post(reverse("finance:commission_calculate", args=[tenant.agreement.pk]), {
            "period_start": jalali(timezone.localdate() - dt.timedelta(days=10)),
            "period_end": jalali(timezone.localdate())})
    assert overlap.status_code == 409 and tenant.agreement.number in overlap.context["error"].message
    with nothing_written(*APPS):
        backwards = client.post(reverse("finance:commission_calculate", args=[tenant.agreement.pk]), {
            "period_start": jalali(timezone.localdate() - dt.timedelta(days=40)),
            "period_end": jalali(timezone.localdate() - dt.timedelta(days=50))})
    assert backwards.status_code == 422 and backwards.context["calculate_form"].errors


# ---------------------------------------------------------------- bad input: form errors, nothing written


@pytest.mark.parametrize(("data", "field"), [
    ({"amount": "-5000"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "99999999999999999999999"}, "amount"),
    ({"amount": "دویست"}, "amount"),
    ({"paid_on": "1405/13/40"}, "paid_on"),
    ({"paid_on": "1405/12/31"}, "paid_on"),  # 1405 is not a leap year: Esfand has 29 days
    ({"paid_on": "yesterday"}, "paid_on"),
    ({"reference": ""}, "reference"),
    ({"reference": "R" * 41}, "reference"),
    ({"method": "bitcoin"}, "method"),
])
def test_bad_payment_input_is_a_form_error_and_writes_nothing(client, tenant, ledger, data, field):
    client.force_login(tenant.users["finance"])
    invoice = ledger[Invoice]
    body = {"amount": "1000", "paid_on": jalali(timezone.localdate()), "reference": "STN-1",
            "method": "transfer", **data}
    with nothing_written(*APPS):
        response = client.post(reverse("finance:payment_record", args=[invoice.pk]), body)
    assert response.status_code == 422
    assert response.context["payment_form"].errors[field], response.context["payment_form"].errors


def test_over_payment_shows_the_services_message_on_the_amount(client, tenant, ledger):
    client.force_login(tenant.users["finance"])
    invoice = ledger[Invoice]
    with nothing_written(*APPS):
        response = client.post(reverse("finance:payment_record", args=[invoice.pk]), {
            "amount": str(invoice.total + 1), "paid_on": jalali(timezone.localdate()), "reference": "STN-9",
            "method": "transfer"})
    assert response.status_code == 422
    errors = response.context["payment_form"].errors["amount"]
    assert len(errors) == 1 and invoice.number in errors[0]
    assert errors[0] in response.content.decode()


def test_a_duplicate_reference_is_refused_on_its_field(client, tenant, ledger):
    client.force_login(tenant.users["finance"])
    first = ledger[Invoice]
    second = issued_invoice(tenant, source=ledger[Delivery])
    today = jalali(timezone.localdate())
    paid = client.post(reverse("finance:payment_record", args=[first.pk]), {
        "amount": "1000", "paid_on": today, "reference": "SATNA-500", "method": "transfer"})
    assert paid.status_code == 302
    with nothing_written(*APPS):
        # The same reference typed with Persian digits is the same reference.
        response = client.post(reverse("finance:payment_record", args=[second.pk]), {
            "amount": "1000", "paid_on": today, "reference": "SATNA-۵۰۰", "method": "transfer"})
    assert response.status_code == 422 and response.context["payment_form"].errors["reference"]


def test_a_payment_on_a_draft_is_refused_above_the_invoice(client, tenant, ledger):
    client.force_login(tenant.users["finance"])
    draft = services.invoice_from_delivery(delivery=ledger[Delivery], acting_user=tenant.users["finance"])
    with nothing_written(*APPS):
        response = client.post(reverse("finance:payment_record", args=[draft.pk]), {
            "amount": "1000", "paid_on": jalali(timezone.localdate()), "reference": "STN-3",
            "method": "transfer"})
    assert response.status_code == 409 and draft.number in response.context["error"].message


@pytest.mark.parametrize(("data", "field"), [
    ({"issue_date": "1405/02/32"}, "issue_date"),
    ({"issue_date": "not a date"}, "issue_date"),
    ({"due_date": "1300-99-99"}, "due_date"),
])
def test_bad_issue_dates_are_form_errors(client, tenant, ledger, data, field):
    client.force_login(tenant.users["finance"])
    draft = services.invoice_from_delivery(delivery=ledger[Delivery], acting_user=tenant.users["finance"])
    with nothing_written(*APPS):
        response = client.post(reverse("finance:invoice_issue", args=[draft.pk]), data)
    assert response.status_code == 422 and response.context["issue_form"].errors[field]


def test_a_future_issue_date_and_a_due_date_before_it_are_refused(client, tenant, ledger):
    client.force_login(tenant.users["finance"])
    draft = services.invoice_from_delivery(delivery=ledger[Delivery], acting_user=tenant.users["finance"])
    today = timezone.localdate()
    with nothing_written(*APPS):
        future = client.post(reverse("finance:invoice_issue", args=[draft.pk]),
                             {"issue_date": jalali(today + dt.timedelta(days=2))})
        backwards = client.post(reverse("finance:invoice_issue", args=[draft.pk]), {
            "issue_date": jalali(today), "due_date": jalali(today - dt.timedelta(days=1))})
    assert future.status_code == 422 and future.context["issue_form"].errors["issue_date"]
    assert backwards.status_code == 422 and backwards.context["issue_form"].errors["due_date"]


@pytest.mark.parametrize("query", [
    {"month": "1405/13"}, {"month": "۱۴۰۵/۰"}, {"month": "abc"}, {"start": "1405/07/35"},
    {"start": "1405/08/10", "end": "1405/07/01"}, {"start": "1380/01/01", "end": "1405/01/01"},
])
def test_a_bad_month_or_range_is_a_form_error(client, tenant, ledger, query):
    client.force_login(tenant.users["district9"])
    for name in ("finance:statement_mine",):
        response = client.get(reverse(name), query)
        assert response.status_code == 400 and response.context["form"].errors
        assert response.context["statement"] is None
    pdf = client.get(reverse("finance:statement_pdf", args=[tenant.district9.pk]), query)
    assert pdf.status_code == 400


def test_bad_invoice_filters_are_a_400_with_the_form_errors(client, tenant, ledger):
    client.force_login(tenant.users["finance"])
    for query in ({"status": "nonsense"}, {"issued_from": "1405/14/01"}, {"municipality": "999999"},
                  {"issued_from": "1405/09/10", "issued_to": "1405/09/01"}):
        response = client.get(reverse("finance:invoice_list"), query)
        assert response.status_code == 400, query
        assert response.context["filter_form"].errors


# ---------------------------------------------------------------- the statement page


def test_the_statement_of_a_jalali_month_has_its_balances_and_rows(client, tenant):
    today = timezone.localdate()
    start, end = jalali_month(to_jalali(today).year, to_jalali(today).month)
    earlier = issued_invoice(tenant, issue_date=start - dt.timedelta(days=5),
                             due_date=start - dt.timedelta(days=1))
    current = issued_invoice(tenant, issue_date=start)
    services.payment_record(invoice=earlier, acting_user=tenant.users["finance"], amount=1_000_000,
                            paid_on=start, reference="P-OPEN")
    client.force_login(tenant.users["district9"])
    response = client.get(reverse("finance:statement_mine"), {"month": month_of(today)})
    statement = response.context["statement"]
    assert (statement.start, statement.end) == (start, end)
    assert statement.opening == earlier.total
    assert statement.closing == earlier.total + current.total - 1_000_000
    body = response.content.decode()
    assert 'id="opening-balance"' in body and 'id="closing-balance"' in body
    assert fa(current.number) in body and "P-OPEN" in body
    # The month before: the earlier invoice only, and the links carry the range to the documents.
    before = client.get(reverse("finance:statement_mine"), {"month": month_of(start - dt.timedelta(days=1))})
    assert [m.number for m in before.context["statement"].movements] == [earlier.number]
    previous = before.context["statement"].start
    assert to_jalali(previous).day == 1 and previous < start
    assert "start=" + jalali(previous).replace("/", "%2F") in before.context["pdf_url"]
    workbook = client.get(before.context["xlsx_url"])
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert earlier.number in [cell.value for row in sheet.iter_rows() for cell in row]
    # An HTMX request for the month gets the statement's body only.
    fragment = client.get(reverse("finance:statement_mine"), {"month": month_of(today)},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="statement")
    assert b"<html" not in fragment.content and b'id="closing-balance"' in fragment.content


# ---------------------------------------------------------------- query counts


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("key", "name"), [
    ("finance", "finance:invoice_list"), ("district9", "finance:invoice_list"),
    ("finance", "finance:billing_queue"), ("executive", "finance:statement_list"),
    ("finance", "finance:commission_list"), ("district9", "finance:statement_mine"),
])
def test_list_query_count_stays_flat_as_rows_grow(client, tenant, key, name):
    client.force_login(tenant.users[key])
    url = reverse(name)
    issued_invoice(tenant)
    received_delivery(tenant, quantity=2)
    client.get(url)
    few = _count(client, url)
    for n in range(4):
        invoice = issued_invoice(tenant, source=requested_payment(tenant, amount=1_000_000 * (n + 1)))
        services.payment_record(invoice=invoice, acting_user=tenant.users["finance"], amount=1000,
                                paid_on=timezone.localdate(), reference=f"Q-{n}")
        received_delivery(tenant, quantity=2, municipality=tenant.district10)
        agreement = AgencyAgreement.objects.create(
            organization=tenant.org, supplier=tenant.other_supplier, number=f"kr-Q{n}", commission_percent=2,
            starts_on=timezone.localdate() - dt.timedelta(days=10 * (n + 1)),
            ends_on=timezone.localdate() - dt.timedelta(days=10 * n + 1),
        )
        services.commission_calculate(agreement=agreement, acting_user=tenant.users["finance"],
                                      period_start=agreement.starts_on, period_end=agreement.ends_on)
    assert _count(client, url) == few


def test_a_draft_invoice_is_the_finance_units_work_not_shown_to_the_municipality(client, tenant):
    from hamyar.finance.services import invoice_from_delivery
    from hamyar.finance.tests.finance_data import received_delivery

    draft = invoice_from_delivery(delivery=received_delivery(tenant), acting_user=tenant.users["finance"])
    client.force_login(tenant.users["district9"])
    assert client.get(reverse("finance:invoice_detail", args=[draft.pk])).status_code == 404
    assert draft.number not in client.get(reverse("finance:invoice_list")).content.decode()
    client.force_login(tenant.users["finance"])
    assert client.get(reverse("finance:invoice_detail", args=[draft.pk])).status_code == 200
