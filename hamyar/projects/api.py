"""The projects API: contracts, milestones, constraints, progress reports and photos, change orders,
payment requests.

Every endpoint reads through a scoped selector first (a project outside the caller's scope is 404
before its input is looked at), calls one service and serialises. Bodies carry defaults where the
service has the last word, so a refusal reads the same by page and by API. Transitions are POST
`/{id}/<action>` and return the project.
"""

import json
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import StrictBool, StrictInt
from pydantic import ValidationError as PydanticValidationError

from hamyar.core.apikit import (
    MAX_ID,
    MAX_TEXT,
    DateInput,
    Id,
    InputSchema,
    PageQuery,
    Ref,
    decimal_input,
    describe,
    file_download,
    page_of,
    paginate,
    partial,
    resolve_refs,
    text,
)
from hamyar.core.errors import InvalidInput, NotFound
from hamyar.core.jalali import format_jalali_date
from hamyar.core.scoping import require_role
from hamyar.directory import selectors as directory
from hamyar.needs import selectors as needs

from . import images, progress, selectors, services
from .choices import (
    ChangeOrderStatus,
    ConstraintKind,
    ConstraintStatus,
    DocumentKind,
    MilestoneStatus,
    PaymentRequestStatus,
    ProjectStatus,
)
from .models import (
    ChangeOrder,
    Milestone,
    PaymentRequest,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectConstraint,
    ProjectDocument,
)

router = Router(tags=["projects"])

PathId = Path(..., ge=1, le=MAX_ID)
QueryId = Field(None, ge=1, le=MAX_ID)
API = "/api/v1/projects"
MAX_AMOUNT = services.MAX_AMOUNT


def _jalali(value: date | datetime | None) -> str | None:
    return format_jalali_date(value, persian_digits=False) if value else None



class PersonOut(Schema):
    id: int
    name: str


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


# ---------------------------------------------------------------- output


class MilestoneOut(Schema):
    id: int
    project: int
    sequence: int
    title: str
    weight: float = Field(..., description="Percent of the project's physical progress.")
    amount: int = Field(..., description="Rial")
    planned_start: date
    planned_start_jalali: str | None
    due_date: date
    due_date_jalali: str | None
    status: MilestoneStatus
    status_label: str
    percent: float
    started_at: datetime | None = None
    completed_at: datetime | None = None
    is_late: bool

    @staticmethod
    def resolve_project(obj: Milestone) -> int:
        return obj.project_id

    @staticmethod
    def resolve_weight(obj: Milestone) -> float:
        return float(obj.weight)

    @staticmethod
    def resolve_percent(obj: Milestone) -> float:
        return float(obj.percent)

    @staticmethod
    def resolve_planned_start_jalali(obj: Milestone) -> str | None:
        return _jalali(obj.planned_start)

    @staticmethod
    def resolve_due_date_jalali(obj: Milestone) -> str | None:
        return _jalali(obj.due_date)

    @staticmethod
    def resolve_status_label(obj: Milestone) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_is_late(obj: Milestone) -> bool:
        return obj.status != MilestoneStatus.COMPLETED and obj.due_date < timezone.localdate()


class ConstraintOut(Schema):
    id: int
    project: int
    milestone: int | None = Field(None, description="None: it holds up the whole project.")
    kind: ConstraintKind
    kind_label: str
    title: str
    status: ConstraintStatus
    status_label: str
    owner: str
    due_date: date | None = None
    due_date_jalali: str | None = None
    notes: str
    resolved_at: datetime | None = None

    @staticmethod
    def resolve_project(obj: ProjectConstraint) -> int:
        return obj.project_id

    @staticmethod
    def resolve_milestone(obj: ProjectConstraint) -> int | None:
        return obj.milestone_id

    @staticmethod
    def resolve_kind_label(obj: ProjectConstraint) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: ProjectConstraint) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_due_date_jalali(obj: ProjectConstraint) -> str | None:
        return _jalali(obj.due_date)


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
        return _person(obj.uploaded_by)

    @staticmethod
    def resolve_created_on_jalali(obj: ProjectDocument) -> str | None:
        return _jalali(obj.created_at)

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
        return _jalali(obj.reported_on)

    @staticmethod
    def resolve_physical_progress(obj: ProgressReport) -> float:
        return float(obj.physical_progress)

    @staticmethod
    def resolve_reported_by(obj: ProgressReport) -> dict | None:
        return _person(obj.reported_by)

    @staticmethod
    def resolve_entries(obj: ProgressReport) -> list[dict]:
        return [{"milestone": e.milestone_id, "title": e.milestone.title, "percent": float(e.percent)}
                for e in obj.entries.all()]

    @staticmethod
    def resolve_photos(obj: ProgressReport) -> list:
        return list(obj.photos.all())


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
        return _jalali(obj.new_end_date)

    @staticmethod
    def resolve_status_label(obj: ChangeOrder) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_requested_by(obj: ChangeOrder) -> dict | None:
        return _person(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj: ChangeOrder) -> dict | None:
        return _person(obj.decided_by)


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


