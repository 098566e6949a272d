"""Progress reports with their site photos, and the project's documents."""

import json
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from hamyar.core.apikit import (
    MAX_TEXT,
    DateInput,
    Id,
    InputSchema,
    PathId,
    decimal_input,
    describe,
    file_download,
    jalali_text,
    text,
)
from hamyar.core.errors import InvalidInput, NotFound

from .. import images, selectors, services
from ..choices import DocumentKind
from ..models import ProgressPhoto, ProgressReport, Project, ProjectDocument
from .common import API, PersonOut, person

router = Router(tags=["projects"])


class PhotoOut(Schema):
    id: int
    original_name: str
    caption: str
    width: int
    height: int
    size: int
    url: str
    thumbnail_url: str

    @staticmethod
    def resolve_url(obj: ProgressPhoto) -> str:
        return f"{API}/photos/{obj.pk}"

    @staticmethod
    def resolve_thumbnail_url(obj: ProgressPhoto) -> str:
        return f"{API}/photos/{obj.pk}/thumbnail"


class DocumentOut(Schema):
    id: int
    project: int
    kind: DocumentKind
    kind_label: str
    title: str
    original_name: str
    content_type: str
    size: int = Field(..., description="Bytes")
    uploaded_by: PersonOut | None
    created_at: datetime
    created_on_jalali: str | None
    url: str = Field(..., description="The file, for those who may read the project.")

    @staticmethod
    def resolve_project(obj: ProjectDocument) -> int:
        return obj.project_id

    @staticmethod
    def resolve_kind_label(obj: ProjectDocument) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_uploaded_by(obj: ProjectDocument) -> dict | None:
        return person(obj.uploaded_by)

    @staticmethod
    def resolve_created_on_jalali(obj: ProjectDocument) -> str | None:
        return jalali_text(obj.created_at)

    @staticmethod
    def resolve_url(obj: ProjectDocument) -> str:
        return f"{API}/documents/{obj.pk}"


class EntryOut(Schema):
    milestone: int
    title: str
    percent: float


class ReportOut(Schema):
    id: int
    project: int
    reported_on: date
    reported_on_jalali: str | None
    notes: str
    physical_progress: float
    reported_by: PersonOut | None
    entries: list[EntryOut]
    photos: list[PhotoOut]
    created_at: datetime

    @staticmethod
    def resolve_project(obj: ProgressReport) -> int:
        return obj.project_id

    @staticmethod
    def resolve_reported_on_jalali(obj: ProgressReport) -> str | None:
        return jalali_text(obj.reported_on)

    @staticmethod
    def resolve_physical_progress(obj: ProgressReport) -> float:
        return float(obj.physical_progress)

    @staticmethod
    def resolve_reported_by(obj: ProgressReport) -> dict | None:
        return person(obj.reported_by)

    @staticmethod
    def resolve_entries(obj: ProgressReport) -> list[dict]:
        return [{"milestone": e.milestone_id, "title": e.milestone.title, "percent": float(e.percent)}
                for e in obj.entries.all()]

    @staticmethod
    def resolve_photos(obj: ProgressReport) -> list:
        return list(obj.photos.all())


class EntryIn(InputSchema):
    milestone: Id
    percent: decimal_input(max_digits=5, decimal_places=2, ge=0, le=100)


class ReportIn(InputSchema):
    reported_on: DateInput | None = Field(None, description="Default: today; not in the future.")
    notes: text(MAX_TEXT) = ""
    entries: list[EntryIn] = Field(default_factory=list, max_length=services.MAX_MILESTONES)


# ---------------------------------------------------------------- reports and photos


@router.get("/reports/{id}", response={200: ReportOut}, openapi_extra=describe(ProgressReport))
def get_report(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.report_get(user=request.auth, pk=id)


_PHOTO_DOWNLOAD = {
    **describe(ProgressPhoto),
    **file_download(*(kind for _ext, kind in images.FORMATS.values()), "application/octet-stream"),
}


def _photo_response(photo: ProgressPhoto, field: str) -> FileResponse:
    stored = getattr(photo, field)
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise NotFound() from None
    extension = "." + stored.name.rsplit(".", 1)[-1].lower() if "." in stored.name else ""
    content_type = next((kind for ext, kind in images.FORMATS.values() if ext == extension),
                        "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{stored.name.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/photos/{id}", response={200: None}, openapi_extra=_PHOTO_DOWNLOAD,
            summary="A site photo (only for those who may read its project)")
def download_photo(request: HttpRequest, id: int = PathId) -> Any:
    return _photo_response(selectors.photo_get(user=request.auth, pk=id), "image")


@router.get("/photos/{id}/thumbnail", response={200: None}, openapi_extra=_PHOTO_DOWNLOAD)
def download_thumbnail(request: HttpRequest, id: int = PathId) -> Any:
    return _photo_response(selectors.photo_get(user=request.auth, pk=id), "thumbnail")


# ---------------------------------------------------------------- documents


_DOCUMENT_UPLOAD = {
    **describe(Project),
    "requestBody": {"content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["kind", "file"],
        "properties": {
            "kind": {"type": "string", "enum": list(DocumentKind.values)},
            "title": {"type": "string", "maxLength": 200, "description": "Empty: the file's name."},
            "file": {"type": "string", "format": "binary",
                     "description": "PDF, JPEG, PNG, xlsx or docx; checked by its content."},
        },
    }}}},
}


