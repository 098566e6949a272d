"""Complaints over HTTP: the list (by status, overdue, municipality, provider), one complaint with its
files and timeline, filing, files, and each step of its lifecycle.

Every endpoint reads through a scoped selector first (a complaint outside the caller's scope is 404 before
its input is looked at), calls one service and serialises.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from hamyar.core.apikit import (
    Id,
    InputSchema,
    NumberRef,
    PageQuery,
    PathId,
    Ref,
    describe,
    file_download,
    page_of,
    paginate,
    text,
)
from hamyar.needs.selectors import need_get

from .. import selectors, services
from ..choices import ComplaintStatus, ComplaintTopic
from ..filters import ComplaintFilter
from ..models import Complaint, ComplaintAttachment
from ..services.complaints import MAX_SUBJECT, MAX_TEXT

router = Router(tags=["complaints"])


class ComplaintOut(Schema):
    id: int
    number: str
    status: ComplaintStatus
    status_label: str
    topic: ComplaintTopic
    subject: str
    need: NumberRef
    order_id: int | None
    quotation_id: int | None
    municipality: Ref | None = Field(None, description="The complaining municipality, if one filed it.")
    complainant_provider: Ref | None = Field(None, description="The complaining supplier, if one filed it.")
    provider: Ref | None = Field(None, description="The provider complained about (from the process).")
    owner_id: int | None
    filed_at: datetime
    due_at: datetime = Field(..., description="The answer is due by then (filing or reopening + the target).")
    overdue: bool
    answered_at: datetime | None
    reopened_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: Complaint) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj: Complaint) -> bool:
        return selectors.is_overdue(obj)


class ComplaintAttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


class ComplaintTimelineOut(Schema):
    action: str
    label: str
    actor: str
    at: datetime
    text: str


class ComplaintDetailOut(ComplaintOut):
    description: str
    answer: str
    reopen_reason: str
    withdraw_reason: str
    attachments: list[ComplaintAttachmentOut]
    timeline: list[ComplaintTimelineOut]

    @staticmethod
    def resolve_attachments(obj: Complaint) -> list:
        return selectors.complaint_attachments(complaint=obj)

    @staticmethod
    def resolve_timeline(obj: Complaint) -> list:
        return selectors.complaint_timeline(complaint=obj)


class ComplaintIn(InputSchema):
    need: Id | None = Field(None, description="The need; or give the order or quotation, whose need it is.")
    order: Id | None = None
    quotation: Id | None = None
    topic: ComplaintTopic = ComplaintTopic.OTHER
    subject: text(MAX_SUBJECT) = ""
    description: text(MAX_TEXT) = ""


class ComplaintAssignIn(InputSchema):
    owner: Id | None = Field(None, description="A user id of an org admin, commerce or finance officer.")


class ComplaintAnswerIn(InputSchema):
    answer: text(MAX_TEXT) = ""


class ComplaintReasonIn(InputSchema):
    reason: text(MAX_TEXT) = ""


ComplaintQuery = ComplaintFilter.query_schema()

_UPLOAD = {
    **describe(Complaint),
    "requestBody": {"content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary",
                                "description": "PDF, JPEG, PNG, xlsx or docx; checked by its content."}},
    }}}},
}


@router.get("/complaints", response={200: page_of(ComplaintOut)}, openapi_extra=describe(Complaint))
def list_complaints(request: HttpRequest, filters: Query[ComplaintQuery], page: Query[PageQuery]) -> Any:
    """The caller's complaints: a complainant's own (and a supplier's answered ones about it); all for
    officers. `overdue=true` lists those past their due time without an answer."""
    rows = selectors.complaint_list(user=request.auth, filters=filters.model_dump(exclude_none=True))
    return paginate(rows, page)


@router.get("/complaints/{id}", response={200: ComplaintDetailOut}, openapi_extra=describe(Complaint))
def get_complaint(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.complaint_get(user=request.auth, pk=id)


@router.post("/complaints", response={201: ComplaintDetailOut}, openapi_extra=describe(Complaint))
def file_complaint(request: HttpRequest, payload: ComplaintIn) -> Any:
    """A municipality or supplier files a complaint about a need (or its quotation or order) it can see;
    add files with POST /complaints/{id}/attachments."""
    user = request.auth
    order = selectors.order_get(user=user, pk=payload.order) if payload.order else None
    quotation = selectors.quotation_get(user=user, pk=payload.quotation) if payload.quotation else None
    need = need_get(user=user, pk=payload.need) if payload.need else None
    complaint = services.complaint_file(acting_user=user, need=need, order=order, quotation=quotation,
                                        topic=payload.topic, subject=payload.subject,
                                        description=payload.description)
    return Status(201, selectors.complaint_get(user=user, pk=complaint.pk))


@router.post("/complaints/{id}/attachments", response={201: ComplaintAttachmentOut}, openapi_extra=_UPLOAD,
             summary="Attach a file (multipart/form-data, field `file`)")
def upload_complaint_attachment(request: HttpRequest, id: int = PathId) -> Any:
    complaint = selectors.complaint_get(user=request.auth, pk=id)
    attachment = services.complaint_attachment_add(complaint=complaint, acting_user=request.auth,
                                                   upload=request.FILES.get("file"))
    return Status(201, attachment)


@router.get("/complaint-attachments/{id}", response={200: None},
            openapi_extra={**describe(ComplaintAttachment),
                           **file_download(*settings.HAMYAR_ATTACHMENT_TYPES)},
            summary="Download a complaint's file")
def download_complaint_attachment(request: HttpRequest, id: int = PathId) -> Any:
    attachment = selectors.complaint_attachment_get(user=request.auth, pk=id)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/complaints/{id}/assign", response={200: ComplaintDetailOut}, openapi_extra=describe(Complaint))
def assign_complaint(request: HttpRequest, payload: ComplaintAssignIn, id: int = PathId) -> Any:
    """The org admin or a commerce officer gives the complaint an owner."""
    complaint = selectors.complaint_get(user=request.auth, pk=id)
    services.complaint_assign(complaint=complaint, acting_user=request.auth, owner=payload.owner)
    return selectors.complaint_get(user=request.auth, pk=id)


@router.post("/complaints/{id}/answer", response={200: ComplaintDetailOut}, openapi_extra=describe(Complaint))
def answer_complaint(request: HttpRequest, payload: ComplaintAnswerIn, id: int = PathId) -> Any:
    """The owner puts the organization's answer on record."""
    complaint = selectors.complaint_get(user=request.auth, pk=id)
    services.complaint_answer(complaint=complaint, acting_user=request.auth, answer=payload.answer)
    return selectors.complaint_get(user=request.auth, pk=id)


@router.post("/complaints/{id}/close", response={200: ComplaintDetailOut}, openapi_extra=describe(Complaint))
def close_complaint(request: HttpRequest, id: int = PathId) -> Any:
    """The complainant accepts the answer."""
    complaint = selectors.complaint_get(user=request.auth, pk=id)
    services.complaint_close(complaint=complaint, acting_user=request.auth)
    return selectors.complaint_get(user=request.auth, pk=id)


@router.post("/complaints/{id}/reopen", response={200: ComplaintDetailOut}, openapi_extra=describe(Complaint))
def reopen_complaint(request: HttpRequest, payload: ComplaintReasonIn, id: int = PathId) -> Any:
    """The complainant reopens the answered complaint, once, saying why."""
    complaint = selectors.complaint_get(user=request.auth, pk=id)
    services.complaint_reopen(complaint=complaint, acting_user=request.auth, reason=payload.reason)
    return selectors.complaint_get(user=request.auth, pk=id)


@router.post("/complaints/{id}/withdraw", response={200: ComplaintDetailOut},
             openapi_extra=describe(Complaint))
def withdraw_complaint(request: HttpRequest, payload: ComplaintReasonIn, id: int = PathId) -> Any:
    """The complainant withdraws its complaint before it is answered."""
    complaint = selectors.complaint_get(user=request.auth, pk=id)
    services.complaint_withdraw(complaint=complaint, acting_user=request.auth, reason=payload.reason)
    return selectors.complaint_get(user=request.auth, pk=id)
