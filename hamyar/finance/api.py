"""The finance API: invoices, payments, statements, commissions and the organization's totals.

Every endpoint reads through a scoped selector first (a row outside the caller's scope is 404
before its input is looked at), calls one service and serialises. Bodies carry defaults where
the service has the last word, so a refusal reads the same by page and by API. Dates may be sent
as Jalali (1405/09/03, Persian digits too) or Gregorian ISO (2026-11-24).

A statement is addressed by its municipality: `GET /finance/statements/{municipality id}?from=&to=`
(the current Jalali month when both are left out), with `/pdf` and `/xlsx` beside it.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from hamyar.core.apikit import (
    MAX_ID,
    DateInput,
    Id,
    InputSchema,
    NumberRef,
    PageQuery,
    Ref,
    describe,
    file_download,
    page_of,
    paginate,
    resolve_refs,
    text,
)
from hamyar.core.errors import InvalidInput
from hamyar.core.jalali import format_jalali_date
from hamyar.core.money import rial_to_toman
from hamyar.directory.models import Municipality

from . import documents, selectors, services
from .choices import InvoiceStatus, PaymentMethod, SettlementStatus
from .models import CommissionSettlement, Invoice, Payment
from .statement import Statement, statement_range

router = Router(tags=["finance"])

PathId = Path(..., ge=1, le=MAX_ID)
QueryId = Field(None, ge=1, le=MAX_ID)


def _jalali(value: dt.date | None) -> str | None:
    return format_jalali_date(value, persian_digits=False) if value else None


def _file(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


# ---------------------------------------------------------------- schemas




class InvoiceOut(Schema):
    id: int
    number: str
    status: InvoiceStatus
    status_label: str
    municipality: Ref
    provider: Ref
    delivery: NumberRef | None = Field(None, description="The received delivery billed, if any.")
    payment_request_id: int | None = Field(
        None, description="The milestone's payment request billed, if any."
    )
    issue_date: dt.date | None
    issue_date_jalali: str | None
    due_date: dt.date | None
    due_date_jalali: str | None
    subtotal: int = Field(..., description="Rial, before VAT.")
    vat_percent: float
    vat_amount: int = Field(..., description="Rial, rounded half up once.")
    total: int = Field(..., description="Rial, VAT included.")
    total_toman: int
    paid_amount: int = Field(..., description="Rial received so far.")
    balance: int = Field(..., description="Rial still owed: total − paid.")
    void_reason: str
    created_at: dt.datetime
    issued_at: dt.datetime | None
    voided_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: Invoice) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_issue_date_jalali(obj: Invoice) -> str | None:
        return _jalali(obj.issue_date)

    @staticmethod
    def resolve_due_date_jalali(obj: Invoice) -> str | None:
        return _jalali(obj.due_date)

    @staticmethod
    def resolve_vat_percent(obj: Invoice) -> float:
        return float(obj.vat_percent)

    @staticmethod
    def resolve_total_toman(obj: Invoice) -> int:
        return rial_to_toman(obj.total)


class InvoiceLineOut(Schema):
    id: int
    description: str
    quantity: int
    unit: str
    unit_label: str = Field(..., description="The unit as people read it, in the request's language.")
    unit_price: int = Field(..., description="Rial")
    amount: int = Field(..., description="Rial")


class PaymentOut(Schema):
    id: int
    invoice: NumberRef
    amount: int = Field(..., description="Rial")
    paid_on: dt.date
    paid_on_jalali: str
    reference: str
    method: PaymentMethod
    method_label: str
    recorded_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_paid_on_jalali(obj: Payment) -> str:
        return _jalali(obj.paid_on)

    @staticmethod
    def resolve_method_label(obj: Payment) -> str:
        return str(obj.get_method_display())

    @staticmethod
    def resolve_recorded_by(obj: Payment) -> str:
        return obj.recorded_by.get_username()


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]
    payments: list[PaymentOut]

    @staticmethod
    def resolve_lines(obj: Invoice) -> list:
        return selectors.invoice_lines(invoice=obj)

    @staticmethod
    def resolve_payments(obj: Invoice) -> list:
        return selectors.invoice_payments(invoice=obj)


class InvoiceCreateIn(InputSchema):
    delivery: Id | None = Field(None, description="A received delivery to bill.")
    payment_request: Id | None = Field(None, description="A completed milestone's payment request to bill.")


class IssueIn(InputSchema):
    issue_date: DateInput | None = Field(None, description="Today when left out.")
    due_date: DateInput | None = Field(
        None, description="Not before the issue date; 30 days after it when left out."
    )


class VoidIn(InputSchema):
    reason: text(services.MAX_REASON) = Field("", description="Why the invoice is void (required).")


class PaymentIn(InputSchema):
    amount: StrictInt | None = Field(None, description="Rial: more than zero, at most the balance.")
    paid_on: DateInput | None = Field(None, description="Today when left out.")
    reference: text(200) = Field("", description="The bank or cheque reference, unique in the organization.")
    method: PaymentMethod = PaymentMethod.TRANSFER


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
    def resolve_date_jalali(obj) -> str:
        return _jalali(obj.date)


class AgingRowOut(Schema):
    key: str
    label: str
    amount: int
    invoices: int

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.label)


class AgingOut(Schema):
    as_of: dt.date
    as_of_jalali: str
    rows: list[AgingRowOut]
    not_due: int = Field(..., description="Of the 0–30 bucket, what is not yet due.")
    total: int

    @staticmethod
    def resolve_as_of_jalali(obj) -> str:
        return _jalali(obj.as_of)


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
        return _jalali(obj.start)

    @staticmethod
    def resolve_end_jalali(obj: Statement) -> str:
        return _jalali(obj.end)


class SettlementOut(Schema):
    id: int
    agreement: NumberRef
    supplier: Ref
    period_start: dt.date
    period_start_jalali: str
    period_end: dt.date
    period_end_jalali: str
    sales_total: int = Field(..., description="Rial, before VAT.")
    commission_percent: float
    commission_amount: int = Field(..., description="Rial, rounded half up once.")
    invoice_count: int
    status: SettlementStatus
    status_label: str
    reference: str
    settled_on: dt.date | None
    settled_on_jalali: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_period_start_jalali(obj: CommissionSettlement) -> str:
        return _jalali(obj.period_start)

    @staticmethod
    def resolve_period_end_jalali(obj: CommissionSettlement) -> str:
        return _jalali(obj.period_end)

    @staticmethod
    def resolve_settled_on_jalali(obj: CommissionSettlement) -> str | None:
        return _jalali(obj.settled_on)

    @staticmethod
    def resolve_commission_percent(obj: CommissionSettlement) -> float:
        return float(obj.commission_percent)

    @staticmethod
    def resolve_status_label(obj: CommissionSettlement) -> str:
        return str(obj.get_status_display())


class CalculateIn(InputSchema):
    agreement: Id | None = Field(None, description="The agency agreement.")
    period_start: DateInput | None = Field(None, description="The first day.")
    period_end: DateInput | None = Field(None, description="The last day.")


class SettleIn(InputSchema):
    reference: text(200) = ""
    settled_on: DateInput | None = Field(None, description="Today when left out.")


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


class InvoiceQuery(PageQuery):
    status: InvoiceStatus | None = None
    municipality: int | None = QueryId
    provider: int | None = QueryId
    overdue: bool = False


class PaymentQuery(PageQuery):
    invoice: int | None = QueryId
    municipality: int | None = QueryId


class SettlementQuery(PageQuery):
    status: SettlementStatus | None = None
    supplier: int | None = QueryId
    agreement: int | None = QueryId


class RangeQuery(Schema):
    start: DateInput | None = Field(
        None, alias="from", description="The first day; the current Jalali month when both are left out."
    )
    end: DateInput | None = Field(None, alias="to", description="The last day.")


# ---------------------------------------------------------------- invoices


@router.get("/invoices", response={200: page_of(InvoiceOut)}, openapi_extra=describe(Invoice))
def list_invoices(request: HttpRequest, filters: Query[InvoiceQuery]) -> Any:
    """The caller's invoices: a municipality's own, all of the organization for its officers."""
    rows = selectors.invoice_list(
        user=request.auth,
        status=filters.status,
        municipality_id=filters.municipality,
        provider_id=filters.provider,
        overdue=filters.overdue,
    )
    return paginate(rows, filters)


@router.post("/invoices", response={201: InvoiceDetailOut}, openapi_extra=describe(Invoice))
def create_invoice(request: HttpRequest, payload: InvoiceCreateIn) -> Any:
    """A draft invoice of a received delivery or of a completed milestone's payment request (one of them)."""
    if (payload.delivery is None) == (payload.payment_request is None):
        message = _("Give either a received delivery or a payment request to bill.")
        raise InvalidInput(message, extra={"fields": {"delivery": [message]}})
    refs = resolve_refs(
        request.auth,
        payload.model_dump(),
        delivery=selectors.delivery_get,
        payment_request=selectors.payment_request_get,
    )
    if refs["delivery"] is not None:
        invoice = services.invoice_from_delivery(delivery=refs["delivery"], acting_user=request.auth)
    else:
        invoice = services.invoice_from_payment_request(
            payment_request=refs["payment_request"], acting_user=request.auth
        )
    return Status(201, selectors.invoice_get(user=request.auth, pk=invoice.pk))