class ProjectOut(Schema):
    id: int
    number: str
    title: str
    status: ProjectStatus
    status_label: str
    municipality: Ref
    site: Ref | None = None
    domain: Ref
    provider: Ref = Field(..., description="The executing staff unit or affiliated company.")
    need: int | None = Field(None, description="The approved project need it came from.")
    contract_amount: int = Field(..., description="Rial, as signed.")
    current_amount: int = Field(..., description="Rial, with the approved change orders.")
    start_date: date
    start_date_jalali: str | None
    end_date: date
    end_date_jalali: str | None
    physical_progress: float = Field(..., description="Weighted by the milestones, in percent.")
    is_late: bool = Field(..., description="Running and past its end date or a milestone's due date.")
    is_blocked: bool = Field(..., description="A constraint of the project is blocking.")
    reason: str
    created_at: datetime
    contracted_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    handed_over_at: datetime | None = None
    handed_over_by: PersonOut | None = None

    @staticmethod
    def resolve_status_label(obj: Project) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_need(obj: Project) -> int | None:
        return obj.need_id

    @staticmethod
    def resolve_start_date_jalali(obj: Project) -> str | None:
        return _jalali(obj.start_date)

    @staticmethod
    def resolve_end_date_jalali(obj: Project) -> str | None:
        return _jalali(obj.end_date)

    @staticmethod
    def resolve_physical_progress(obj: Project) -> float:
        return float(obj.physical_progress)

    @staticmethod
    def resolve_is_late(obj: Project) -> bool:
        return bool(getattr(obj, "is_late", False))

    @staticmethod
    def resolve_is_blocked(obj: Project) -> bool:
        return bool(getattr(obj, "is_blocked", False))

    @staticmethod
    def resolve_handed_over_by(obj: Project) -> dict | None:
        return _person(obj.handed_over_by)


class PointOut(Schema):
    date: date
    date_jalali: str | None
    planned: float
    actual: float
    variance: float = Field(..., description="Actual − planned, in percentage points.")
    is_report: bool


class ScheduleOut(Schema):
    points: list[PointOut] = Field(..., description="At each report date, then today.")
    planned_curve: list[PointOut] = Field(..., description="The plan where it bends (actual is 0 there).")
    planned_today: float
    variance_today: float
    late: bool


def _point(point: progress.Point) -> dict:
    return {"date": point.on, "date_jalali": _jalali(point.on), "planned": float(point.planned),
            "actual": float(point.actual), "variance": float(point.variance), "is_report": point.is_report}


def _today() -> date:
    return timezone.localdate()


def _finished_on(project: Project) -> date | None:
    """The day a finished project stopped: its curve ends there and it is never late."""
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.HANDED_OVER, ProjectStatus.TERMINATED):
        stamp = project.completed_at or project.updated_at
        return timezone.localtime(stamp).date() if stamp else _today()
    return None


def _schedule(project: Project) -> dict:
    curve = progress.schedule(project.milestones_out, project.reports_out, today=_today(),
                              current=project.physical_progress, until=_finished_on(project),
                              end_date=project.end_date)
    planned = progress.planned_curve(project, project.milestones_out)
    today = curve.today
    return {
        "points": [_point(p) for p in curve.points],
        "planned_curve": [{"date": d, "date_jalali": _jalali(d), "planned": float(v), "actual": 0.0,
                           "variance": 0.0, "is_report": False} for d, v in planned],
        "planned_today": float(today.planned) if today else 0.0,
        "variance_today": float(today.variance) if today else 0.0,
        "late": curve.late,
    }


