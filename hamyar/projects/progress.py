"""Physical progress: weighted actual progress, the planned curve, and the schedule variance.

Pure arithmetic on decimals (no database), so the figures can be checked by hand:

- actual physical progress = Σ weight × percent / 100 over the milestones (weights add up to 100);
- planned progress on a day = Σ weight × the share of the milestone's planned window
  (planned_start → due_date) elapsed by that day, clamped to 0..1 (a one-day milestone counts 0
  before its due date and 1 from it);
- schedule variance = actual − planned, in percentage points (negative: behind the plan).

Every figure is rounded half up to two decimals, once, at the end.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def two_places(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


def weighted_progress(rows: Iterable[tuple[Any, Any]]) -> Decimal:
    """Σ weight × percent / 100 for (weight, percent) pairs, clamped to 0..100."""
    total = sum((Decimal(str(w)) * Decimal(str(p)) / HUNDRED for w, p in rows), Decimal(0))
    return two_places(min(max(total, Decimal(0)), HUNDRED))


def elapsed_share(planned_start: dt.date, due_date: dt.date, on: dt.date) -> Decimal:
    """The share (0..1) of the planned window that has passed by the day `on`."""
    if on >= due_date:
        return Decimal(1)
    if on <= planned_start:
        return Decimal(0)
    return Decimal((on - planned_start).days) / Decimal((due_date - planned_start).days)


def planned_progress(milestones: Iterable[Any], on: dt.date) -> Decimal:
    """Σ weight × elapsed share for objects with weight, planned_start and due_date."""
    total = sum(
        (Decimal(str(m.weight)) * elapsed_share(m.planned_start, m.due_date, on) for m in milestones),
        Decimal(0),
    )
    return two_places(min(total, HUNDRED))


def schedule_variance(actual: Any, planned: Any) -> Decimal:
    """Actual − planned progress in percentage points (negative: behind the plan)."""
    return two_places(actual) - two_places(planned)


def planned_curve(project: Any, milestones: Iterable[Any]) -> list[tuple[dt.date, Decimal]]:
    """The planned progress at every day where the curve bends (the project's start and end, each
    milestone's planned start and due date); between two of them it is a straight line."""
    milestones = list(milestones)
    days = {project.start_date, project.end_date}
    for m in milestones:
        days.update((m.planned_start, m.due_date))
    return [(day, planned_progress(milestones, day)) for day in sorted(days)]


@dataclass(frozen=True)
class Point:
    """One day of the curve: planned and actual progress and their difference, in percent."""

    on: dt.date
    planned: Decimal
    actual: Decimal
    variance: Decimal  # actual − planned, in percentage points
    is_report: bool  # False for the extra point of today


@dataclass(frozen=True)
class Curve:
    points: list[Point]
    late: bool

    @property
    def today(self) -> Point | None:
        return self.points[-1] if self.points else None


def _unfinished(milestone: Any) -> bool:
    status = getattr(milestone, "status", None)
    if status is not None:
        return status != "completed"
    return Decimal(str(getattr(milestone, "percent", 0))) < HUNDRED


def schedule(milestones: Iterable[Any], reports: Iterable[Any], *, today: dt.date, current: Any | None = None,
             until: dt.date | None = None, end_date: dt.date | None = None) -> Curve:
    """The planned vs actual curve at each report date (reports have reported_on and physical_progress),
    and today (actual: `current`, else the last report's). `until` stops "today" at the project's
    completion, handover or termination: a finished project is never late. Otherwise it is late past
    its `end_date`, or past a milestone's due date with the milestone unfinished (the portfolio's rule).
    """
    milestones = list(milestones)
    points: list[Point] = []
    last = Decimal(0)
    for report in sorted(reports, key=lambda r: (r.reported_on, getattr(r, "pk", 0) or 0)):
        planned = planned_progress(milestones, report.reported_on)
        actual = two_places(report.physical_progress)
        if points and points[-1].on == report.reported_on:
            points.pop()  # the later report of the same day stands
        points.append(Point(report.reported_on, planned, actual, schedule_variance(actual, planned), True))
        last = actual
    day = min(today, until) if until else today
    actual_now = two_places(current) if current is not None else last
    if not points or points[-1].on < day:
        planned = planned_progress(milestones, day)
        points.append(Point(day, planned, actual_now, schedule_variance(actual_now, planned), False))
    overdue = any(m.due_date < day and _unfinished(m) for m in milestones)
    late = until is None and (overdue or (end_date is not None and end_date < day))
    return Curve(points, late)


def project_schedule(project, *, today: dt.date | None = None) -> Curve:
    """The curve of a project from its milestones and reports (two queries)."""
    from django.utils import timezone

    from .choices import ProjectStatus

    today = today or timezone.localdate()
    milestones = list(project.milestones.all())
    reports = list(project.reports.all())
    until = None
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.HANDED_OVER, ProjectStatus.TERMINATED):
        stamp = project.completed_at or project.updated_at
        until = timezone.localtime(stamp).date() if stamp else today
    return schedule(milestones, reports, today=today, current=project.physical_progress, until=until,
                    end_date=project.end_date)
