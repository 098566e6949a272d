"""Milestones and constraints: added to a project, read, changed, started and completed."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from hamyar.core.apikit import (
    MAX_TEXT,
    DateInput,
    Id,
    InputSchema,
    PathId,
    decimal_input,
    describe,
    jalali_text,
    partial,
    text,
)
from hamyar.core.errors import InvalidInput, NotFound

from .. import selectors, services
from ..choices import ConstraintKind, ConstraintStatus, MilestoneStatus
from ..models import Milestone, Project, ProjectConstraint
from .common import MAX_AMOUNT

router = Router(tags=["projects"])


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
        return jalali_text(obj.planned_start)

    @staticmethod
    def resolve_due_date_jalali(obj: Milestone) -> str | None:
        return jalali_text(obj.due_date)

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
        return jalali_text(obj.due_date)


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
