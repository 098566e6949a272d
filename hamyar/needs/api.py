"""The needs API: a municipality's needs, triage, matching and assignment, attachments.

Each endpoint validates the shape of its input, reads through a scoped selector (a need outside the
caller's scope is 404), calls one service and serialises. Transitions are POST `/{id}/<action>`
and return the need.
"""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from hamyar.catalog import selectors as catalog
from hamyar.core.apikit import (
    MAX_ID,
    MAX_TEXT,
    DateInput,
    Id,
    InputSchema,
    PageQuery,
    Ref,
    describe,
    file_download,
    page_of,
    paginate,
    partial,
    resolve_refs,
    text,
)
from hamyar.core.errors import InvalidInput
from hamyar.core.jalali import format_jalali_date
from hamyar.core.scoping import require_role
from hamyar.directory import selectors as directory

from . import selectors, services
from .choices import NeedKind, NeedStatus
from .matching import FACTOR_LABELS, FACTORS, rank_providers
from .models import Need, NeedAttachment
from .sla import need_clocks

router = Router(tags=["needs"])

PathId = Path(..., ge=1, le=MAX_ID)


def _jalali(value: date | None) -> str | None:
    return format_jalali_date(value, persian_digits=False) if value else None



class NeedOut(Schema):
    id: int
    number: str
    kind: NeedKind
    kind_label: str
    status: NeedStatus
    status_label: str
    title: str
    description: str
    municipality: Ref
    domain: Ref
    site: Ref | None = None
    budget_estimate: int | None = Field(None, description="Rial")
    desired_date: date | None = None
    desired_date_jalali: str | None = None
    provider: Ref | None = Field(None, description="The assigned provider.")
    is_capability_gap: bool
    reason: str
    created_at: datetime
    submitted_at: datetime | None = None
    triaged_at: datetime | None = None
    assigned_at: datetime | None = None
    first_quoted_at: datetime | None = None
    approved_at: datetime | None = None
    closed_at: datetime | None = None

    @staticmethod
    def resolve_kind_label(obj: Need) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Need) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_desired_date_jalali(obj: Need) -> str | None:
        return _jalali(obj.desired_date)


class NeedLineOut(Schema):
    id: int
    item: Ref | None = None
    description: str
    quantity: int
    unit: str


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj: NeedAttachment) -> str:
        return f"/api/v1/needs/attachments/{obj.pk}"


class AssignmentOut(Schema):
    provider: Ref
    kind: str
    rank: int | None
    score: float | None
    breakdown: dict[str, Any]
    reason: str
    is_active: bool
    created_at: datetime


class ClockOut(Schema):
    name: str
    label: str
    target_hours: float
    started_at: datetime | None
    due_at: datetime | None
    stopped_at: datetime | None
    elapsed_hours: float | None
    remaining_hours: float | None
    overdue: bool
    state: str


def _hours(value) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)


class NeedDetailOut(NeedOut):
    lines: list[NeedLineOut]
    attachments: list[AttachmentOut]
    assignments: list[AssignmentOut] = Field(..., description="A provider sees only its own.")
    clocks: list[ClockOut]

    @staticmethod
    def resolve_lines(obj: Need) -> list:
        return obj.lines_out

    @staticmethod
    def resolve_attachments(obj: Need) -> list:
        return obj.attachments_out

    @staticmethod
    def resolve_assignments(obj: Need) -> list:
        return obj.assignments_out

    @staticmethod
    def resolve_clocks(obj: Need) -> list[dict]:
        return [
            {"name": c.name, "label": c.label, "target_hours": _hours(c.target), "started_at": c.started_at,
             "due_at": c.due_at, "stopped_at": c.stopped_at, "elapsed_hours": _hours(c.elapsed),
             "remaining_hours": _hours(c.remaining), "overdue": c.overdue, "state": c.state}
            for c in need_clocks(obj)
        ]


def _detail(request: HttpRequest, pk: int) -> Need:
    """The need as the caller may see it, with its lines, files, assignments and clocks."""
    user = request.auth
    need = selectors.need_get(user=user, pk=pk)
    need.lines_out = list(selectors.need_lines(need=need))
    need.attachments_out = list(selectors.need_attachments(need=need))
    need.assignments_out = list(selectors.need_assignments(user=user, need=need))
    return need


# ---------------------------------------------------------------- input


