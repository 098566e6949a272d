"""The needs API's schemas: a need out (with its lines, files, assignments and clocks), a need in, the
input of each step, and the ranking of providers."""

from datetime import date, datetime, timedelta
from typing import Any

from ninja import Field, Schema
from pydantic import StrictInt

from hamyar.core.apikit import MAX_TEXT, DateInput, Id, InputSchema, Ref, jalali_text, partial, text

from .. import services
from ..choices import NeedKind, NeedStatus
from ..models import Assignment, Need, NeedAttachment, NeedLine
from ..sla import need_clocks


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
        return jalali_text(obj.desired_date)


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


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)


class NeedDetailOut(NeedOut):
    lines: list[NeedLineOut]
    attachments: list[AttachmentOut]
    assignments: list[AssignmentOut] = Field(..., description="A provider sees only its own.")
    clocks: list[ClockOut]

    @staticmethod
    def resolve_lines(obj: Need) -> list[NeedLine]:
        return obj.lines_out

    @staticmethod
    def resolve_attachments(obj: Need) -> list[NeedAttachment]:
        return obj.attachments_out

    @staticmethod
    def resolve_assignments(obj: Need) -> list[Assignment]:
        return obj.assignments_out

    @staticmethod
    def resolve_clocks(obj: Need) -> list[dict]:
        return [
            {"name": c.name, "label": c.label, "target_hours": _hours(c.target), "started_at": c.started_at,
             "due_at": c.due_at, "stopped_at": c.stopped_at, "elapsed_hours": _hours(c.elapsed),
             "remaining_hours": _hours(c.remaining), "overdue": c.overdue, "state": c.state}
            for c in need_clocks(obj)
        ]


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


class TriageIn(InputSchema):
    domain: Id | None = Field(None, description="The corrected service domain, if it was misfiled.")


class AssignIn(InputSchema):
    provider: Id | None = Field(None, description="A provider of the ranking; omitted: the top match.")
    reason: text(2000) = ""


class CompetingIn(InputSchema):
    count: StrictInt = Field(3, ge=1, le=services.MAX_COMPETING)


class NeedReasonIn(InputSchema):
    reason: text(2000) = ""


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
