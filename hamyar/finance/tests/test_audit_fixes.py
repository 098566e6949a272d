"""Gaps found by the audit of issue 7, each pinned by a test: what a Persian reader sees (units,
date-range words), and the statement's aging never dated in the future."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from hamyar.finance import documents
from hamyar.finance.models import InvoiceLine
from hamyar.finance.statement import statement_build

from .finance_data import issued_invoice, received_delivery
from .test_documents import pdf_text

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- units of measure


def test_an_invoice_line_shows_its_unit_in_persian_on_the_page_pdf_workbook_and_api(client, tenant):
    invoice = issued_invoice(tenant, source=received_delivery(tenant, quantity=4))
    line = InvoiceLine.objects.get(invoice=invoice)
    assert line.unit == "piece" and line.unit_label == "عدد"

    client.force_login(tenant.users["finance"])
    page = client.get(reverse("finance:invoice_detail", args=[invoice.pk])).content.decode()
    lines_table = page.split('id="lines"', 1)[1].split("</tbody>", 1)[0]
    assert "عدد" in lines_table and "piece" not in lines_table

    text = pdf_text(documents.invoice_pdf_html(invoice))
    assert "عدد" in text and "piece" not in text

    book = openpyxl.load_workbook(io.BytesIO(documents.invoice_xlsx(invoice)))
    cells = [cell.value for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert "عدد" in cells and "piece" not in cells

    body = client.get(f"/api/v1/finance/invoices/{invoice.pk}").json()
    assert body["lines"][0]["unit"] == "piece" and body["lines"][0]["unit_label"] == "عدد"


# ---------------------------------------------------------------- aging is never dated in the future


def test_a_statement_running_past_today_ages_what_is_owed_as_of_today(tenant):
    """The current month's statement (the page's default) ends after today: its aging is today's, the
    same as the receivables list, not a guess at the month's last day."""
    today = timezone.localdate()
    invoice = issued_invoice(tenant, issue_date=today - dt.timedelta(days=40),
                             due_date=today - dt.timedelta(days=10))
    statement = statement_build(municipality=tenant.district9, start=today - dt.timedelta(days=60),
                                end=today + dt.timedelta(days=60))
    assert statement.aging.as_of == today
    # Ten days past due today (on the range's last day it would be seventy).
    assert {row.key: row.amount for row in statement.aging.rows} == {
        "d0_30": invoice.total, "d31_60": 0, "d61_90": 0, "d90_plus": 0,
    }
    assert statement.aging.total == statement.closing == invoice.total
    # A range that ended in the past is still aged on its last day.
    past = statement_build(municipality=tenant.district9, start=today - dt.timedelta(days=60),
                           end=today - dt.timedelta(days=5))
    assert past.aging.as_of == today - dt.timedelta(days=5)
    assert past.aging.amount("d0_30") == invoice.total


# ---------------------------------------------------------------- a range reads «از … تا …»


def test_the_statement_range_reads_from_and_until_in_persian(client, tenant):
    """«To» of a date range is «تا» (until), not «به» (addressed to), on the page and in the workbook."""
    client.force_login(tenant.users["district9"])
    page = client.get(reverse("finance:statement_mine"))
    form = page.context["form"]
    assert str(form.fields["start"].label) == "از" and str(form.fields["end"].label) == "تا"
    assert form.fields["end"].widget.attrs["placeholder"] == "تا"
    today = timezone.localdate()
    statement = statement_build(municipality=tenant.district9, start=today - dt.timedelta(days=30), end=today)
    sheet = openpyxl.load_workbook(io.BytesIO(documents.statement_xlsx(statement))).active
    assert [sheet.cell(row=row, column=1).value for row in (2, 3)] == ["از", "تا"]


# ---------------------------------------------------------------- the issue form's empty boxes


def test_the_issue_forms_empty_dates_show_today_and_thirty_days_later(client, tenant):
    """Not the shared example date (which could be before the issue date): what an empty box means."""
    from hamyar.core.jalali import format_jalali_date
    from hamyar.finance import services

    draft = services.invoice_from_delivery(delivery=received_delivery(tenant, quantity=2),
                                           acting_user=tenant.users["finance"])
    client.force_login(tenant.users["finance"])
    form = client.get(reverse("finance:invoice_detail", args=[draft.pk])).context["issue_form"]
    today = timezone.localdate()
    assert form["issue_date"].field.widget.attrs["placeholder"] == format_jalali_date(today)
    assert form["due_date"].field.widget.attrs["placeholder"] == format_jalali_date(
        today + dt.timedelta(days=30))
    due = format_jalali_date(today + dt.timedelta(days=30))
    assert f'placeholder="{due}"' in str(form["due_date"])
