"""Projects: the portfolio, one project with its parts and schedule, creating and correcting it, and
its lifecycle (POST `/{id}/<action>` returns the project)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from hamyar.core.apikit import (
    MAX_TEXT,
    DateInput,
    Id,
    InputSchema,
    PageQuery,
    PathId,
    Ref,
    describe,
    jalali_text,
    page_of,
    paginate,
    partial,
    resolve_refs,
    text,
)
from hamyar.directory import selectors as directory
from hamyar.needs import selectors as needs

from .. import progress, selectors, services
from ..choices import ChangeOrderStatus, ProjectStatus
from ..filters import ProjectFilter
from ..models import Project
from .change_orders import ChangeOrderOut, PaymentRequestOut
from .common import MAX_AMOUNT, PersonOut, person
from .milestones import ConstraintOut, MilestoneOut
from .reports import DocumentOut, ReportOut

# The portfolio and new projects ("" and "/from-need") sit on the app's root router, before the routes
# with a fixed first segment; one project ("/{id}…") comes after them (see __init__).
router = Router(tags=["projects"])
one = Router(tags=["projects"])


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
        return jalali_text(obj.start_date)

    @staticmethod
    def resolve_end_date_jalali(obj: Project) -> str | None:
        return jalali_text(obj.end_date)

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
        return person(obj.handed_over_by)


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
    return {"date": point.on, "date_jalali": jalali_text(point.on), "planned": float(point.planned),
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
        "planned_curve": [{"date": d, "date_jalali": jalali_text(d), "planned": float(v), "actual": 0.0,
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
        return selectors.change_limit(obj)

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


ProjectQuery = ProjectFilter.query_schema()


class ProjectReasonIn(InputSchema):
    reason: text(2000) = ""


# ---------------------------------------------------------------- projects


@router.get("", response={200: page_of(ProjectOut)}, openapi_extra=describe(Project))
def list_projects(request: HttpRequest, filters: Query[ProjectQuery], page: Query[PageQuery]) -> Any:
    """The projects the caller may see (the portfolio), newest start first (keyset pages)."""
    rows = selectors.project_list(user=request.auth, filters=filters.model_dump(exclude_none=True))
    return paginate(rows, page)


@router.post("", response={201: ProjectDetailOut}, openapi_extra=describe(Project))
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    """An officer writes down a project in planning (the executing provider: the best match when omitted)."""
    data = resolve_refs(request.auth, payload.model_dump(), municipality=directory.municipality_get,
                        domain=directory.domain_get, site=directory.asset_get,
                        provider=directory.provider_get)
    project = services.project_create(acting_user=request.auth, **data)
    return Status(201, _detail(request, project.pk))


@router.post("/from-need", response={201: ProjectDetailOut}, openapi_extra=describe(Project),
             summary="Make the project of an approved project need")
def create_from_need(request: HttpRequest, payload: FromNeedIn) -> Any:
    data = resolve_refs(request.auth, payload.model_dump(), need=needs.need_get)
    project = services.project_from_need(acting_user=request.auth, **data)
    return Status(201, _detail(request, project.pk))


# ---------------------------------------------------------------- one project


@one.get("/{id}", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def get_project(request: HttpRequest, id: int = PathId) -> Any:
    return _detail(request, id)


@one.patch("/{id}", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def update_project(request: HttpRequest, payload: ProjectPatch, id: int = PathId) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    data = resolve_refs(request.auth, payload.model_dump(exclude_unset=True),
                        municipality=directory.municipality_get, domain=directory.domain_get,
                        site=directory.asset_get, provider=directory.provider_get)
    services.project_update(project=project, acting_user=request.auth, **data)
    return _detail(request, id)


def _transition(request: HttpRequest, id: int, service: Callable[..., Project], **arguments: Any) -> Any:
    project = selectors.project_get(user=request.auth, pk=id)
    service(project=project, acting_user=request.auth, **arguments)
    return _detail(request, id)


@one.post("/{id}/contract", response={200: ProjectDetailOut}, openapi_extra=describe(Project),
          summary="Planning → contracted (the milestones' weights add up to 100)")
def contract_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_contract)


@one.post("/{id}/start", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def start_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_start)


@one.post("/{id}/suspend", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def suspend_project(request: HttpRequest, payload: ProjectReasonIn, id: int = PathId) -> Any:
    return _transition(request, id, services.project_suspend, reason=payload.reason)


@one.post("/{id}/resume", response={200: ProjectDetailOut}, openapi_extra=describe(Project))
def resume_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_resume)


@one.post("/{id}/complete", response={200: ProjectDetailOut}, openapi_extra=describe(Project),
          summary="In progress → completed (every milestone completed)")
def complete_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_complete)


@one.post("/{id}/hand-over", response={200: ProjectDetailOut},
          openapi_extra=describe(Project),
          summary="The municipality signs off the handover of the completed project")
def hand_over_project(request: HttpRequest, id: int = PathId) -> Any:
    return _transition(request, id, services.project_hand_over)


@one.post("/{id}/terminate", response={200: ProjectDetailOut},
          openapi_extra=describe(Project))
def terminate_project(request: HttpRequest, payload: ProjectReasonIn, id: int = PathId) -> Any:
    return _transition(request, id, services.project_terminate, reason=payload.reason)
