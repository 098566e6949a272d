"""The finance API: billing, issuing, paying and voiding over HTTP, statements and documents by scope,
commissions and the executives' totals."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from hamyar.core.jalali import format_jalali_date, parse_jalali_date
from hamyar.core.models import AuditEvent
from hamyar.finance.models import CommissionSettlement, Invoice
from hamyar.finance.tests.finance_data import issued_invoice, received_delivery, requested_payment

BASE = "/api/v1/finance"
J = parse_jalali_date


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict | None = None, **extra):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **extra)


@pytest.fixture
def finance(tenant) -> Client:
    return session(tenant.users["finance"])


def test_bill_issue_pay_and_read_back_through_the_api(tenant, finance):
    delivery = received_delivery(tenant, quantity=4)
    created = post(finance, f"{BASE}/invoices", {"delivery": delivery.pk})
    assert created.status_code == 201, created.content
    invoice = created.json()
    assert invoice["status"] == "draft" and invoice["lines"][0]["quantity"] == 4
    again = post(finance, f"{BASE}/invoices", {"delivery": delivery.pk})
    assert again.status_code == 409 and again.json()["code"] == "already_invoiced"

    issued = post(
        finance,
        f"{BASE}/invoices/{invoice['id']}/issue",
        {"issue_date": "۱۴۰۵/۰۹/۰۱", "due_date": "1405/09/20"},
    )
    assert issued.status_code == 200, issued.content
    assert (issued.json()["issue_date_jalali"], issued.json()["due_date_jalali"]) == (
        "1405/09/01",
        "1405/09/20",
    )

    total = issued.json()["total"]
    over = post(
        finance,
        f"{BASE}/invoices/{invoice['id']}/payments",
        {"amount": total + 1, "reference": "SATNA-1", "paid_on": "1405/09/02"},
    )
    assert over.status_code == 422 and over.json()["code"] == "overpayment"
    assert "مانده" in over.json()["detail"]
    paid = post(
        finance,
        f"{BASE}/invoices/{invoice['id']}/payments",
        {"amount": total - 10, "reference": "SATNA-1", "paid_on": "2026-11-23"},
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["invoice"]["number"] == invoice["number"]
    detail = finance.get(f"{BASE}/invoices/{invoice['id']}").json()
    assert (detail["status"], detail["paid_amount"], detail["balance"]) == ("partially_paid", total - 10, 10)
    assert [p["reference"] for p in detail["payments"]] == ["SATNA-1"]
    payments = finance.get(f"{BASE}/payments", {"invoice": invoice["id"]}).json()["items"]
    assert [p["amount"] for p in payments] == [total - 10]
    refused = post(finance, f"{BASE}/invoices/{invoice['id']}/void", {"reason": "اشتباه"})
    assert refused.status_code == 409 and refused.json()["code"] == "invoice_has_payments"


def test_a_milestone_is_billed_and_voided_with_a_reason(tenant, finance):
    request = requested_payment(tenant)
    invoice = post(finance, f"{BASE}/invoices", {"payment_request": request.pk}).json()
    no_reason = post(finance, f"{BASE}/invoices/{invoice['id']}/void", {})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    voided = post(finance, f"{BASE}/invoices/{invoice['id']}/void", {"reason": "مبلغ مرحله اصلاح می‌شود"})
    assert voided.status_code == 200 and voided.json()["status"] == "void"
    assert post(finance, f"{BASE}/invoices", {"payment_request": request.pk}).status_code == 201


@pytest.mark.parametrize(
    "body",
    [{}, {"delivery": 1, "payment_request": 1}, {"delivery": "1"}, {"delivery": 987654321}, {"other": 1}],
)
def test_bad_requests_to_bill_are_422_and_write_nothing(tenant, finance, body):
    before = (Invoice.objects.count(), AuditEvent.objects.count())
    response = post(finance, f"{BASE}/invoices", body)
    assert response.status_code == 422, response.content
    assert (Invoice.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"issue_date": "1405/13/01"}, "issue_date"),
        ({"issue_date": "1405/09/01", "due_date": "1405/08/01"}, "due_date"),
        ({"issue_date": "tomorrow"}, "issue_date"),
    ],
)
def test_bad_issue_dates_are_422_in_persian(tenant, finance, body, field):
    invoice = post(finance, f"{BASE}/invoices", {"payment_request": requested_payment(tenant).pk}).json()
    response = post(finance, f"{BASE}/invoices/{invoice['id']}/issue", body)
    assert response.status_code == 422 and field in response.json()["fields"]
    assert Invoice.objects.get(pk=invoice["id"]).status == "draft"


def test_a_municipality_reads_only_its_own_invoices_statement_and_documents(tenant, other_tenant):
    ours = issued_invoice(tenant, source=requested_payment(tenant))
    theirs = issued_invoice(tenant, source=requested_payment(tenant, municipality=tenant.district10))
    district9, district10 = session(tenant.users["district9"]), session(tenant.users["district10"])
    assert [i["id"] for i in district9.get(f"{BASE}/invoices").json()["items"]] == [ours.pk]
    assert [i["id"] for i in district10.get(f"{BASE}/invoices").json()["items"]] == [theirs.pk]
    for path in [
        f"/invoices/{ours.pk}",
        f"/invoices/{ours.pk}/pdf",
        f"/invoices/{ours.pk}/xlsx",
        f"/statements/{tenant.district9.pk}",
        f"/statements/{tenant.district9.pk}/pdf",
        f"/statements/{tenant.district9.pk}/xlsx",
    ]:
        assert district9.get(BASE + path).status_code == 200, path
        for outsider in [district10, session(tenant.users["supplier"]), session(other_tenant.users["admin"])]:
            refused = outsider.get(BASE + path)
            assert refused.status_code == 404 and refused.json()["code"] == "not_found", path
    # Reading is not writing: a municipality user cannot pay or void its own invoice.
    assert post(district9, f"{BASE}/invoices/{ours.pk}/void", {"reason": "x"}).status_code == 403
    assert (
        post(district9, f"{BASE}/invoices/{ours.pk}/payments", {"amount": 1, "reference": "r"}).status_code
        == 403
    )


def test_the_statement_for_a_jalali_month_with_pdf_and_workbook(tenant):
    invoice = issued_invoice(
        tenant, source=requested_payment(tenant), issue_date=J("1405/08/05"), due_date=J("1405/08/25")
    )
    client = session(tenant.users["district9"])
    url = f"{BASE}/statements/{tenant.district9.pk}"
    statement = client.get(url, {"from": "۱۴۰۵/۰۸/۰۱", "to": "1405/08/30"}).json()
    assert (statement["start_jalali"], statement["end_jalali"]) == ("1405/08/01", "1405/08/30")
    assert statement["opening"] == 0 and statement["closing"] == invoice.total
    assert [m["number"] for m in statement["movements"]] == [invoice.number]
    assert [row["key"] for row in statement["aging"]["rows"]] == ["d0_30", "d31_60", "d61_90", "d90_plus"]
    assert statement["aging"]["total"] == invoice.total
    # Without a range: the current Jalali month.
    today = format_jalali_date(timezone.localdate(), persian_digits=False)
    assert client.get(url).json()["start_jalali"] == today[:8] + "01"
    pdf = client.get(f"{url}/pdf", {"from": "1405/08/01", "to": "1405/08/30"})
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert "14050801-14050830.pdf" in pdf["Content-Disposition"]
    book = client.get(f"{url}/xlsx", {"from": "1405/08/01", "to": "1405/08/30"})
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert invoice.total in [c.value for row in sheet.iter_rows() for c in row]
    bad = client.get(url, {"from": "1405/08/31"})
    assert bad.status_code == 422 and "from" in bad.json()["fields"]


def test_commissions_are_calculated_settled_and_seen_by_their_supplier(tenant, finance):
    today = timezone.localdate()
    issued_invoice(tenant, source=received_delivery(tenant, quantity=10))
    body = {
        "agreement": tenant.agreement.pk,
        "period_start": format_jalali_date(today, persian_digits=False),
        "period_end": today.isoformat(),
    }
    created = post(finance, f"{BASE}/commissions", body)
    assert created.status_code == 201, created.content
    settlement = created.json()
    assert settlement["invoice_count"] == 1 and settlement["commission_amount"] > 0
    assert post(finance, f"{BASE}/commissions", body).status_code == 409
    supplier = session(tenant.users["supplier"])
    assert [s["id"] for s in supplier.get(f"{BASE}/commissions").json()["items"]] == [settlement["id"]]
    assert session(tenant.users["district9"]).get(f"{BASE}/commissions/{settlement['id']}").status_code == 404
    assert (
        post(supplier, f"{BASE}/commissions/{settlement['id']}/settle", {"reference": "x"}).status_code == 403
    )
    settled = post(finance, f"{BASE}/commissions/{settlement['id']}/settle", {"reference": "واریز ۱۲"})
    assert settled.status_code == 200 and settled.json()["status"] == "settled"
    assert CommissionSettlement.objects.get().reference == "واریز 12"


def test_executives_see_totals_by_municipality(tenant):
    paid = issued_invoice(tenant, source=requested_payment(tenant))
    issued_invoice(tenant, source=requested_payment(tenant, municipality=tenant.district10))
    from hamyar.finance import services

    services.payment_record(
        invoice=paid,
        acting_user=tenant.users["finance"],
        amount=1_000,
        paid_on=paid.issue_date,
        reference="T-1",
    )
    totals = session(tenant.users["executive"]).get(f"{BASE}/totals", {"limit": 200}).json()
    assert totals["invoiced"] == 2 * paid.total and totals["paid"] == 1_000
    assert totals["outstanding"] == 2 * paid.total - 1_000
    rows = {row["id"]: row for row in totals["items"]}
    assert rows[tenant.district9.pk]["outstanding"] == paid.total - 1_000
    assert rows[tenant.district10.pk]["invoiced"] == paid.total
    assert rows[tenant.neyshabur.pk]["invoiced"] == 0
    mine = session(tenant.users["district9"]).get(f"{BASE}/totals").json()
    assert [row["id"] for row in mine["items"]] == [tenant.district9.pk]
    assert mine["invoiced"] == paid.total


def test_the_invoice_list_takes_the_pages_filters_and_refuses_what_the_page_refuses(tenant, finance):
    today = timezone.localdate()
    ours = issued_invoice(tenant, source=requested_payment(tenant), issue_date=today - dt.timedelta(days=9))
    theirs = issued_invoice(tenant, source=requested_payment(tenant, municipality=tenant.district10))

    def ids(query: dict) -> list[int]:
        response = finance.get(f"{BASE}/invoices", query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["items"]]

    assert ids({"municipality": tenant.district9.pk}) == [ours.pk]
    since = format_jalali_date(today - dt.timedelta(days=3), persian_digits=True)
    assert ids({"issued_from": since}) == [theirs.pk]
    assert ids({"issued_to": since, "status": "issued", "overdue": "false"}) == [ours.pk]
    assert ids({"municipality": 2**70}) == []  # larger than any key: nothing, not a database error
    refused = finance.get(f"{BASE}/invoices", {"status": "nonsense", "issued_from": "1405/14/01"})
    assert refused.status_code == 422
    assert {"status", "issued_from"} <= set(refused.json()["fields"])