class ProjectDetailOut(ProjectOut):
    description: str
    change_total: int = Field(..., description="Σ approved amount changes, Rial.")
    change_limit: int = Field(..., description="±25% of the contract amount, Rial.")
    milestones: list[MilestoneOut]
    constraints: list[ConstraintOut]
    reports: list[ReportOut] = Field(..., description="Newest first.")
    change_orders: list[ChangeOrderOut]
    payment_requests: list[PaymentRequestOut]
    documents: list[DocumentOut] = Field(..., description="Newest first.")
    schedule: ScheduleOut

    @staticmethod
    def resolve_change_total(obj: Project) -> int:
        return sum(c.amount_change for c in obj.change_orders_out if c.status == ChangeOrderStatus.APPROVED)

    @staticmethod
    def resolve_change_limit(obj: Project) -> int:
        return services.change_limit(obj)

    @staticmethod
    def resolve_milestones(obj: Project) -> list:
        return obj.milestones_out

    @staticmethod
    def resolve_constraints(obj: Project) -> list:
        return obj.constraints_out

    @staticmethod
    def resolve_reports(obj: Project) -> list:
        return obj.reports_out

    @staticmethod
    def resolve_change_orders(obj: Project) -> list:
        return obj.change_orders_out

    @staticmethod
    def resolve_payment_requests(obj: Project) -> list:
        return obj.payment_requests_out

    @staticmethod
    def resolve_documents(obj: Project) -> list:
        return obj.documents_out

    @staticmethod
    def resolve_schedule(obj: Project) -> dict:
        return _schedule(obj)


def _detail(request: HttpRequest, pk: int) -> Project:
    """The project as the caller may see it, with its parts and its schedule."""
    project = selectors.project_get(user=request.auth, pk=pk)
    project.milestones_out = selectors.milestone_list(project=project)
    project.constraints_out = selectors.constraint_list(project=project)
    project.reports_out = selectors.report_list(project=project)
    project.change_orders_out = selectors.change_order_list(project=project)
    project.payment_requests_out = list(selectors.payment_request_list(user=request.auth, project=project))
    project.documents_out = selectors.document_list(project=project)
    return project


# ---------------------------------------------------------------- input


class ProjectIn(InputSchema):
    title: text(200) = ""
    municipality: Id | None = None
    site: Id | None = Field(None, description="An asset of the municipality (park, barren land…).")
    domain: Id | None = None
    provider: Id | None = Field(None, description="A staff unit or affiliated company; omitted: the best "
                                                  "match.")
    contract_amount: StrictInt | None = Field(None, ge=0, le=MAX_AMOUNT, description="Rial")
    start_date: DateInput | None = None
    end_date: DateInput | None = None
    description: text(MAX_TEXT) = ""


ProjectPatch = partial(ProjectIn)


class FromNeedIn(InputSchema):
    need: Id
    contract_amount: StrictInt | None = Field(None, ge=0, le=MAX_AMOUNT,
                                              description="Default: the budget estimate.")
    start_date: DateInput | None = Field(None, description="Default: today.")
    end_date: DateInput | None = Field(None, description="Default: the need's desired date.")


class ProjectQuery(PageQuery):
    municipality: int | None = Field(None, ge=1, le=MAX_ID,
                                     description="A metropolis includes its districts.")
    domain: int | None = Field(None, ge=1, le=MAX_ID)
    provider: int | None = Field(None, ge=1, le=MAX_ID)
    status: ProjectStatus | None = None
    late: bool | None = None
    blocked: bool | None = None
    q: text(200) | None = None


class ProjectReasonIn(InputSchema):
    reason: text(2000) = ""


class MilestoneIn(InputSchema):
    title: text(200) = ""
    weight: decimal_input(max_digits=5, decimal_places=2) | None = Field(
        None, description="Percent, above 0."
    )
    amount: StrictInt | None = Field(None, ge=0, le=MAX_AMOUNT, description="Rial")
    planned_start: DateInput | None = None
    due_date: DateInput | None = None
    sequence: StrictInt | None = Field(None, ge=1, le=32767)


MilestonePatch = partial(MilestoneIn)


class ConstraintIn(InputSchema):
    kind: ConstraintKind | None = None
    title: text(200) = ""
    status: ConstraintStatus = ConstraintStatus.OPEN
    owner: text(150) = ""
    milestone: Id | None = Field(None, description="A milestone of this project; omitted: the whole project.")
    due_date: DateInput | None = None
    notes: text(MAX_TEXT) = ""