@router.get("/invoices/{id}", response={200: InvoiceDetailOut}, openapi_extra=describe(Invoice))
def get_invoice(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.invoice_get(user=request.auth, pk=id)


@router.post(
    "/invoices/{id}/issue", response={200: InvoiceDetailOut}, openapi_extra=describe(Invoice)
)
def issue_invoice(request: HttpRequest, payload: IssueIn, id: int = PathId) -> Any:
    """Draft → issued, with its issue and due dates; the municipality is told."""
    invoice = selectors.invoice_get(user=request.auth, pk=id)
    services.invoice_issue(
        invoice=invoice,
        acting_user=request.auth,
        issue_date=payload.issue_date,
        due_date=payload.due_date,
    )
    return selectors.invoice_get(user=request.auth, pk=id)


@router.post(
    "/invoices/{id}/void", response={200: InvoiceDetailOut}, openapi_extra=describe(Invoice)
)
def void_invoice(request: HttpRequest, payload: VoidIn, id: int = PathId) -> Any:
    """Void a draft or an issued, unpaid invoice, with a reason; its source can be billed again."""
    invoice = selectors.invoice_get(user=request.auth, pk=id)
    services.invoice_void(invoice=invoice, acting_user=request.auth, reason=payload.reason)
    return selectors.invoice_get(user=request.auth, pk=id)


@router.get("/invoices/{id}/pdf", response={200: None},
            openapi_extra={**describe(Invoice), **file_download(documents.PDF_CONTENT_TYPE)})
def invoice_pdf(request: HttpRequest, id: int = PathId) -> Any:
    invoice = selectors.invoice_get(user=request.auth, pk=id)
    return _file(
        documents.invoice_pdf(invoice), documents.PDF_CONTENT_TYPE, f"{invoice.number}.pdf", inline=True
    )


@router.get("/invoices/{id}/xlsx", response={200: None},
            openapi_extra={**describe(Invoice), **file_download(documents.XLSX_CONTENT_TYPE)})
def invoice_xlsx(request: HttpRequest, id: int = PathId) -> Any:
    invoice = selectors.invoice_get(user=request.auth, pk=id)
    return _file(documents.invoice_xlsx(invoice), documents.XLSX_CONTENT_TYPE, f"{invoice.number}.xlsx")


@router.post(
    "/invoices/{id}/payments", response={201: PaymentOut}, openapi_extra=describe(Invoice)
)
def record_payment(request: HttpRequest, payload: PaymentIn, id: int = PathId) -> Any:
    """A payment against an issued invoice: more than zero, at most its balance; the reference unique."""
    invoice = selectors.invoice_get(user=request.auth, pk=id)
    paid_on = payload.paid_on or timezone.localdate()
    payment = services.payment_record(
        invoice=invoice,
        acting_user=request.auth,
        amount=payload.amount,
        paid_on=paid_on,
        reference=payload.reference,
        method=payload.method,
    )
    return Status(201, selectors.payment_get(user=request.auth, pk=payment.pk))


# ---------------------------------------------------------------- payments


@router.get("/payments", response={200: page_of(PaymentOut)}, openapi_extra=describe(Payment))
def list_payments(request: HttpRequest, filters: Query[PaymentQuery]) -> Any:
    rows = selectors.payment_list(
        user=request.auth, invoice_id=filters.invoice, municipality_id=filters.municipality
    )
    return paginate(rows, filters)


@router.get("/payments/{id}", response={200: PaymentOut}, openapi_extra=describe(Payment))
def get_payment(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.payment_get(user=request.auth, pk=id)


# ---------------------------------------------------------------- statements


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
    return _file(
        documents.statement_pdf(statement),
        documents.PDF_CONTENT_TYPE,
        documents.statement_filename(statement, "pdf"),
        inline=True,
    )


@router.get("/statements/{id}/xlsx", response={200: None},
            openapi_extra={**describe(Municipality), **file_download(documents.XLSX_CONTENT_TYPE)})
def statement_xlsx(request: HttpRequest, dates: Query[RangeQuery], id: int = PathId) -> Any:
    statement = _statement(request, id, dates)
    return _file(
        documents.statement_xlsx(statement),
        documents.XLSX_CONTENT_TYPE,
        documents.statement_filename(statement, "xlsx"),
    )


# ---------------------------------------------------------------- commissions


@router.get(
    "/commissions",
    response={200: page_of(SettlementOut)},
    openapi_extra=describe(CommissionSettlement),
)
def list_commissions(request: HttpRequest, filters: Query[SettlementQuery]) -> Any:
    """Commission settlements: all for the organization's officers, a supplier's own for its users."""
    rows = selectors.settlement_list(
        user=request.auth, status=filters.status, supplier_id=filters.supplier, agreement_id=filters.agreement
    )
    return paginate(rows, filters)


@router.post(
    "/commissions", response={201: SettlementOut}, openapi_extra=describe(CommissionSettlement)
)
def calculate_commission(request: HttpRequest, payload: CalculateIn) -> Any:
    """Calculate an agreement's commission for a period (once per agreement and period)."""
    if payload.agreement is None:
        message = _("Choose the agency agreement.")
        raise InvalidInput(message, extra={"fields": {"agreement": [message]}})
    refs = resolve_refs(request.auth, payload.model_dump(), agreement=selectors.agreement_get)
    start, end = payload.period_start, payload.period_end
    settlement = services.commission_calculate(
        agreement=refs["agreement"], acting_user=request.auth, period_start=start, period_end=end
    )
    return Status(201, selectors.settlement_get(user=request.auth, pk=settlement.pk))


@router.get(
    "/commissions/{id}",
    response={200: SettlementOut},
    openapi_extra=describe(CommissionSettlement),
)
def get_commission(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.settlement_get(user=request.auth, pk=id)


@router.post(
    "/commissions/{id}/settle",
    response={200: SettlementOut},
    openapi_extra=describe(CommissionSettlement),
)
def settle_commission(request: HttpRequest, payload: SettleIn, id: int = PathId) -> Any:
    """Calculated → settled, with the reference and date of the settlement."""
    settlement = selectors.settlement_get(user=request.auth, pk=id)
    settled_on = payload.settled_on or timezone.localdate()
    services.commission_settle(
        settlement=settlement, acting_user=request.auth, reference=payload.reference, settled_on=settled_on
    )
    return selectors.settlement_get(user=request.auth, pk=id)


# ---------------------------------------------------------------- totals


@router.get("/totals", response={200: TotalsOut}, openapi_extra=describe(Municipality))
def get_totals(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """What was invoiced, paid and is outstanding (and overdue), overall and by municipality (pages of
    `items`), over what the caller may see: the whole organization for executives and officers."""
    totals = selectors.finance_totals(user=request.auth)
    return {**totals.__dict__, **paginate(selectors.municipality_balances(user=request.auth), page)}
