"""Invoices by API: bill a delivery or a payment request, issue, void, record a payment, documents."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from hamyar.core.apikit import (
    DateInput,
    Id,
    InputSchema,
    NumberRef,
    PageQuery,
    PathId,
    Ref,
    describe,
    file_download,
    jalali_text,
    page_of,
    paginate,
    resolve_refs,
    text,
)
from hamyar.core.errors import InvalidInput
from hamyar.core.money import rial_to_toman

from .. import documents, selectors, services
from ..choices import InvoiceStatus, PaymentMethod
from ..filters import InvoiceFilter
from ..models import Invoice
from .common import attachment
from .payments import PaymentOut

router = Router(tags=["finance"])


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
        return jalali_text(obj.issue_date)

    @staticmethod
    def resolve_due_date_jalali(obj: Invoice) -> str | None:
        return jalali_text(obj.due_date)

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


InvoiceQuery = InvoiceFilter.query_schema()


@router.get("/invoices", response={200: page_of(InvoiceOut)}, openapi_extra=describe(Invoice))
def list_invoices(request: HttpRequest, filters: Query[InvoiceQuery], page: Query[PageQuery]) -> Any:  # type: ignore[valid-type]
    """The caller's invoices: a municipality's own, all of the organization for its officers."""
    return paginate(selectors.invoice_list(user=request.auth, filters=filters.model_dump()), page)


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
    return attachment(
        documents.invoice_pdf(invoice), documents.PDF_CONTENT_TYPE, f"{invoice.number}.pdf", inline=True
    )


@router.get("/invoices/{id}/xlsx", response={200: None},
            openapi_extra={**describe(Invoice), **file_download(documents.XLSX_CONTENT_TYPE)})
def invoice_xlsx(request: HttpRequest, id: int = PathId) -> Any:
    invoice = selectors.invoice_get(user=request.auth, pk=id)
    return attachment(documents.invoice_xlsx(invoice), documents.XLSX_CONTENT_TYPE, f"{invoice.number}.xlsx")


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