class NeedLineIn(InputSchema):
    item: Id
    quantity: StrictInt = Field(..., ge=1, le=services.MAX_QUANTITY)


class NeedIn(InputSchema):
    kind: NeedKind
    title: text(200)
    municipality: Id | None = Field(None, description="For an officer writing on a municipality's behalf.")
    domain: Id | None = Field(None, description="Optional for goods: the first item's domain.")
    description: text(MAX_TEXT) = ""
    site: Id | None = Field(None, description="One of the municipality's assets; required for a project.")
    budget_estimate: StrictInt | None = Field(None, ge=0, le=services.MAX_BUDGET, description="Rial")
    desired_date: DateInput | None = None
    lines: list[NeedLineIn] = Field(default_factory=list, max_length=services.MAX_LINES)


NeedPatch = partial(NeedIn)


class NeedQuery(PageQuery):
    status: NeedStatus | None = None
    kind: NeedKind | None = None
    domain: int | None = Field(None, ge=1, le=MAX_ID)
    municipality: int | None = Field(None, ge=1, le=MAX_ID)
    q: text(200) | None = None


class TriageIn(InputSchema):
    domain: Id | None = Field(None, description="The corrected service domain, if it was misfiled.")


class AssignIn(InputSchema):
    provider: Id | None = Field(None, description="A provider of the ranking; omitted: the top match.")
    reason: text(2000) = ""


class CompetingIn(InputSchema):
    count: StrictInt = Field(3, ge=1, le=services.MAX_COMPETING)


class NeedReasonIn(InputSchema):
    reason: text(2000) = ""


