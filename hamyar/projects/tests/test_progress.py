"""Weighted progress, the planned curve and the schedule variance, against figures computed by hand."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from hamyar.projects import progress
from hamyar.projects.choices import MilestoneStatus, ProjectStatus
from hamyar.projects.models import Milestone, ProgressReport

from .project_data import vakilabad_project

D = Decimal
START = dt.date(2026, 3, 21)  # 1 Farvardin 1405


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def milestones(design="pending", planting="pending", irrigation="pending"):
    """The Vakilabad plan: design 20% over days 0–30, planting 50% over 30–90, irrigation 30% over 60–120."""
    return [
        SimpleNamespace(weight=D("20"), planned_start=day(0), due_date=day(30), status=design),
        SimpleNamespace(weight=D("50"), planned_start=day(30), due_date=day(90), status=planting),
        SimpleNamespace(weight=D("30"), planned_start=day(60), due_date=day(120), status=irrigation),
    ]


def report(n: int, actual: str):
    return SimpleNamespace(reported_on=day(n), physical_progress=D(actual), pk=n)


def test_weighted_progress_is_the_sum_of_weight_times_percent():
    # 20 × 80% + 50 × 12.5% + 30 × 0% = 16 + 6.25 + 0
    assert progress.weighted_progress([(D("20"), D("80")), (D("50"), D("12.5")), (D("30"), D("0"))]) == D(
        "22.25")
    assert progress.weighted_progress([(D("20"), D("100")), (D("50"), D("100")), (D("30"), D("100"))]) == D(
        "100")
    assert progress.weighted_progress([]) == D("0")


def test_weighted_progress_rounds_half_up_to_two_places_once():
    # 33.33 × 33.33% = 11.108889 → 11.11; 0.05 × 50% = 0.025 → 0.03 (half up, not to even)
    assert progress.weighted_progress([(D("33.33"), D("33.33"))]) == D("11.11")
    assert progress.weighted_progress([(D("0.05"), D("50"))]) == D("0.03")
    # Three thirds of 50%: 16.665 + 16.665 + 16.67 = 50.000 (no rounding of each part)
    thirds = [(D("33.33"), D("50")), (D("33.33"), D("50")), (D("33.34"), D("50"))]
    assert progress.weighted_progress(thirds) == D("50")


def test_the_elapsed_share_of_a_milestone_window_is_clamped():
    assert progress.elapsed_share(day(0), day(10), day(-5)) == 0
    assert progress.elapsed_share(day(0), day(10), day(0)) == 0
    assert progress.elapsed_share(day(0), day(10), day(5)) == D("0.5")
    assert progress.elapsed_share(day(0), day(10), day(10)) == 1
    assert progress.elapsed_share(day(0), day(10), day(50)) == 1
    # A one-day milestone is due on its day: nothing planned before it, all of it from it.
    assert progress.elapsed_share(day(7), day(7), day(6)) == 0
    assert progress.elapsed_share(day(7), day(7), day(7)) == 1


def test_planned_progress_by_hand():
    plan = milestones()
    assert progress.planned_progress(plan, day(0)) == D("0")
    # day 10: design 10/30 of 20 = 6.666… → 6.67
    assert progress.planned_progress(plan, day(10)) == D("6.67")
    # day 45: design 20 + planting 15/60 × 50 = 12.5 → 32.50
    assert progress.planned_progress(plan, day(45)) == D("32.50")
    # day 75: 20 + 45/60 × 50 = 37.5 + 15/60 × 30 = 7.5 → 65.00
    assert progress.planned_progress(plan, day(75)) == D("65.00")
    assert progress.planned_progress(plan, day(120)) == D("100")
    assert progress.planned_progress(plan, day(500)) == D("100")


def test_the_planned_curve_bends_only_at_the_milestone_dates():
    plan = milestones()
    project = SimpleNamespace(start_date=day(0), end_date=day(120))
    assert progress.planned_curve(project, plan) == [
        (day(0), D("0")), (day(30), D("20")), (day(60), D("45")), (day(90), D("85")), (day(120), D("100"))]


def test_schedule_variance_at_each_report_and_today():
    plan = milestones(design="completed", planting="in_progress")
    curve = progress.schedule(plan, [report(45, "30"), report(75, "70")], today=day(80), current=D("71"))
    assert [(p.on, p.planned, p.actual, p.variance, p.is_report) for p in curve.points] == [
        (day(45), D("32.50"), D("30.00"), D("-2.50"), True),
        (day(75), D("65.00"), D("70.00"), D("5.00"), True),
        # day 80: 20 + 50/60 × 50 = 41.666… + 20/60 × 30 = 10 → 71.67
        (day(80), D("71.67"), D("71.00"), D("-0.67"), False),
    ]
    assert curve.today.variance == D("-0.67")
    assert curve.late is False


def test_a_later_report_of_the_same_day_stands():
    curve = progress.schedule(milestones(), [report(10, "5"), report(10, "8")], today=day(10))
    assert [(p.actual, p.variance) for p in curve.points] == [(D("8.00"), D("1.33"))]


def test_late_when_a_milestone_passed_its_due_date_unfinished_or_the_end_date_passed():
    assert progress.schedule(milestones(design="in_progress"), [], today=day(31)).late is True
    assert progress.schedule(milestones(design="completed"), [], today=day(31)).late is False
    done = milestones("completed", "completed", "completed")
    assert progress.schedule(done, [], today=day(130), end_date=day(120)).late is True
    # A finished project stops its curve on the day it finished and is never late.
    finished = progress.schedule(milestones(design="in_progress"), [], today=day(200), until=day(100))
    assert finished.late is False and finished.today.on == day(100)


def test_schedule_variance_is_actual_minus_planned():
    assert progress.schedule_variance(D("30"), D("32.5")) == D("-2.50")
    assert progress.schedule_variance("12.345", "10") == D("2.35")


def test_the_schedule_of_a_stored_project(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)  # started 30 days ago
    project = data.project
    Milestone.objects.filter(pk=data.design.pk).update(status=MilestoneStatus.IN_PROGRESS, percent=D("90"))
    ProgressReport.objects.create(organization=tenant.org, project=project, reported_on=project.start_date
                                  + dt.timedelta(days=15), physical_progress=D("8"),
                                  reported_by=tenant.users["project_manager"])
    project.physical_progress = D("18")
    project.save()
    today = project.start_date + dt.timedelta(days=30)
    curve = progress.project_schedule(project, today=today)
    # Day 15: 15/30 × 20 = 10 planned, 8 actual; day 30: 20 planned, 18 actual.
    assert [(p.planned, p.actual, p.variance) for p in curve.points] == [
        (D("10.00"), D("8.00"), D("-2.00")), (D("20.00"), D("18.00"), D("-2.00"))]
    assert curve.late is False
    assert progress.project_schedule(project, today=today + dt.timedelta(days=1)).late is True
