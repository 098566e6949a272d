"""The invoice and the statement as Persian PDFs and Excel workbooks."""

import io

import openpyxl
import pytest

from hamyar.core.jalali import parse_jalali_date
from hamyar.core.text import to_latin_digits
from hamyar.finance import documents, services
from hamyar.finance.statement import statement_build
from hamyar.finance.tests.finance_data import issued_invoice, requested_payment

J = parse_jalali_date


def pdf_text(html: str) -> str:
    """The text WeasyPrint laid out, read from its boxes (pdftotext is not on every machine)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=".").render()
    texts = []

    def walk(box):
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return to_latin_digits(" ".join(texts))


@pytest.fixture
def invoice(tenant):
    invoice = issued_invoice(
        tenant, source=requested_payment(tenant), issue_date=J("1405/08/01"), due_date=J("1405/08/30")
    )
    services.payment_record(
        invoice=invoice,
        acting_user=tenant.users["finance"],
        amount=1_500_000_000,
        paid_on=J("1405/08/20"),
        reference="SATNA-7781",
    )
    invoice.refresh_from_db()
    return invoice


def test_the_invoice_pdf_is_persian_with_its_number_dates_and_totals(invoice):
    content = documents.invoice_pdf(invoice)
    assert content.startswith(b"%PDF")
    text = pdf_text(documents.invoice_pdf_html(invoice))
    assert invoice.number in text
    assert "صورتحساب" in text and "منطقه" in text
    assert "5,500,000,000".replace(",", "٬") in text  # the total, Persian separators
    assert "1405" in text and "آبان" in text  # the Jalali issue date
    assert "550,000,000".replace(",", "٬") in text and "تومان" in text  # the total in Toman


def test_the_invoice_workbook_is_right_to_left_with_numeric_totals(invoice):
    book = openpyxl.load_workbook(io.BytesIO(documents.invoice_xlsx(invoice)))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft
    cells = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert invoice.number in cells
    for amount in (invoice.subtotal, invoice.vat_amount, invoice.total, invoice.paid_amount, invoice.balance):
        assert amount in cells
    assert "SATNA-7781" in cells and "1405/08/01" in cells


def test_the_statement_pdf_and_workbook_carry_the_balances(tenant, invoice):
    statement = statement_build(municipality=tenant.district9, start=J("1405/08/01"), end=J("1405/08/30"))
    assert statement.closing == invoice.total - 1_500_000_000
    assert documents.statement_pdf(statement).startswith(b"%PDF")
    text = pdf_text(documents.statement_pdf_html(statement))
    assert invoice.number in text and "SATNA-7781" in text
    assert "4,000,000,000".replace(",", "٬") in text
    book = openpyxl.load_workbook(io.BytesIO(documents.statement_xlsx(statement)))
    assert [sheet.sheet_view.rightToLeft for sheet in book.worksheets] == [True, True]
    cells = [cell.value for row in book.worksheets[0].iter_rows() for cell in row if cell.value is not None]
    assert invoice.total in cells and 1_500_000_000 in cells and statement.closing in cells
    aging = [cell.value for row in book.worksheets[1].iter_rows() for cell in row if cell.value is not None]
    assert statement.aging.total in aging
    assert (
        documents.statement_filename(statement, "pdf")
        == f"statement-{tenant.district9.pk}-14050801-14050830.pdf"
    )
