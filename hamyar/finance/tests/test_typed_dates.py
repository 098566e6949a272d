"""One typed date is one day on every surface: the need form and API, the invoice's issue and payment (page
and API), the statement page and API. Generated spellings (Jalali or Gregorian, any digits, separators and
direction marks) are stored as the same day; generated bad text is refused everywhere with nothing written.

Each example runs in a savepoint that is rolled back, so the drafts built once serve every example.
"""

import datetime as dt
import json
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hamyar.core.testing import nothing_written
from hamyar.core.tests.strategies import bad_date_text, spelling_of
from hamyar.finance.models import Payment
from hamyar.finance.services import invoice_from_delivery
from hamyar.finance.tests.finance_data import received_delivery, tenant_catalog
from hamyar.needs.models import Need

EXAMPLES = settings(max_examples=8, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _json(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Desk:
    """The people and the drafts the examples share."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.catalog = tenant_catalog(tenant)
        self.clerk = _session(tenant.users["district9"])
        self.finance = _session(tenant.users["finance"])
        officer = tenant.users["finance"]
        self.by_api, self.by_page = (
            invoice_from_delivery(delivery=received_delivery(tenant, quantity=n), acting_user=officer)
            for n in (2, 3)
        )

    def need_form(self, desired: str):
        return self.clerk.post(reverse("needs:need_create"), {
            "kind": "goods", "title": "نیمکت برای پارک وکیل‌آباد", "site": self.tenant.vakilabad.pk,
            "description": "", "budget_estimate": "۸٬۰۰۰٬۰۰۰", "desired_date": desired,
            "line_item": [self.catalog.bench.pk], "line_quantity": ["۴۰"]})

    def need_api(self, desired: str):
        return _json(self.clerk, "/api/v1/needs", {
            "kind": "goods", "title": "نیمکت", "site": self.tenant.vakilabad.pk, "desired_date": desired,
            "lines": [{"item": self.catalog.bench.pk, "quantity": 4}]})

    def issue_api(self, issued: str, due: str):
        return _json(self.finance, f"/api/v1/finance/invoices/{self.by_api.pk}/issue",
                     {"issue_date": issued, "due_date": due})

    def issue_page(self, issued: str, due: str):
        return self.finance.post(reverse("finance:invoice_issue", args=[self.by_page.pk]),
                                 {"issue_date": issued, "due_date": due})

    def pay_api(self, paid: str):
        return _json(self.finance, f"/api/v1/finance/invoices/{self.by_api.pk}/payments",
                     {"amount": 1000, "reference": "SATNA-7", "paid_on": paid})

    def pay_page(self, paid: str):
        return self.finance.post(reverse("finance:payment_record", args=[self.by_page.pk]),
                                 {"amount": "۱٬۰۰۰", "reference": "SATNA-8", "paid_on": paid,
                                  "method": "transfer"})

    def statement_page(self, start: str, end: str):
        return self.finance.get(reverse("finance:statement_detail", args=[self.tenant.district9.pk]),
                                {"start": start, "end": end})

    def statement_api(self, start: str, end: str):
        return self.finance.get(f"/api/v1/finance/statements/{self.tenant.district9.pk}",
                                {"from": start, "to": end})


@pytest.fixture
def desk(tenant) -> Desk:
    return Desk(tenant)


def _rolled_back():
    """A savepoint around one example: whatever it writes is undone before the next."""
    class Savepoint:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            transaction.set_rollback(True)
            return self.atomic.__exit__(*exc)

    return Savepoint()


def _days_ago(low: int, high: int):
    today = timezone.localdate()
    return st.integers(low, high).map(lambda n: today - dt.timedelta(days=n))


@EXAMPLES
@given(data=st.data())
def test_one_typed_date_is_the_same_day_on_every_surface(desk, data):
    today = timezone.localdate()
    wanted = data.draw(st.integers(1, 300).map(lambda n: today + dt.timedelta(days=n)), label="desired day")
    issued = data.draw(_days_ago(0, 120), label="issue day")
    due = data.draw(st.integers(0, 90).map(lambda n: issued + dt.timedelta(days=n)), label="due day")
    wanted_text = data.draw(spelling_of(wanted), label="desired as typed")
    issued_text = data.draw(spelling_of(issued), label="issued as typed")
    due_text = data.draw(spelling_of(due), label="due as typed")
    with _rolled_back():
        page = desk.need_form(wanted_text)
        assert page.status_code == 302, page.context and page.context["form"].errors
        assert Need.objects.latest("pk").desired_date == wanted
        api = desk.need_api(wanted_text)
        assert api.status_code == 201, api.content
        assert api.json()["desired_date"] == wanted.isoformat()

        assert desk.issue_api(issued_text, due_text).status_code == 200
        assert desk.issue_page(issued_text, due_text).status_code == 302
        for invoice in (desk.by_api, desk.by_page):
            invoice.refresh_from_db()
            assert (invoice.issue_date, invoice.due_date) == (issued, due)

        paid = desk.pay_api(issued_text)
        assert paid.status_code == 201, paid.content
        assert desk.pay_page(issued_text).status_code == 302
        assert list(Payment.objects.filter(invoice__in=[desk.by_api, desk.by_page])
                    .values_list("paid_on", flat=True)) == [issued, issued]

        page = desk.statement_page(issued_text, due_text)
        assert page.status_code == 200 and page.context["form"].range() == (issued, due)
        api = desk.statement_api(issued_text, due_text)
        assert api.status_code == 200, api.content
        assert (api.json()["start"], api.json()["end"]) == (issued.isoformat(), due.isoformat())


@EXAMPLES
@given(bad=bad_date_text)
@example(bad="2648-02-21")  # what 2026-12-02 used to be stored as
@example(bad="02/12/2026")
def test_a_date_that_is_not_a_day_is_refused_everywhere_and_writes_nothing(desk, bad):
    good = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    with _rolled_back(), nothing_written("needs", "finance"):
        page = desk.need_form(bad)
        assert page.status_code == 422 and page.context["form"].errors["desired_date"]
        _assert_named(desk.need_api(bad), "desired_date")
        _assert_named(desk.issue_api(bad, good), "issue_date")
        _assert_named(desk.issue_api(good, bad), "due_date")
        page = desk.issue_page(bad, "")
        assert page.status_code == 422 and page.context["issue_form"].errors["issue_date"]
        _assert_named(desk.pay_api(bad), "paid_on")
        page = desk.pay_page(bad)
        assert page.status_code == 422 and page.context["payment_form"].errors["paid_on"]
        page = desk.statement_page(bad, good)
        assert page.status_code == 400 and page.context["form"].errors["start"]
        _assert_named(desk.statement_api(bad, good), "from")
        _assert_named(desk.statement_api(good, bad), "to")


def test_the_issue_example_a_gregorian_date_with_slashes_is_that_day_not_jalali_2026(desk):
    """due_date "2026/12/02" was stored as 2648-02-21, and a paid_on like it refused as "in the future"."""
    today = timezone.localdate()
    due, paid = today + dt.timedelta(days=25), today - dt.timedelta(days=1)
    issued = desk.issue_api(paid.strftime("%Y/%m/%d"), due.strftime("%Y/%m/%d"))
    assert issued.status_code == 200, issued.content
    assert (issued.json()["issue_date"], issued.json()["due_date"]) == (paid.isoformat(), due.isoformat())
    recorded = desk.pay_api(paid.strftime("%Y/%m/%d"))
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["paid_on"] == paid.isoformat()
    # A day that really is in the future is refused as such, naming the field.
    with nothing_written("finance"):
        _assert_named(desk.pay_api((today + dt.timedelta(days=3)).strftime("%Y/%m/%d")), "paid_on")


def _assert_named(response, field: str) -> None:
    """A 422 that names the field, with a Persian message, and nothing else."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert list(body["fields"]) == [field], body
    [message] = body["fields"][field]
    assert re.search("[\u0600-\u06ff]", message), message