def _resolve(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    user = request.auth
    lines = data.pop("lines", None)
    data = resolve_refs(user, data, municipality=directory.municipality_get, domain=directory.domain_get,
                        site=directory.asset_get)
    if lines is not None:
        wanted = {"lines": [line["item"] for line in lines]}
        items = resolve_refs(user, wanted, lines=catalog.item_get)["lines"]
        by_id = {item.pk: item for item in items}
        data["lines"] = [{"item": by_id[line["item"]], "quantity": line["quantity"]} for line in lines]
    return data


# ---------------------------------------------------------------- needs


@router.get("", response={200: page_of(NeedOut)}, openapi_extra=describe(Need))
def list_needs(request: HttpRequest, filters: Query[NeedQuery]) -> Any:
    """The needs the caller may see, newest first (keyset pages)."""
    rows = selectors.need_list(user=request.auth, status=filters.status, kind=filters.kind,
                               domain_id=filters.domain, municipality_id=filters.municipality, q=filters.q)
    return paginate(rows, filters)


@router.post("", response={201: NeedDetailOut}, openapi_extra=describe(Need))
def create_need(request: HttpRequest, payload: NeedIn) -> Any:
    require_role(request.auth, *services.AUTHORS)
    data = _resolve(request, payload.model_dump())
    need = services.need_create(acting_user=request.auth, **data)
    return Status(201, _detail(request, need.pk))


@router.get("/attachments/{id}", response={200: None},
            openapi_extra={**describe(NeedAttachment), **file_download(*settings.HAMYAR_ATTACHMENT_TYPES)},
            summary="Download an attachment")
def download_attachment(request: HttpRequest, id: int = PathId) -> Any:
    attachment = selectors.attachment_get(user=request.auth, pk=id)
    return _file_response(attachment)


def _file_response(attachment: NeedAttachment) -> FileResponse:
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete("/attachments/{id}", response={204: None}, openapi_extra=describe(NeedAttachment))
def remove_attachment(request: HttpRequest, id: int = PathId) -> Any:
    attachment = selectors.attachment_get(user=request.auth, pk=id)
    services.need_attachment_remove(attachment=attachment, acting_user=request.auth)
    return Status(204, None)


@router.get("/{id}", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def get_need(request: HttpRequest, id: int = PathId) -> Any:
    return _detail(request, id)


@router.patch("/{id}", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def update_need(request: HttpRequest, payload: NeedPatch, id: int = PathId) -> Any:
    need = selectors.need_get(user=request.auth, pk=id)
    data = _resolve(request, payload.model_dump(exclude_unset=True))
    services.need_update(need=need, acting_user=request.auth, **data)
    return _detail(request, id)


def _transition(request: HttpRequest, id: int, service, **arguments) -> Any:
    need = selectors.need_get(user=request.auth, pk=id)
    service(need=need, acting_user=request.auth, **arguments)
    return _detail(request, id)


@router.post("/{id}/submit", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def submit_need(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.need_submit)


@router.post("/{id}/triage", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def triage_need(request: HttpRequest, payload: TriageIn, id: int = PathId) -> Any:
    need = selectors.need_get(user=request.auth, pk=id)
    data = resolve_refs(request.auth, payload.model_dump(), domain=directory.domain_get)
    services.need_triage(need=need, acting_user=request.auth, domain=data["domain"])
    return _detail(request, id)


class FactorOut(Schema):
    factor: str
    label: str
    value: Any = None
    points: float


class CandidateOut(Schema):
    provider: Ref
    rank: int
    score: float
    factors: list[FactorOut]
    domain: Ref = Field(..., description="Where its capability is held: the need's domain or a parent.")
    agreement: str | None = Field(None, description="The number of the agency agreement in force.")


class ExcludedOut(Schema):
    provider: Ref
    reason: str


class MatchesOut(Schema):
    need: int
    candidates: list[CandidateOut]
    excluded: list[ExcludedOut]


@router.get("/{id}/matches", response={200: MatchesOut}, openapi_extra=describe(Need),
            summary="The providers ranked for the need, with the score per factor")
def need_matches(request: HttpRequest, id: int = PathId) -> Any:
    need = selectors.need_get(user=request.auth, pk=id)
    require_role(request.auth, *services.OFFICERS)
    ranking = rank_providers(need)
    return {
        "need": need.pk,
        "candidates": [
            {"provider": c.provider, "rank": c.rank, "score": float(c.score), "domain": c.domain,
             "agreement": c.agreement.number if c.agreement else None,
             "factors": [{"factor": f, "label": str(FACTOR_LABELS[f]), "value": c.breakdown[f]["value"],
                          "points": c.breakdown[f]["points"]} for f in FACTORS]}
            for c in ranking.candidates
        ],
        "excluded": [{"provider": e.provider, "reason": e.reason} for e in ranking.excluded],
    }


@router.post("/{id}/assign", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def assign_need(request: HttpRequest, payload: AssignIn, id: int = PathId) -> Any:
    need = selectors.need_get(user=request.auth, pk=id)
    require_role(request.auth, *services.OFFICERS)
    data = resolve_refs(request.auth, payload.model_dump(), provider=directory.provider_get)
    services.need_assign(need=need, acting_user=request.auth, provider=data["provider"],
                         reason=data["reason"])
    return _detail(request, id)


@router.post("/{id}/request-competing", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def request_competing(request: HttpRequest, payload: CompetingIn, id: int = PathId) -> Any:
    return _transition(request, id, services.need_request_competing, count=payload.count)


@router.post("/{id}/reject", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def reject_need(request: HttpRequest, payload: NeedReasonIn, id: int = PathId) -> Any:
    return _transition(request, id, services.need_reject, reason=payload.reason)


@router.post("/{id}/cancel", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def cancel_need(request: HttpRequest, payload: NeedReasonIn, id: int = PathId) -> Any:
    return _transition(request, id, services.need_cancel, reason=payload.reason)


@router.post("/{id}/mark-gap", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def mark_gap(request: HttpRequest, payload: NeedReasonIn, id: int = PathId) -> Any:
    return _transition(request, id, services.need_mark_gap, reason=payload.reason)


_UPLOAD = {
    **describe(Need),
    "requestBody": {"content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary",
                                "description": "PDF, JPEG, PNG, xlsx or docx; checked by its content."}},
    }}}},
}


@router.post("/{id}/attachments", response={201: AttachmentOut}, openapi_extra=_UPLOAD,
             summary="Attach a file (multipart/form-data, field `file`)")
def upload_attachment(request: HttpRequest, id: int = PathId) -> Any:
    need = selectors.need_get(user=request.auth, pk=id)
    require_role(request.auth, *services.AUTHORS)
    upload = request.FILES.get("file")
    if upload is None:
        message = str(_("Choose a file to attach."))
        raise InvalidInput(message, extra={"fields": {"file": [message]}})
    attachment = services.need_attachment_add(need=need, acting_user=request.auth, file=upload)
    return Status(201, attachment)