ConstraintPatch = partial(ConstraintIn)


class EntryIn(InputSchema):
    milestone: Id
    percent: decimal_input(max_digits=5, decimal_places=2, ge=0, le=100)


class ReportIn(InputSchema):
    reported_on: DateInput | None = Field(None, description="Default: today; not in the future.")
    notes: text(MAX_TEXT) = ""
    entries: list[EntryIn] = Field(default_factory=list, max_length=services.MAX_MILESTONES)


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


# ---------------------------------------------------------------- projects


@router.get("", response={200: page_of(ProjectOut)}, openapi_extra=describe(Project))
def list_projects(request: HttpRequest, filters: Query[ProjectQuery]) -> Any:
    """The projects the caller may see (the portfolio), newest start first (keyset pages)."""
    rows = selectors.project_list(
        user=request.auth, municipality_id=filters.municipality, domain_id=filters.domain,
        provider_id=filters.provider, status=filters.status, late=filters.late, blocked=filters.blocked,
        q=filters.q)
    return paginate(rows, filters)


@router.post("", response={201: ProjectDetailOut}, openapi_extra=describe(Project))
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    """An officer writes down a project in planning (the executing provider: the best match when omitted)."""
    require_role(request.auth, *services.OFFICERS)
    data = resolve_refs(request.auth, payload.model_dump(), municipality=directory.municipality_get,
                        domain=directory.domain_get, site=directory.asset_get,
                        provider=directory.provider_get)
    project = services.project_create(acting_user=request.auth, **data)
    return Status(201, _detail(request, project.pk))


@router.post("/from-need", response={201: ProjectDetailOut}, openapi_extra=describe(Project),
             summary="Make the project of an approved project need")
def create_from_need(request: HttpRequest, payload: FromNeedIn) -> Any:
    require_role(request.auth, *services.OFFICERS)
    data = resolve_refs(request.auth, payload.model_dump(), need=needs.need_get)
    project = services.project_from_need(acting_user=request.auth, **data)
    return Status(201, _detail(request, project.pk))


# Routes with a fixed first segment come before "/{id}".


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


# ---------------------------------------------------------------- milestones