@router.get("/{id}/documents", response={200: list[DocumentOut]},
            openapi_extra=describe(Project), summary="The project's documents, newest first")
def list_documents(request: HttpRequest, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    return selectors.document_list(project=project)


@router.post("/{id}/documents", response={201: DocumentOut}, openapi_extra=_DOCUMENT_UPLOAD,
             summary="File a document (multipart/form-data: kind, title, file)")
def upload_document(request: HttpRequest, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    if request.content_type != "multipart/form-data":
        message = str(_("Send the document as multipart/form-data with the fields kind, title and file."))
        raise InvalidInput(message, extra={"fields": {"file": [message]}})
    document = services.project_document_add(
        project=project, acting_user=request.auth, kind=str(request.POST.get("kind") or ""),
        title=str(request.POST.get("title") or ""), file=request.FILES.get("file"))
    return Status(201, document)


@router.get("/documents/{id}", response={200: None},
            openapi_extra={**describe(ProjectDocument), **file_download(*settings.HAMYAR_ATTACHMENT_TYPES)},
            summary="Download a document (only for those who may read its project)")
def download_document(request: HttpRequest, id: int = PathId) -> Any:
    document = selectors.document_get(user=request.auth, pk=id)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise NotFound() from None
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete("/documents/{id}", response={204: None}, openapi_extra=describe(ProjectDocument),
               summary="Remove a document (officers, while the project is open)")
def remove_document(request: HttpRequest, id: int = PathId) -> Any:
    document = selectors.document_get(user=request.auth, pk=id)
    services.project_document_remove(document=document, acting_user=request.auth)
    return Status(204, None)


_REPORT_BODY = {
    **describe(Project),
    "requestBody": {"content": {
        "application/json": {"schema": ReportIn.model_json_schema()},
        "multipart/form-data": {"schema": {
            "type": "object",
            "properties": {
                "reported_on": ReportIn.model_json_schema()["properties"]["reported_on"],
                "notes": {"type": "string"},
                "entries": {"type": "string",
                            "description": 'JSON: [{"milestone": id, "percent": 0–100}, …]'},
                "photos": {"type": "array", "items": {"type": "string", "format": "binary"},
                           "description": "JPEG, PNG or WebP; checked by their content; at most 10."},
                "captions": {"type": "array", "items": {"type": "string"}},
            },
        }},
    }},
}


def _report_input(request: HttpRequest) -> tuple[ReportIn, list, list[str]]:
    """The report's fields from a JSON body, or from a multipart form with its photos."""
    multipart = request.content_type == "multipart/form-data"
    if multipart:
        raw: dict[str, Any] = {key: request.POST.get(key) for key in ("reported_on", "notes") if
                               request.POST.get(key)}
        entries = request.POST.get("entries")
        if entries:
            try:
                raw["entries"] = json.loads(entries)
            except ValueError:
                message = str(_("The entries are not valid JSON."))
                raise InvalidInput(message, extra={"fields": {"entries": [message]}}) from None
        photos = request.FILES.getlist("photos")
        captions = [str(c)[:200] for c in request.POST.getlist("captions")]
    else:
        try:
            raw = json.loads(request.body or b"{}") if request.body else {}
        except ValueError:
            raise InvalidInput(_("The request body is not valid JSON."), code="malformed_json") from None
        photos, captions = [], []
    try:
        payload = ReportIn.model_validate(raw)
    except PydanticValidationError as error:
        raise ValidationError([{**e, "loc": ("body", "payload", *e["loc"])}
                               for e in error.errors(include_url=False)]) from None
    return payload, photos, captions


@router.post("/{id}/reports", response={201: ReportOut}, openapi_extra=_REPORT_BODY,
             summary="Report progress (JSON, or multipart/form-data with photos)")
def create_report(request: HttpRequest, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    payload, photos, captions = _report_input(request)
    report = services.progress_report_create(
        project=project, acting_user=request.auth, reported_on=payload.reported_on, notes=payload.notes,
        entries=[{"milestone": e.milestone, "percent": e.percent} for e in payload.entries],
        photos=photos, captions=captions)
    return Status(201, selectors.report_get(user=request.auth, pk=report.pk))
