"""Statements and totals by API.

A statement is addressed by its municipality: `GET /finance/statements/{municipality id}?from=&to=`
(the current Jalali month when both are left out), with `/pdf` and `/xlsx` beside it.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from hamyar.core.apikit import (
    DateInput,
    PageQuery,
    PathId,
    Ref,
    describe,
    file_download,
    jalali_text,
    paginate,
)
from hamyar.directory.models import Municipality

from .. import documents, selectors
from ..statement import Aging, AgingRow, Movement, Statement, statement_range
from .common import attachment

router = Router(tags=["finance"])


class MovementOut(Schema):
    date: dt.date
    date_jalali: str
    kind: str = Field(..., description="invoice (a debit) or payment (a credit).")
    number: str = Field(..., description="The invoice's number, or the payment's reference.")
    invoice_id: int
    invoice_number: str
    payment_id: int | None
    debit: int
    credit: int
    balance: int = Field(..., description="The running balance after this movement (Rial).")

    @staticmethod
    def resolve_date_jalali(obj: Movement) -> str | None:
        return jalali_text(obj.date)


class AgingRowOut(Schema):
    key: str
    label: str
    amount: int
    invoices: int

    @staticmethod
    def resolve_label(obj: AgingRow) -> str:
        return str(obj.label)


class AgingOut(Schema):
    as_of: dt.date
    as_of_jalali: str
    rows: list[AgingRowOut]
    not_due: int = Field(..., description="Of the 0–30 bucket, what is not yet due.")
    total: int

    @staticmethod
    def resolve_as_of_jalali(obj: Aging) -> str | None:
        return jalali_text(obj.as_of)


class StatementOut(Schema):
    municipality: Ref
    start: dt.date
    start_jalali: str
    end: dt.date
    end_jalali: str
    opening: int = Field(..., description="Rial owed before the first day.")
    debits: int
    credits: int
    closing: int = Field(..., description="Rial owed at the end of the last day.")
    movements: list[MovementOut]
    aging: AgingOut

    @staticmethod
    def resolve_start_jalali(obj: Statement) -> str:
        return jalali_text(obj.start)

    @staticmethod
    def resolve_end_jalali(obj: Statement) -> str:
        return jalali_text(obj.end)



class BalanceOut(Schema):
    id: int = Field(..., description="The municipality.")
    name: str
    invoiced: int
    paid: int
    outstanding: int
    overdue: int


class TotalsOut(Schema):
    invoiced: int = Field(..., description="Issued invoices (partly paid and paid included), Rial.")
    paid: int
    outstanding: int
    overdue: int = Field(..., description="Owed on invoices past their due date.")
    draft: int = Field(..., description="Drafts not issued yet (not counted above).")
    invoices: int
    items: list[BalanceOut] = Field(..., description="One page of municipalities with their figures.")
    next_cursor: str | None = None



class RangeQuery(Schema):
    start: DateInput | None = Field(
        None, alias="from", description="The first day; the current Jalali month when both are left out."
    )
    end: DateInput | None = Field(None, alias="to", description="The last day.")


def _statement(request: HttpRequest, id: int, dates: RangeQuery) -> Statement:
    municipality = selectors.statement_municipality_get(user=request.auth, pk=id)
    start, end = statement_range(dates.start, dates.end, today=timezone.localdate())
    return selectors.statement_get(user=request.auth, municipality_id=municipality.pk, start=start, end=end)


@router.get(
    "/statements/{id}", response={200: StatementOut}, openapi_extra=describe(Municipality)
)
def get_statement(request: HttpRequest, dates: Query[RangeQuery], id: int = PathId) -> Any:
    """The statement of municipality `id`: opening balance, movements with the running balance, closing
    balance and the aging on the last day. A municipality user reads only its own (404 otherwise)."""
    return _statement(request, id, dates)


@router.get("/statements/{id}/pdf", response={200: None},
            openapi_extra={**describe(Municipality), **file_download(documents.PDF_CONTENT_TYPE)})
def statement_pdf(request: HttpRequest, dates: Query[RangeQuery], id: int = PathId) -> Any:
    statement = _statement(request, id, dates)
    return attachment(
        documents.statement_pdf(statement),
        documents.PDF_CONTENT_TYPE,
        documents.statement_filename(statement, "pdf"),
        inline=True,
    )


@router.get("/statements/{id}/xlsx", response={200: None},
            openapi_extra={**describe(Municipality), **file_download(documents.XLSX_CONTENT_TYPE)})
def statement_xlsx(request: HttpRequest, dates: Query[RangeQuery], id: int = PathId) -> Any:
    statement = _statement(request, id, dates)
    return attachment(
        documents.statement_xlsx(statement),
        documents.XLSX_CONTENT_TYPE,
        documents.statement_filename(statement, "xlsx"),
    )


@router.get("/totals", response={200: TotalsOut}, openapi_extra=describe(Municipality))
def get_totals(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """What was invoiced, paid and is outstanding (and overdue), overall and by municipality (pages of
    `items`), over what the caller may see: the whole organization for executives and officers."""
    totals = selectors.finance_totals(user=request.auth)
    return {**totals.__dict__, **paginate(selectors.municipality_balances(user=request.auth), page)}
