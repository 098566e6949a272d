"""Quotations over HTTP: list (keyset pages), detail, create, update, the chain's transitions, the
comparison of competing quotations for a need, and the PDF.

Each endpoint reads through a scoped selector first (a quotation outside the caller's scope is 404
before anything else), then calls one service; a transition answers the quotation as it now is.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from hamyar.core.apikit import (
    DateInput,
    Id,
    InputSchema,
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
from hamyar.core.jalali import format_jalali_date
from hamyar.core.money import format_toman
from hamyar.directory.selectors import provider_get
from hamyar.needs.models import Need, NeedLine

from .. import documents, selectors, services
from ..choices import QuotationStatus
from ..filters import QuotationFilter
from ..models import Quotation
from ..services.pricing import MAX_PRICE, LineInput

router = Router(tags=["quotations"])






class QuotationNeedRef(Schema):
    id: int
    number: str
    title: str
    municipality: Ref


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name


class AgreementRef(Schema):
    id: int
    number: str
    starts_on: date
    ends_on: date


class QuotationLineOut(Schema):
    id: int
    need_line: int | None = Field(None, alias="need_line_id")
    item: int | None = Field(None, alias="item_id")
    description: str
    quantity: int
    unit: str
    list_price: int | None = Field(None, description="Rial: the price list's unit price at this quantity.")
    unit_price: int = Field(..., description="Rial")
    price_reason: str
    amount: int = Field(..., description="Rial")


class StepOut(Schema):
    key: str
    label: str
    state: str
    by: UserRef | None = None
    at: Any = None


class QuotationOut(Schema):
    id: int
    number: str
    revision: int
    status: QuotationStatus
    status_label: str
    is_competing: bool
    need: QuotationNeedRef
    provider: Ref
    agreement: AgreementRef | None = None
    agency_statement: str | None = Field(None, description="What the municipality is told of the agency.")
    valid_until: date
    valid_until_jalali: str
    lead_time_days: int | None
    vat_percent: str
    subtotal: int = Field(..., description="Rial")
    vat_amount: int = Field(..., description="Rial")
    total: int = Field(..., description="Rial")
    total_toman: str
    note: str
    reason: str
    sent_at: Any = None
    decided_at: Any = None

    @staticmethod
    def resolve_status_label(obj: Quotation) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_valid_until_jalali(obj: Quotation) -> str:
        return jalali_text(obj.valid_until)

    @staticmethod
    def resolve_vat_percent(obj: Quotation) -> str:
        return str(obj.vat_percent)

    @staticmethod
    def resolve_total_toman(obj: Quotation) -> str:
        return format_toman(obj.total, persian_digits=False)

    @staticmethod
    def resolve_agency_statement(obj: Quotation) -> str | None:
        return agency_statement(obj)


class QuotationDetailOut(QuotationOut):
    lines: list[QuotationLineOut] = Field(default_factory=list)
    chain: list[StepOut] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list, description="What the caller may do now.")
    choice_reason: str = ""


def agency_statement(quotation: Quotation) -> str | None:
    if quotation.agreement_id is None:
        return None
    agreement = quotation.agreement
    return _(
        "Supplied by %(supplier)s through the agency of %(organization)s, agency agreement no. "
        "%(number)s, valid until %(until)s."
    ) % {
        "supplier": quotation.provider.name,
        "organization": quotation.organization.name,
        "number": agreement.number,
        "until": format_jalali_date(agreement.ends_on, long=True),
    }


class QuotationLineIn(InputSchema):
    """A need line priced (an empty price takes the price list's), or a described line of its own."""

    need_line: Id | None = None
    description: text(300) = ""
    quantity: StrictInt | None = Field(None, ge=1, le=10_000_000)
    unit: text(10) = ""
    unit_price: StrictInt | None = Field(None, ge=0, le=MAX_PRICE)
    price_reason: text(300) = ""


class QuotationIn(InputSchema):
    need: Id
    provider: Id | None = Field(
        None, description="Officers: the provider priced (default: the assigned one)."
    )
    lines: list[QuotationLineIn] | None = Field(
        None, max_length=500, description="Default: the need's lines at list prices."
    )
    valid_until: DateInput | None = None
    lead_time_days: StrictInt | None = Field(None, ge=0, le=3650)
    note: text(5000) = ""


class QuotationPatch(InputSchema):
    lines: list[QuotationLineIn] | None = Field(None, max_length=500)
    valid_until: DateInput | None = None
    lead_time_days: StrictInt | None = Field(None, ge=0, le=3650)
    note: text(5000) | None = None


class QuotationReasonIn(InputSchema):
    # Optional in the schema so an id outside the scope is 404 before the body is judged; the
    # service refuses an empty reason with 422.
    reason: text(5000) = ""


QuotationQuery = QuotationFilter.query_schema()
WAITING = Query(False, description="Only what waits for the caller (approval, deputy, comparison).")


def _lines(need: Need, given: list[QuotationLineIn] | None) -> list[LineInput] | None:
    if given is None:
        return None
    need_lines = {line.pk: line for line in NeedLine.objects.filter(need=need).select_related("item")}
    result = []
    for index, line in enumerate(given):
        need_line = None
        if line.need_line is not None:
            need_line = need_lines.get(line.need_line)
            if need_line is None:
                message = str(_("This line is not one of the need's lines."))
                raise InvalidInput(message, extra={"fields": {f"lines.{index}.need_line": [message]}})
        result.append(
            LineInput(
                need_line=need_line,
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                price_reason=line.price_reason,
            )
        )
    return result


def _detail(request: HttpRequest, pk: int) -> Quotation:
    quotation = selectors.quotation_get(user=request.auth, pk=pk)
    policy = selectors.commerce_policy_get(organization_id=quotation.organization_id)
    quotation.lines_list = selectors.quotation_lines(quotation=quotation)
    quotation.chain = [
        {"key": s.key, "label": s.label, "state": s.state, "by": s.by, "at": s.at}
        for s in selectors.quotation_approval_steps(quotation=quotation, policy=policy)
    ]
    quotation.actions = sorted(selectors.quotation_actions(quotation=quotation, user=request.auth))
    # Why one competing quotation was chosen over the others is the organization's business.
    quotation.visible_choice_reason = (
        quotation.choice_reason if selectors.quotation_sees_competition(user=request.auth) else ""
    )
    return quotation


class _DetailOut(QuotationDetailOut):
    @staticmethod
    def resolve_lines(obj: Quotation) -> list:
        return obj.lines_list

    @staticmethod
    def resolve_choice_reason(obj: Quotation) -> str:
        return obj.visible_choice_reason


@router.get("/quotations", response={200: page_of(QuotationOut)}, openapi_extra=describe(Quotation))
def list_quotations(request: HttpRequest, filters: Query[QuotationQuery], page: Query[PageQuery],
                    waiting: bool = WAITING) -> Any:
    rows = selectors.quotation_list(user=request.auth, filters=filters.model_dump(exclude_none=True),
                                    waiting=waiting)
    return paginate(rows, page)


@router.get("/quotations/{id}", response={200: _DetailOut}, openapi_extra=describe(Quotation))
def get_quotation(request: HttpRequest, id: int = PathId) -> Any:
    return _detail(request, id)


@router.post("/quotations", response={201: _DetailOut}, openapi_extra=describe(Quotation))
def create_quotation(request: HttpRequest, payload: QuotationIn) -> Any:
    refs = resolve_refs(
        request.auth,
        {"need": payload.need, "provider": payload.provider},
        need=selectors.quotation_need_get,
        provider=provider_get,
    )
    need, provider = refs["need"], refs["provider"]
    quotation = services.quotation_create(
        need=need,
        acting_user=request.auth,
        provider=provider,
        lines=_lines(need, payload.lines),
        valid_until=payload.valid_until,
        lead_time_days=payload.lead_time_days,
        note=payload.note,
    )
    return Status(201, _detail(request, quotation.pk))


@router.patch("/quotations/{id}", response={200: _DetailOut}, openapi_extra=describe(Quotation))
def update_quotation(request: HttpRequest, payload: QuotationPatch, id: int = PathId) -> Any:
    quotation = selectors.quotation_get(user=request.auth, pk=id)
    data = payload.model_dump(exclude_unset=True)
    services.quotation_update(
        quotation=quotation,
        acting_user=request.auth,
        lines=_lines(quotation.need, payload.lines) if "lines" in data else None,
        valid_until=data.get("valid_until"),
        lead_time_days=data.get("lead_time_days"),
        note=data.get("note"),
    )
    return _detail(request, id)


def _transition(request: HttpRequest, id: int, perform: Callable[[Quotation], object]) -> Quotation:
    """One step of the quotation's lifecycle: the service reads it in the caller's scope under its lock
    (404 before the body is judged), so it is not read here first."""
    perform(Quotation(pk=id))
    return _detail(request, id)


@router.post("/quotations/{id}/send", response={200: _DetailOut}, openapi_extra=describe(Quotation))
def send_quotation(request: HttpRequest, id: int = PathId) -> Any:
    """Above the deputy threshold it waits for the commerce deputy; otherwise the municipality sees it."""
    return _transition(request, id, lambda q: services.quotation_send(quotation=q, acting_user=request.auth))


@router.post(
    "/quotations/{id}/offer", response={200: _DetailOut}, openapi_extra=describe(Quotation)
)
def offer_quotation(request: HttpRequest, id: int = PathId) -> Any:
    """A competing quotation handed to the officer for the comparison."""
    return _transition(request, id, lambda q: services.quotation_offer(quotation=q, acting_user=request.auth))


@router.post(
    "/quotations/{id}/choose", response={200: _DetailOut}, openapi_extra=describe(Quotation)
)
def choose_quotation(request: HttpRequest, payload: QuotationReasonIn, id: int = PathId) -> Any:
    """The officer picks one competing quotation (reason required); the others are not chosen."""
    return _transition(
        request,
        id,
        lambda q: services.quotation_choose(quotation=q, acting_user=request.auth, reason=payload.reason),
    )


@router.post(
    "/quotations/{id}/deputy-approve", response={200: _DetailOut}, openapi_extra=describe(Quotation)
)
def deputy_approve_quotation(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(
        request, id, lambda q: services.quotation_deputy_approve(quotation=q, acting_user=request.auth)
    )


@router.post(
    "/quotations/{id}/approve", response={200: _DetailOut}, openapi_extra=describe(Quotation)
)
def approve_quotation(request: HttpRequest, id: int = PathId) -> Any:
    """The municipality approves once: the clerk, then above the threshold the mayor; it places the order."""
    return _transition(
        request, id, lambda q: services.quotation_approve(quotation=q, acting_user=request.auth)
    )


@router.post(
    "/quotations/{id}/reject", response={200: _DetailOut}, openapi_extra=describe(Quotation)
)
def reject_quotation(request: HttpRequest, payload: QuotationReasonIn, id: int = PathId) -> Any:
    return _transition(
        request,
        id,
        lambda q: services.quotation_reject(quotation=q, acting_user=request.auth, reason=payload.reason),
    )


@router.get("/quotations/{id}/pdf", response={200: None},
            openapi_extra={**describe(Quotation), **file_download("application/pdf")})
def quotation_pdf(request: HttpRequest, id: int = PathId) -> Any:
    quotation = selectors.quotation_get(user=request.auth, pk=id)
    response = HttpResponse(documents.quotation_pdf_bytes(quotation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quotation.number}.pdf"'
    return response