@router.get("/milestones/{id}", response={200: MilestoneOut}, openapi_extra=describe(Milestone))
def get_milestone(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.milestone_get(user=request.auth, pk=id)


@router.patch("/milestones/{id}", response={200: MilestoneOut},
              openapi_extra=describe(Milestone))
def update_milestone(request: HttpRequest, payload: MilestonePatch, id: int = PathId) -> Any:
    milestone = selectors.milestone_get(user=request.auth, pk=id)
    return services.milestone_update(milestone=milestone, acting_user=request.auth,
                                     **payload.model_dump(exclude_unset=True))


@router.delete("/milestones/{id}", response={204: None}, openapi_extra=describe(Milestone))
def remove_milestone(request: HttpRequest, id: int = PathId) -> Any:
    milestone = selectors.milestone_get(user=request.auth, pk=id)
    services.milestone_remove(milestone=milestone, acting_user=request.auth)
    return Status(204, None)


@router.post("/milestones/{id}/start", response={200: MilestoneOut},
             openapi_extra=describe(Milestone),
             summary="Start a milestone (refused while a constraint blocks it)")
def start_milestone(request: HttpRequest, id: int = PathId) -> Any:
    milestone = selectors.milestone_get(user=request.auth, pk=id)
    return services.milestone_start(milestone=milestone, acting_user=request.auth)


@router.post("/milestones/{id}/complete", response={200: MilestoneOut},
             openapi_extra=describe(Milestone),
             summary="Complete a milestone: it asks to be paid its amount (once)")
def complete_milestone(request: HttpRequest, id: int = PathId) -> Any:
    milestone = selectors.milestone_get(user=request.auth, pk=id)
    return services.milestone_complete(milestone=milestone, acting_user=request.auth)


# ---------------------------------------------------------------- constraints


def _resolve_milestone(request: HttpRequest, project_id: int, data: dict) -> dict:
    if data.get("milestone") is not None:
        try:
            data["milestone"] = selectors.milestone_get(user=request.auth, pk=data["milestone"])
        except NotFound:
            message = str(_("Choose a milestone of this project, or none for the whole project."))
            raise InvalidInput(message, extra={"fields": {"milestone": [message]}}) from None
    return data


@router.get("/constraints/{id}", response={200: ConstraintOut},
            openapi_extra=describe(ProjectConstraint))
def get_constraint(request: HttpRequest, id: int = PathId) -> Any:
    return selectors.constraint_get(user=request.auth, pk=id)


@router.patch("/constraints/{id}", response={200: ConstraintOut},
              openapi_extra=describe(ProjectConstraint))
def update_constraint(request: HttpRequest, payload: ConstraintPatch, id: int = PathId) -> Any:
    constraint = selectors.constraint_get(user=request.auth, pk=id)
    data = _resolve_milestone(request, constraint.project_id, payload.model_dump(exclude_unset=True))
    return services.constraint_update(constraint=constraint, acting_user=request.auth, **data)


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
    require_role(request.auth, *services.WORKERS)
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


# ---------------------------------------------------------------- one project


@router.get("/{id}", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def get_project(request: HttpRequest, id: int = PathId) -> Any:
    return _detail(request, id)


@router.patch("/{id}", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def update_project(request: HttpRequest, payload: ProjectPatch, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    require_role(request.auth, *services.OFFICERS)
    data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True),
                        municipality=directory.municipality_get, domain=directory.domain_get,
                        site=directory.asset_get, provider=directory.provider_get)
    services.project_update(project=project, acting_user=request.auth, **data)
    return _detail(request, id)


def _transition(request: HttpRequest, id: int, service, **arguments) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    service(project=project, acting_user=request.auth, **arguments)
    return _detail(request, id)


@router.post("/{id}/contract", response={200: ProjectDetailOut}, openapi_extra=describe(Project),
             summary="Planning → contracted (the milestones' weights add up to 100)")
def contract_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_contract)


@router.post("/{id}/start", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def start_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_start)


@router.post("/{id}/suspend", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def suspend_project(request: HttpRequest, payload: ProjectReasonIn, id: int = PathId) -> Any:
    return _transition(request, id, services.project_suspend, reason=payload.reason)


@router.post("/{id}/resume", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def resume_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_resume)


@router.post("/{id}/complete", response={200: ProjectDetailOut}, openapi_extra=describe(Project),
             summary="In progress → completed (every milestone completed)")
def complete_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_complete)


@router.post("/{id}/hand-over", response={200: ProjectDetailOut},
             openapi_extra=describe(Project),
             summary="The municipality signs off the handover of the completed project")
def hand_over_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_hand_over)


@router.post("/{id}/terminate", response={200: ProjectDetailOut},
             openapi_extra=describe(Project))
def terminate_project(request: HttpRequest, payload: ProjectReasonIn, id: int = PathId) -> Any:
    return _transition(request, id, services.project_terminate, reason=payload.reason)


@router.post("/{id}/milestones", response={201: MilestoneOut}, openapi_extra=describe(Project))
def add_milestone(request: HttpRequest, payload: MilestoneIn, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    milestone = services.milestone_add(project=project, acting_user=request.auth, **payload.model_dump())
    return Status(201, milestone)


@router.post("/{id}/constraints", response={201: ConstraintOut}, openapi_extra=describe(Project))
def add_constraint(request: HttpRequest, payload: ConstraintIn, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    data = _resolve_milestone(request, project.pk, payload.model_dump())
    constraint = services.constraint_add(project=project, acting_user=request.auth, **data)
    return Status(201, constraint)


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
    require_role(request.auth, *services.WORKERS)
    payload, photos, captions = _report_input(request)
    report = services.progress_report_create(
        project=project, acting_user=request.auth, reported_on=payload.reported_on, notes=payload.notes,
        entries=[{"milestone": e.milestone, "percent": e.percent} for e in payload.entries],
        photos=photos, captions=captions)
    return Status(201, selectors.report_get(user=request.auth, pk=report.pk))


@router.post("/{id}/change-orders", response={201: ChangeOrderOut},
             openapi_extra=describe(Project))
def propose_change_order(request: HttpRequest, payload: ChangeOrderIn, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    order = services.change_order_propose(project=project, acting_user=request.auth, **payload.model_dump())
    return Status(201, order)
