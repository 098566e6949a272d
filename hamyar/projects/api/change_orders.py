"""Change orders (proposed, approved, rejected) and the payment requests of completed milestones."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from hamyar.core.apikit import (
    MAX_ID,
    MAX_TEXT,
    DateInput,
    InputSchema,
    PageQuery,
    PathId,
    describe,
    jalali_text,
    page_of,
    paginate,
    text,
)

from .. import selectors, services
from ..choices import ChangeOrderStatus, PaymentRequestStatus
from ..models import ChangeOrder, PaymentRequest, Project
from .common import MAX_AMOUNT, PersonOut, person

router = Router(tags=["projects"])


class ChangeOrderOut(Schema):
    id: int
    project: int
    number: int
    description: str
    amount_change: int = Field(..., description="Rial; negative lowers the amount in force.")
    new_end_date: date | None = None
    new_end_date_jalali: str | None = None
    reason: str
    status: ChangeOrderStatus
    status_label: str
    requested_by: PersonOut | None
    decided_by: PersonOut | None = None
    decided_at: datetime | None = None
    decision_note: str
    beyond_limit: bool = Field(..., description="Approved by an executive beyond the ±25% limit.")
    created_at: datetime

    @staticmethod
    def resolve_project(obj: ChangeOrder) -> int:
        return obj.project_id

    @staticmethod
    def resolve_new_end_date_jalali(obj: ChangeOrder) -> str | None:
        return jalali_text(obj.new_end_date)

    @staticmethod
    def resolve_status_label(obj: ChangeOrder) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_requested_by(obj: ChangeOrder) -> dict | None:
        return person(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj: ChangeOrder) -> dict | None:
        return person(obj.decided_by)


class PaymentRequestOut(Schema):
    id: int
    project: int
    project_number: str
    milestone: int
    milestone_title: str
    amount: int = Field(..., description="Rial")
    status: PaymentRequestStatus
    status_label: str
    created_at: datetime

    @staticmethod
    def resolve_project(obj: PaymentRequest) -> int:
        return obj.project_id

    @staticmethod
    def resolve_project_number(obj: PaymentRequest) -> str:
        return obj.project.number

    @staticmethod
    def resolve_milestone(obj: PaymentRequest) -> int:
        return obj.milestone_id

    @staticmethod
    def resolve_milestone_title(obj: PaymentRequest) -> str:
        return obj.milestone.title

    @staticmethod
    def resolve_status_label(obj: PaymentRequest) -> str:
        return obj.get_status_display()


class ChangeOrderIn(InputSchema):
    description: text(MAX_TEXT) = ""
    amount_change: StrictInt = Field(0, ge=-MAX_AMOUNT, le=MAX_AMOUNT,
                                     description="Rial; negative lowers it.")
    new_end_date: DateInput | None = None
    reason: text(2000) = ""


class DecisionIn(InputSchema):
    decision_note: text(2000) = ""
    beyond_limit: StrictBool = Field(False,
                                     description="An executive approving beyond the ±25% limit says so.")


class PaymentRequestQuery(PageQuery):
    project: int | None = Field(None, ge=1, le=MAX_ID)
    status: PaymentRequestStatus | None = None


@router.get("/payment-requests", response={200: page_of(PaymentRequestOut)},
            openapi_extra=describe(PaymentRequest))
def list_payment_requests(request: HttpRequest, filters: Query[PaymentRequestQuery]) -> Any:
    """What completed milestones ask to be paid, newest first (finance turns them into invoices)."""
    project = None
    if filters.project:
        project = selectors.project_get(user=request.auth, pk=filters.project)
    rows = selectors.payment_request_list(user=request.auth, project=project, status=filters.status)
    return paginate(rows, filters)


@router.get("/payment-requests/{id}", response={200: PaymentRequestOut},
            openapi_extra=describe(PaymentRequest))
def get_payment_request(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.payment_request_get(user=request.auth, pk=id)


# ---------------------------------------------------------------- change orders


@router.get("/change-orders/{id}", response={200: ChangeOrderOut},
            openapi_extra=describe(ChangeOrder))
def get_change_order(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.change_order_get(user=request.auth, pk=id)


@router.post("/change-orders/{id}/approve", response={200: ChangeOrderOut},
             openapi_extra=describe(ChangeOrder),
             summary="Approve a change order (beyond ±25% only an executive, with beyond_limit and a note)")
def approve_change_order(request: HttpRequest, payload: DecisionIn, id: int = PathId) -> Any:
    order = selectors.change_order_get(user=request.auth, pk=id)
    return services.change_order_approve(change_order=order, acting_user=request.auth,
                                         decision_note=payload.decision_note,
                                         beyond_limit=payload.beyond_limit)


@router.post("/change-orders/{id}/reject", response={200: ChangeOrderOut},
             openapi_extra=describe(ChangeOrder))
def reject_change_order(request: HttpRequest, payload: DecisionIn, id: int = PathId) -> Any:
    order = selectors.change_order_get(user=request.auth, pk=id)
    return services.change_order_reject(change_order=order, acting_user=request.auth,
                                        decision_note=payload.decision_note)


@router.post("/{id}/change-orders", response={201: ChangeOrderOut},
             openapi_extra=describe(Project))
def propose_change_order(request: HttpRequest, payload: ChangeOrderIn, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    order = services.change_order_propose(project=project, acting_user=request.auth, **payload.model_dump())
    return Status(201, order)
