"""Gaps found by the audit of issue 7, each pinned by a test: what a Persian reader sees (units,
date-range words), and the statement's aging never dated in the future."""

import io

import openpyxl
import pytest
from django.urls import reverse

from hamyar.finance import documents
from hamyar.finance.models import InvoiceLine

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
