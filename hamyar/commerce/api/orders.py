"""Orders over HTTP: lists and detail with the lines' progress, start, deliveries, receipts and ratings
(a provider's scorecard is insights' route, at the same path).

Every endpoint reads through a scoped selector first (an order outside the caller's scope is
404 before its input is looked at), calls one service and serialises. Bodies carry defaults
where the service has the last word, so a refusal reads the same by page and by API.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
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
    page_of,
    paginate,
    text,
)
from hamyar.core.errors import InvalidInput
from hamyar.core.jalali import format_jalali_date

from .. import selectors, services
from ..choices import DeliveryStatus, OrderStatus
from ..models import Delivery, Order, Rating
from ..services.orders import MAX_COMMENT, MAX_NOTE

router = Router(tags=["orders"])

PathId = Path(..., ge=1, le=MAX_ID)
QueryId = Field(None, ge=1, le=MAX_ID)
MAX_LINES = 500
MAX_QUANTITY = 10**9


def _jalali(value: date | datetime | None) -> str | None:
    return format_jalali_date(value, persian_digits=False) if value else None




class OrderNeedRef(NumberRef):
    title: str


class OrderOut(Schema):
    id: int
    number: str
    status: OrderStatus
    status_label: str
    need: OrderNeedRef
    municipality: Ref
    provider: Ref
    total: int = Field(..., description="Rial, VAT included.")
    due_date: date | None
    due_date_jalali: str | None
    created_at: datetime
    closed_at: datetime | None
    quantity_ordered: int = 0
    quantity_delivered: int = Field(0, description="Delivered and awaiting receipt, or received.")
    quantity_received: int = 0
    awaiting_receipt: int = Field(0, description="Deliveries the municipality has not answered yet.")

    @staticmethod
    def resolve_status_label(obj: Order) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_due_date_jalali(obj: Order) -> str | None:
        return _jalali(obj.due_date)


class OrderLineOut(Schema):
    id: int
    item_id: int | None
    description: str
    unit: str
    quantity: int = Field(..., description="Ordered.")
    delivered_quantity: int
    received_quantity: int
    remaining_quantity: int = Field(..., description="Still to deliver.")
    unit_price: int = Field(..., description="Rial")

    @staticmethod
    def resolve_remaining_quantity(obj) -> int:
        return obj.quantity - obj.delivered_quantity


class RatingOut(Schema):
    id: int
    order_id: int
    provider_id: int
    score: int
    comment: str
    on_time: bool
    created_at: datetime


class OrderDetailOut(OrderOut):
    quotation: NumberRef
    lines: list[OrderLineOut]
    rating: RatingOut | None = None

    @staticmethod
    def resolve_lines(obj: Order) -> list:
        return selectors.order_lines(order=obj)

    @staticmethod
    def resolve_rating(obj: Order) -> Rating | None:
        return Rating.objects.filter(order=obj).first()


class DeliveryLineOut(Schema):
    order_line_id: int
    description: str
    quantity: int

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.order_line.description


class ReceiptOut(Schema):
    accepted: bool
    reason: str
    decided_by: str
    created_at: datetime

    @staticmethod
    def resolve_decided_by(obj) -> str:
        return obj.decided_by.get_username()


class DeliveryOut(Schema):
    id: int
    number: str
    order: NumberRef
    status: DeliveryStatus
    status_label: str
    delivered_on: date
    delivered_on_jalali: str
    note: str
    lines: list[DeliveryLineOut]
    receipt: ReceiptOut | None = None

    @staticmethod
    def resolve_status_label(obj: Delivery) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_delivered_on_jalali(obj: Delivery) -> str:
        return _jalali(obj.delivered_on)

    @staticmethod
    def resolve_lines(obj: Delivery) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_receipt(obj: Delivery):
        return getattr(obj, "receipt", None)


class DeliveryLineIn(InputSchema):
    order_line: Id
    quantity: StrictInt = Field(..., ge=-MAX_QUANTITY, le=MAX_QUANTITY)


class DeliveryIn(InputSchema):
    lines: list[DeliveryLineIn] = Field(default_factory=list, max_length=MAX_LINES,
                                        description="Quantities delivered now, per order line.")
    delivered_on: DateInput | None = Field(None, description="Not in the future; today when left out.")
    note: text(MAX_NOTE) = ""


class RejectIn(InputSchema):
    reason: text(MAX_COMMENT) = Field("", description="Why the delivery is not accepted.")


class RateIn(InputSchema):
    score: StrictInt | None = Field(None, description="1 to 5.")
    comment: text(MAX_COMMENT) = ""


class OrderQuery(PageQuery):
    status: OrderStatus | None = None
    municipality: int | None = QueryId
    provider: int | None = QueryId


class DeliveryQuery(PageQuery):
    status: DeliveryStatus | None = None
    order: int | None = QueryId


# ---------------------------------------------------------------- orders


@router.get("/orders", response={200: page_of(OrderOut)}, openapi_extra=describe(Order))
def list_orders(request: HttpRequest, filters: Query[OrderQuery]) -> Any:
    """The caller's orders: a municipality's own, a provider's to fulfil, all for officers (newest first)."""
    rows = selectors.order_list(user=request.auth, status=filters.status,
                                municipality_id=filters.municipality, provider_id=filters.provider)
    return paginate(rows, filters)


