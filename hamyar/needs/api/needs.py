"""The needs API's routes: a municipality's needs, their steps, the ranking, attachments.

Each endpoint validates the shape of its input, reads through a scoped selector (a need outside the
caller's scope is 404), calls one service and serialises; roles and states are the services' to check.
Transitions are POST `/{id}/<action>` and return the need.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from hamyar.catalog import selectors as catalog
from hamyar.core.apikit import PageQuery, PathId, describe, file_download, page_of, paginate, resolve_refs
from hamyar.directory import selectors as directory

from .. import selectors, services
from ..filters import NeedFilter
from ..matching import FACTOR_LABELS, FACTORS
from ..models import Need, NeedAttachment
from .schemas import (
    AssignIn,
    AttachmentOut,
    CompetingIn,
    MatchesOut,
    NeedDetailOut,
    NeedIn,
    NeedOut,
    NeedPatch,
    NeedReasonIn,
    TriageIn,
)

router = Router(tags=["needs"])

NeedQuery = NeedFilter.query_schema()


def _detail(request: HttpRequest, need: Need) -> Need:
    """The need read for the caller, with its lines, files and the assignments the caller may see."""
    need.lines_out = list(selectors.need_lines(need=need))
    need.attachments_out = list(selectors.need_attachments(need=need))
    need.assignments_out = list(selectors.need_assignments(user=request.auth, need=need))
    return need


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
def list_needs(request: HttpRequest, filters: Query[NeedQuery], page: Query[PageQuery]) -> Any:
    """The needs the caller may see, newest first (keyset pages)."""
    rows = selectors.need_list(user=request.auth, filters=filters.model_dump(exclude_none=True))
    return paginate(rows, page)


@router.post("", response={201: NeedDetailOut}, openapi_extra=describe(Need))
def create_need(request: HttpRequest, payload: NeedIn) -> Any:
    data = _resolve(request, payload.model_dump())
    need = services.need_create(acting_user=request.auth, **data)
    return Status(201, _detail(request, selectors.need_get(user=request.auth, pk=need.pk)))


@router.get("/attachments/{id}", response={200: None},
            openapi_extra={**describe(NeedAttachment), **file_download(*settings.HAMYAR_ATTACHMENT_TYPES)},
            summary="Download an attachment")
def download_attachment(request: HttpRequest, id: int = PathId) -> Any:
    attachment = selectors.attachment_get(user=request.auth, pk=id)
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
    return _detail(request, selectors.need_get(user=request.auth, pk=id))


@router.patch("/{id}", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def update_need(request: HttpRequest, payload: NeedPatch, id: int = PathId) -> Any:
    need = selectors.need_get(user=request.auth, pk=id)
    data = _resolve(request, payload.model_dump(exclude_unset=True))
    services.need_update(need=need, acting_user=request.auth, **data)
    return _detail(request, need)


def _step(request: HttpRequest, id: int, service: Callable[..., Need], **arguments: Any) -> Need:
    """One step of the need's lifecycle; the need read before it shows the step's outcome."""
    need = selectors.need_get(user=request.auth, pk=id)
    service(need=need, acting_user=request.auth, **arguments)
    return _detail(request, need)


@router.post("/{id}/submit", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def submit_need(request: HttpRequest, id: int = PathId) -> Any:
    return _step(request, id, services.need_submit)


@router.post("/{id}/triage", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def triage_need(request: HttpRequest, payload: TriageIn, id: int = PathId) -> Any:
    need = selectors.need_get(user=request.auth, pk=id)
    data = resolve_refs(request.auth, payload.model_dump(), domain=directory.domain_get)
    services.need_triage(need=need, acting_user=request.auth, domain=data["domain"])
    return _detail(request, need)


@router.get("/{id}/matches", response={200: MatchesOut}, openapi_extra=describe(Need),
            summary="The providers ranked for the need, with the score per factor")
def need_matches(request: HttpRequest, id: int = PathId) -> Any:
    need, ranking = selectors.need_ranking(user=request.auth, pk=id)
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
    data = resolve_refs(request.auth, payload.model_dump(), provider=directory.provider_get)
    services.need_assign(need=need, acting_user=request.auth, provider=data["provider"],
                         reason=data["reason"])
    return _detail(request, need)


@router.post("/{id}/request-competing", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def request_competing(request: HttpRequest, payload: CompetingIn, id: int = PathId) -> Any:
    return _step(request, id, services.need_request_competing, count=payload.count)


@router.post("/{id}/reject", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def reject_need(request: HttpRequest, payload: NeedReasonIn, id: int = PathId) -> Any:
    return _step(request, id, services.need_reject, reason=payload.reason)


@router.post("/{id}/cancel", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def cancel_need(request: HttpRequest, payload: NeedReasonIn, id: int = PathId) -> Any:
    return _step(request, id, services.need_cancel, reason=payload.reason)


@router.post("/{id}/mark-gap", response={200: NeedDetailOut}, openapi_extra=describe(Need))
def mark_gap(request: HttpRequest, payload: NeedReasonIn, id: int = PathId) -> Any:
    return _step(request, id, services.need_mark_gap, reason=payload.reason)


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
    attachment = services.need_attachment_add(need=need, acting_user=request.auth,
                                              file=request.FILES.get("file"))
    return Status(201, attachment)
