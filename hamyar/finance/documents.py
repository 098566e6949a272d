"""Finance documents: a Persian, right-to-left PDF (WeasyPrint, Vazirmatn embedded) and an Excel
workbook (openpyxl, right-to-left sheets) of an invoice and of a municipality's statement.

Dates are Jalali, amounts integer Rial with the Toman figure beside the totals. The PDFs are
always Persian (they are the organization's letters); the workbooks have Persian headers and
numeric cells, so a clerk can add them up.
"""

import io

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamyar.core.cells import put
from hamyar.core.jalali import format_jalali_date
from hamyar.core.money import format_toman
from hamyar.core.pdf import html_to_pdf, pdf_fonts

from .models import Invoice
from .selectors import invoice_lines, invoice_payments
from .statement import Statement

__all__ = [
    "PDF_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "invoice_pdf",
    "invoice_pdf_html",
    "invoice_xlsx",
    "statement_filename",
    "statement_pdf",
    "statement_pdf_html",
    "statement_xlsx",
]

PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RIAL_FORMAT = "#,##0"


# ---------------------------------------------------------------- PDF


def invoice_pdf_html(invoice: Invoice) -> str:
    with translation.override("fa"):
        return render_to_string(
            "finance/pdf/invoice.html",
            {
                **pdf_fonts(),
                "invoice": invoice,
                "organization": invoice.organization,
                "lines": invoice_lines(invoice=invoice),
                "payments": invoice_payments(invoice=invoice),
                "total_toman": format_toman(invoice.total),
                "balance_toman": format_toman(invoice.balance),
            },
        )


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a Persian PDF (A4, right to left)."""
    return html_to_pdf(invoice_pdf_html(invoice))


def statement_pdf_html(statement: Statement) -> str:
    with translation.override("fa"):
        return render_to_string(
            "finance/pdf/statement.html",
            {
                **pdf_fonts(),
                "statement": statement,
                "organization": statement.municipality.organization,
                "closing_toman": format_toman(statement.closing),
            },
        )


def statement_pdf(statement: Statement) -> bytes:
    """The statement as a Persian PDF: movements with the running balance, then the aging."""
    return html_to_pdf(statement_pdf_html(statement))


def statement_filename(statement: Statement, extension: str) -> str:
    """statement-<municipality id>-14050901-14050930.pdf (ASCII: safe in any header)."""
    start = format_jalali_date(statement.start, persian_digits=False).replace("/", "")
    end = format_jalali_date(statement.end, persian_digits=False).replace("/", "")
    return f"statement-{statement.municipality.pk}-{start}-{end}.{extension}"


# ---------------------------------------------------------------- Excel


def _sheet(workbook, title: str):
    sheet = (
        workbook.active
        if workbook.active.max_row == 1 and workbook.active.title == "Sheet"
        else workbook.create_sheet()
    )
    sheet.title = title[:31]
    sheet.sheet_view.rightToLeft = True
    return sheet


def _header(sheet, row: int, values: list[str], widths: list[int] | None = None) -> None:
    from openpyxl.styles import Font, PatternFill

    for column, value in enumerate(values, start=1):
        cell = put(sheet, row=row, column=column, value=value)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F1F3F5")
    for column, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[chr(64 + column)].width = width


def _money(cell) -> None:
    cell.number_format = RIAL_FORMAT


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _jdate(value) -> str:
    return format_jalali_date(value, persian_digits=False) if value else ""


def invoice_xlsx(invoice: Invoice) -> bytes:
    """The invoice as a workbook: its facts, its lines, the totals and the payments."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("fa"):
        workbook = Workbook()
        sheet = _sheet(workbook, _("Invoice"))
        facts = [
            (_("Invoice"), invoice.number),
            (_("Municipality"), invoice.municipality.name),
            (_("Provider"), invoice.provider.name),
            (_("Status"), str(invoice.get_status_display())),
            (_("Issue date"), _jdate(invoice.issue_date)),
            (_("Due date"), _jdate(invoice.due_date)),
        ]
        for row, (key, value) in enumerate(facts, start=1):
            put(sheet, row=row, column=1, value=key).font = Font(bold=True)
            put(sheet, row=row, column=2, value=value)
        row = len(facts) + 2
        _header(
            sheet,
            row,
            [_("#"), _("Description"), _("Quantity"), _("Unit"), _("Unit price (Rial)"), _("Amount (Rial)")],
            [16, 48, 10, 10, 18, 20],
        )
        for number, line in enumerate(invoice_lines(invoice=invoice), start=1):
            row += 1
            values = [number, line.description, line.quantity, line.unit_label, line.unit_price, line.amount]
            for column, value in enumerate(values, start=1):
                cell = put(sheet, row=row, column=column, value=value)
                if column >= 5:
                    _money(cell)
        row += 1
        totals = [
            (_("Subtotal"), invoice.subtotal),
            (
                _("VAT (%(percent)s%%)") % {"percent": f"{invoice.vat_percent.normalize():f}"},
                invoice.vat_amount,
            ),
            (_("Total"), invoice.total),
            (_("Paid"), invoice.paid_amount),
            (_("Balance due"), invoice.balance),
        ]
        for key, value in totals:
            row += 1
            put(sheet, row=row, column=5, value=key).font = Font(bold=True)
            _money(put(sheet, row=row, column=6, value=value))
        payments = invoice_payments(invoice=invoice)
        if payments:
            row += 2
            _header(sheet, row, [_("Date"), _("Reference"), _("Method"), _("Amount (Rial)")])
            for payment in payments:
                row += 1
                put(sheet, row=row, column=1, value=_jdate(payment.paid_on))
                put(sheet, row=row, column=2, value=payment.reference)
                put(sheet, row=row, column=3, value=str(payment.get_method_display()))
                _money(put(sheet, row=row, column=4, value=payment.amount))
        return _bytes(workbook)


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as a workbook: one sheet of movements with the running balance, one of aging."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("fa"):
        workbook = Workbook()
        sheet = _sheet(workbook, _("Account statement"))
        put(sheet, row=1, column=1, value=_("Municipality")).font = Font(bold=True)
        put(sheet, row=1, column=2, value=statement.municipality.name)
        put(sheet, row=2, column=1, value=pgettext("date range", "From")).font = Font(bold=True)
        put(sheet, row=2, column=2, value=_jdate(statement.start))
        put(sheet, row=3, column=1, value=pgettext("date range", "To")).font = Font(bold=True)
        put(sheet, row=3, column=2, value=_jdate(statement.end))
        row = 5
        _header(
            sheet,
            row,
            [
                _("Date"),
                _("Description"),
                _("Invoice"),
                _("Debit (Rial)"),
                _("Credit (Rial)"),
                _("Balance (Rial)"),
            ],
            [14, 40, 18, 18, 18, 20],
        )
        row += 1
        put(sheet, row=row, column=1, value=_jdate(statement.start))
        put(sheet, row=row, column=2, value=_("Opening balance")).font = Font(bold=True)
        _money(put(sheet, row=row, column=6, value=statement.opening))
        for movement in statement.movements:
            row += 1
            if movement.kind == "invoice":
                text = _("Invoice %(number)s") % {"number": movement.number}
            else:
                text = _("Payment %(reference)s") % {"reference": movement.number}
            put(sheet, row=row, column=1, value=_jdate(movement.date))
            put(sheet, row=row, column=2, value=text)
            put(sheet, row=row, column=3, value=movement.invoice_number)
            _money(put(sheet, row=row, column=4, value=movement.debit or None))
            _money(put(sheet, row=row, column=5, value=movement.credit or None))
            _money(put(sheet, row=row, column=6, value=movement.balance))
        row += 1
        put(sheet, row=row, column=1, value=_jdate(statement.end))
        put(sheet, row=row, column=2, value=_("Closing balance")).font = Font(bold=True)
        _money(put(sheet, row=row, column=4, value=statement.debits))
        _money(put(sheet, row=row, column=5, value=statement.credits))
        _money(put(sheet, row=row, column=6, value=statement.closing))

        aging = _sheet(workbook, _("Aging"))
        put(aging, row=1,
            column=1,
            value=_("Receivables on %(day)s by days past the due date")
            % {"day": _jdate(statement.aging.as_of)},
        ).font = Font(bold=True)
        _header(aging, 3, [_("Days past due"), _("Invoices"), _("Amount (Rial)")], [22, 12, 20])
        for offset, bucket in enumerate(statement.aging.rows, start=4):
            put(aging, row=offset, column=1, value=str(bucket.label))
            put(aging, row=offset, column=2, value=bucket.invoices)
            _money(put(aging, row=offset, column=3, value=bucket.amount))
        last = 4 + len(statement.aging.rows)
        put(aging, row=last, column=1, value=_("Total")).font = Font(bold=True)
        _money(put(aging, row=last, column=3, value=statement.aging.total))
        return _bytes(workbook)
