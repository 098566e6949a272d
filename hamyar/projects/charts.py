"""The project page's two drawings, as geometry for inline SVG (no chart library, no CDN).

- the timeline: a row per milestone, its planned bar (planned start → due date) and its actual
  bar (started → completed, or → today while running), month ticks in the Jalali calendar and a
  line for today;
- the progress chart: planned and actual physical progress (0–100%) over time.

Coordinates are in the SVG's own units (`WIDTH` wide); on a right-to-left page time runs from
right to left, as a Persian reader reads a schedule.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import jdatetime
from django.utils import timezone

from hamyar.core.jalali import MONTHS_EN, MONTHS_FA
from hamyar.core.text import to_persian_digits

from .choices import MilestoneStatus
from .models import Milestone, Project

WIDTH = 1000
# The timeline: a column of milestone names beside the bars; rows are this tall.
LABEL_WIDTH = 250
LABEL_CHARS = 34
ROW_HEIGHT = 34
AXIS_HEIGHT = 26
# The progress chart's plot area inside its SVG.
CHART_HEIGHT = 260
PAD_X, PAD_TOP, PAD_BOTTOM = 44, 14, 30


def _local(value: dt.datetime | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


class Scale:
    """Days between `start` and `end` onto [x0, x1] of the drawing, mirrored on a right-to-left page."""

    def __init__(self, start: dt.date, end: dt.date, *, x0: float, x1: float, rtl: bool):
        self.start, self.end = start, max(end, start + dt.timedelta(days=1))
        self.x0, self.x1, self.rtl = x0, x1, rtl
        self.days = (self.end - self.start).days

    def x(self, day: dt.date) -> float:
        share = min(max((day - self.start).days / self.days, 0.0), 1.0)
        span = self.x1 - self.x0
        return round(self.x1 - share * span if self.rtl else self.x0 + share * span, 1)

    def bar(self, begin: dt.date, finish: dt.date) -> tuple[float, float]:
        """(x, width) of the bar from `begin` to `finish` (at least a sliver, so a one-day bar shows)."""
        a, b = self.x(begin), self.x(max(finish, begin))
        left, right = min(a, b), max(a, b)
        return left, max(round(right - left, 1), 3.0)

    def month_ticks(self, *, persian: bool) -> list[tuple[float, str]]:
        """(x, «آذر ۱۴۰۵») at the first day of each Jalali month inside the range."""
        ticks = []
        j = jdatetime.date.fromgregorian(date=self.start)
        j = jdatetime.date(j.year, j.month, 1)
        months = MONTHS_FA if persian else MONTHS_EN
        while True:
            day = j.togregorian()
            if day > self.end:
                break
            if day >= self.start:
                label = f"{months[j.month - 1]} {j.year % 100:02d}"
                ticks.append((self.x(day), to_persian_digits(label) if persian else label))
            j = jdatetime.date(j.year + (j.month == 12), j.month % 12 + 1, 1)
        # Too many months crowd the axis: keep every other one (or every third).
        step = 1 if len(ticks) <= 12 else (2 if len(ticks) <= 24 else 3)
        return ticks[::step]


@dataclass
class TimelineRow:
    milestone: Milestone
    y: float
    label: str
    planned_x: float
    planned_width: float
    actual_x: float | None = None
    actual_width: float | None = None
    late: bool = False
    blocked: bool = False


@dataclass
class Timeline:
    rows: list[TimelineRow]
    ticks: list[tuple[float, str]]
    today_x: float | None
    height: float
    width: int = WIDTH
    axis_y: float = 0
    label_x: float = 0
    # The labels are anchored at their start: the right edge on a right-to-left page.
    label_direction: str = "ltr"
    bars_left: float = 0
    bars_right: float = WIDTH
    start: dt.date | None = None
    end: dt.date | None = None


def timeline(project: Project, milestones: list[Milestone], *, rtl: bool, persian: bool,
             today: dt.date | None = None, blocked_ids: frozenset[int] = frozenset()) -> Timeline:
    """Planned and actual bars of each milestone on one time axis covering the project and today."""
    today = today or timezone.localdate()
    days = [project.start_date, project.end_date]
    for m in milestones:
        days += [m.planned_start, m.due_date]
        days += [d for d in (_local(m.started_at), _local(m.completed_at)) if d]
    running = any(m.status != MilestoneStatus.COMPLETED for m in milestones)
    if running:
        days.append(today)
    start, end = min(days), max(days)
    x0, x1 = (4, WIDTH - LABEL_WIDTH - 8) if rtl else (LABEL_WIDTH + 8, WIDTH - 4)
    scale = Scale(start, end + dt.timedelta(days=1), x0=x0, x1=x1, rtl=rtl)
    rows = []
    for index, m in enumerate(milestones):
        y = AXIS_HEIGHT + index * ROW_HEIGHT
        px, pw = scale.bar(m.planned_start, m.due_date + dt.timedelta(days=1))
        title = m.title if len(m.title) <= LABEL_CHARS else m.title[: LABEL_CHARS - 1] + "…"
        label = f"{m.sequence}. {title}"
        row = TimelineRow(m, y, to_persian_digits(label) if persian else label, px, pw,
                          blocked=m.pk in blocked_ids)
        began = _local(m.started_at)
        done = _local(m.completed_at)
        if began is None and m.status == MilestoneStatus.COMPLETED:
            began = done
        if began is not None:
            finish = done or today
            row.actual_x, row.actual_width = scale.bar(began, finish + dt.timedelta(days=1))
        row.late = (done or today) > m.due_date  # finished late, or still open past its due date
        rows.append(row)
    today_x = scale.x(today) if start <= today <= end else None
    return Timeline(rows, scale.month_ticks(persian=persian), today_x,
                    height=AXIS_HEIGHT + len(milestones) * ROW_HEIGHT + 4, axis_y=AXIS_HEIGHT - 8,
                    label_x=WIDTH - 4 if rtl else 4, label_direction="rtl" if rtl else "ltr",
                    bars_left=x0, bars_right=x1, start=start, end=end)


@dataclass
class ProgressChart:
    planned_points: str
    actual_points: str
    dots: list[tuple[float, float, dt.date, Decimal]]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    today_x: float | None
    width: int = WIDTH
    height: int = CHART_HEIGHT
    plot_left: float = PAD_X
    plot_right: float = WIDTH - PAD_X
    plot_top: float = PAD_TOP
    plot_bottom: float = CHART_HEIGHT - PAD_BOTTOM
    empty: bool = False
    y_label_x: float = 0
    y_label_anchor: str = "end"


def _y(percent: Decimal | float) -> float:
    share = min(max(float(percent), 0.0), 100.0) / 100
    return round(CHART_HEIGHT - PAD_BOTTOM - share * (CHART_HEIGHT - PAD_BOTTOM - PAD_TOP), 1)


def progress_chart(*, start: dt.date, end: dt.date, planned: list[tuple[dt.date, Decimal]],
                   actual: list[tuple[dt.date, Decimal]], rtl: bool, persian: bool,
                   today: dt.date | None = None) -> ProgressChart:
    """Polylines of planned and actual progress (percent by date) between `start` and `end`."""
    today = today or timezone.localdate()
    last = max([end, *(d for d, _ in actual)])
    scale = Scale(start, last, x0=PAD_X, x1=WIDTH - PAD_X, rtl=rtl)

    def points(series: list[tuple[dt.date, Decimal]]) -> str:
        return " ".join(f"{scale.x(d)},{_y(p)}" for d, p in sorted(series, key=lambda row: row[0]))

    actual_series = sorted(actual, key=lambda row: row[0])
    if actual_series and actual_series[0][0] > start:
        actual_series = [(start, Decimal(0)), *actual_series]
    dots = [(scale.x(d), _y(p), d, p) for d, p in actual if d >= start]
    return ProgressChart(
        planned_points=points(planned),
        actual_points=points(actual_series) if actual else "",
        dots=dots,
        y_ticks=[(_y(p), p) for p in (0, 25, 50, 75, 100)],
        x_ticks=scale.month_ticks(persian=persian),
        today_x=scale.x(today) if start <= today <= last else None,
        empty=not planned,
        y_label_x=WIDTH - PAD_X + 6 if rtl else PAD_X - 6,
        y_label_anchor="start" if rtl else "end",
    )