@router.get("/orders/{id}", response={200: OrderDetailOut}, openapi_extra=describe(Order))
def get_order(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.order_get(user=request.auth, pk=id)


@router.post("/orders/{id}/start", response={200: OrderDetailOut}, openapi_extra=describe(Order))
def start_order(request: HttpRequest, id: int = PathId) -> Any:
    """The provider takes the order in hand (placed → in fulfilment)."""
    order = selectors.order_get(user=request.auth, pk=id)
    services.order_start(order=order, acting_user=request.auth)
    return selectors.order_get(user=request.auth, pk=id)


@router.get("/orders/{id}/deliveries", response={200: list[DeliveryOut]},
            openapi_extra=describe(Order))
def list_order_deliveries(request: HttpRequest, id: int = PathId) -> Any:
    order = selectors.order_get(user=request.auth, pk=id)
    return selectors.order_deliveries(user=request.auth, order=order)


@router.post("/orders/{id}/deliveries", response={201: DeliveryOut},
             openapi_extra=describe(Order))
def create_delivery(request: HttpRequest, payload: DeliveryIn, id: int = PathId) -> Any:
    """Record a (partial) delivery: each quantity at least 1 and at most what is still to deliver."""
    order = selectors.order_get(user=request.auth, pk=id)
    quantities: dict[int, int] = {}
    for row in payload.lines:
        if row.order_line in quantities:
            message = _("An order line is listed twice; give each line once.")
            raise InvalidInput(message, extra={"fields": {"lines": [message]}})
        quantities[row.order_line] = row.quantity
    delivery = services.delivery_record(order=order, acting_user=request.auth, quantities=quantities,
                                        delivered_on=payload.delivered_on, note=payload.note)
    return Status(201, selectors.delivery_get(user=request.auth, pk=delivery.pk))


@router.post("/orders/{id}/rate", response={201: RatingOut}, openapi_extra=describe(Order))
def rate_order(request: HttpRequest, payload: RateIn, id: int = PathId) -> Any:
    """The municipality's score (1–5) and comment on its closed order, once."""
    order = selectors.order_get(user=request.auth, pk=id)
    rating = services.order_rate(order=order, acting_user=request.auth, score=payload.score,
                                 comment=payload.comment)
    return Status(201, rating)


# ---------------------------------------------------------------- deliveries and receipts


@router.get("/deliveries", response={200: page_of(DeliveryOut)},
            openapi_extra=describe(Delivery))
def list_deliveries(request: HttpRequest, filters: Query[DeliveryQuery]) -> Any:
    """Deliveries the caller may see (newest first); `status=awaiting_receipt` is a municipality's to-do."""
    return paginate(selectors.delivery_list(user=request.auth, order_id=filters.order, status=filters.status),
                    filters)


@router.get("/deliveries/{id}", response={200: DeliveryOut}, openapi_extra=describe(Delivery))
def get_delivery(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.delivery_get(user=request.auth, pk=id)


@router.post("/deliveries/{id}/confirm", response={200: DeliveryOut},
             openapi_extra=describe(Delivery))
def confirm_receipt(request: HttpRequest, id: int = PathId) -> Any:
    """The municipality received the delivery; the order closes when everything is received."""
    delivery = selectors.delivery_get(user=request.auth, pk=id)
    services.receipt_confirm(delivery=delivery, acting_user=request.auth)
    return selectors.delivery_get(user=request.auth, pk=id)


@router.post("/deliveries/{id}/reject", response={200: DeliveryOut},
             openapi_extra=describe(Delivery))
def reject_receipt(request: HttpRequest, payload: RejectIn, id: int = PathId) -> Any:
    """The municipality refuses the delivery with a reason; its quantities are open again."""
    delivery = selectors.delivery_get(user=request.auth, pk=id)
    services.receipt_reject(delivery=delivery, acting_user=request.auth, reason=payload.reason)
    return selectors.delivery_get(user=request.auth, pk=id)
