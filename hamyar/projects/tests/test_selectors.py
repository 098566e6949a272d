"""Scoped reads of projects: who sees which project, the late and blocked flags, the portfolio totals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamyar.core.audit import audit_record
from hamyar.core.errors import NotFound
from hamyar.projects import selectors
from hamyar.projects.choices import ConstraintKind, ConstraintStatus, MilestoneStatus, ProjectStatus
from hamyar.projects.models import ProgressPhoto, ProgressReport, ProjectConstraint

from .project_data import vakilabad_project

pytestmark = pytest.mark.django_db


def _constraint(project, status, *, milestone=None, title="مجوز"):
    return ProjectConstraint.objects.create(
        organization=project.organization, project=project, milestone=milestone,
        kind=ConstraintKind.LAND_OWNERSHIP, title=title, status=status, owner="حقوقی منطقه ۹",
    )


def test_officers_see_every_project_municipality_its_own_provider_its_work(tenant):
    d9 = vakilabad_project(tenant).project
    d10 = vakilabad_project(tenant, municipality=tenant.district10, provider=tenant.staff_unit).project
    users = tenant.users
    for role in ("admin", "commerce", "finance", "executive"):
        assert set(selectors.project_list(user=users[role])) == {d9, d10}
    assert list(selectors.project_list(user=users["district9"])) == [d9]
    assert list(selectors.project_list(user=users["district10"])) == [d10]
    assert list(selectors.project_list(user=users["project_manager"])) == [d9]  # the affiliate's work
    assert list(selectors.project_list(user=users["supplier"])) == []


def test_district10_cannot_read_district9_project_or_its_photo(tenant, other_tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    report = ProgressReport.objects.create(
        organization=tenant.org, project=data.project, reported_on=timezone.localdate(),
        physical_progress=Decimal("10"), reported_by=tenant.users["project_manager"],
    )
    photo = ProgressPhoto.objects.create(
        organization=tenant.org, report=report, image="projects/photos/x.jpg",
        thumbnail="projects/thumbs/x.jpg", original_name="x.jpg", width=10, height=10, size=100,
    )
    assert selectors.project_get(user=tenant.users["district9"], pk=data.project.pk) == data.project
    assert selectors.photo_get(user=tenant.users["district9"], pk=photo.pk) == photo
    for user in (tenant.users["district10"], tenant.users["supplier"], other_tenant.users["admin"]):
        with pytest.raises(NotFound):
            selectors.project_get(user=user, pk=data.project.pk)
        with pytest.raises(NotFound):
            selectors.photo_get(user=user, pk=photo.pk)
        with pytest.raises(NotFound):
            selectors.milestone_get(user=user, pk=data.design.pk)


def test_late_when_past_end_or_a_milestone_is_overdue(tenant):
    today = timezone.localdate()
    on_time = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, start=today).project
    # Started 40 days ago: the design milestone (due on day 30) is overdue while not completed.
    overdue = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS,
                                start=today - dt.timedelta(days=40))
    # Ended long ago, but handed over: never late.
    done = vakilabad_project(tenant, status=ProjectStatus.HANDED_OVER,
                             start=today - dt.timedelta(days=400)).project
    user = tenant.users["commerce"]
    flags = {p.pk: p.is_late for p in selectors.project_list(user=user)}
    assert flags == {on_time.pk: False, overdue.project.pk: True, done.pk: False}
    assert set(selectors.project_list(user=user, filters={"late": True})) == {overdue.project}
    assert set(selectors.project_list(user=user, filters={"late": False})) == {on_time, done}

    overdue.design.status = MilestoneStatus.COMPLETED
    overdue.design.save()
    assert not selectors.project_get(user=user, pk=overdue.project.pk).is_late


def test_blocked_when_a_constraint_is_blocking(tenant):
    blocked = vakilabad_project(tenant).project
    free = vakilabad_project(tenant).project
    _constraint(blocked, ConstraintStatus.BLOCKING)
    _constraint(free, ConstraintStatus.RESOLVED)
    _constraint(free, ConstraintStatus.OPEN)
    user = tenant.users["executive"]
    assert list(selectors.project_list(user=user, filters={"blocked": True})) == [blocked]
    assert list(selectors.project_list(user=user, filters={"blocked": False})) == [free]
    row = selectors.project_get(user=user, pk=blocked.pk)
    assert row.is_blocked and row.blocking_count == 1


def test_filters_by_municipality_domain_status_and_text(tenant):
    d9 = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS).project
    d10 = vakilabad_project(tenant, municipality=tenant.district10, title="روشنایی بلوار").project
    user = tenant.users["commerce"]
    assert list(selectors.project_list(user=user, filters={"municipality": tenant.district9.pk})) == [d9]
    # Mashhad includes its districts.
    assert set(selectors.project_list(user=user, filters={"municipality": tenant.mashhad.pk})) == {d9, d10}
    assert set(selectors.project_list(user=user, filters={"domain": tenant.green.pk})) == {d9, d10}
    assert list(selectors.project_list(user=user, filters={"domain": tenant.lighting.pk})) == []
    assert list(selectors.project_list(user=user, filters={"status": ProjectStatus.PLANNING})) == [d10]
    assert list(selectors.project_list(user=user, filters={"q": "روشنايي"})) == [d10]  # Arabic ي normalized
    assert list(selectors.project_list(user=user, filters={"q": d9.number})) == [d9]


def test_portfolio_summary_adds_up_the_filtered_list(tenant):
    a = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, contract_amount=10_000_000_000).project
    b = vakilabad_project(tenant, contract_amount=30_000_000_000).project
    a.physical_progress = Decimal("40")
    a.current_amount = 12_000_000_000
    a.save()
    _constraint(b, ConstraintStatus.BLOCKING)
    summary = selectors.portfolio_summary(selectors.project_list(user=tenant.users["executive"]))
    assert summary.count == 2
    assert summary.contract_amount == 40_000_000_000
    assert summary.current_amount == 42_000_000_000
    assert summary.change_amount == 2_000_000_000
    assert summary.average_progress == Decimal("20.00")
    assert summary.blocked == 1 and summary.late == 0
    assert summary.by_status == {ProjectStatus.IN_PROGRESS: 1, ProjectStatus.PLANNING: 1}
    empty = selectors.portfolio_summary(selectors.project_list(user=tenant.users["supplier"]))
    assert empty.count == 0 and empty.contract_amount == 0 and empty.average_progress is None


def test_list_reads_in_a_fixed_number_of_queries(tenant):
    user = tenant.users["commerce"]
    vakilabad_project(tenant)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows = list(selectors.project_list(user=user))
            seen = [(row.municipality.name, row.site and row.site.name, row.provider.name, row.domain.name,
                     row.is_late, row.is_blocked) for row in rows]
            assert len(seen) == len(rows)
        return len(ctx.captured_queries)

    count()  # the membership is read once and kept on the user
    few = count()
    for _ in range(4):
        p = vakilabad_project(tenant).project
        _constraint(p, ConstraintStatus.BLOCKING)
    assert count() == few


def test_constraints_blocking_first_and_history_covers_the_parts(tenant):
    data = vakilabad_project(tenant)
    resolved = _constraint(data.project, ConstraintStatus.RESOLVED, title="الف")
    blocking = _constraint(data.project, ConstraintStatus.BLOCKING, milestone=data.planting, title="ب")
    opened = _constraint(data.project, ConstraintStatus.OPEN, title="ج")
    assert selectors.constraint_list(project=data.project) == [blocking, opened, resolved]

    actor = tenant.users["commerce"]
    audit_record(actor=actor, action="project.created", obj=data.project)
    audit_record(actor=actor, action="constraint.added", obj=blocking)
    other = vakilabad_project(tenant).project
    audit_record(actor=actor, action="project.created", obj=other)
    actions = [e.action for e in selectors.project_history(project=data.project)]
    assert actions == ["project.created", "constraint.added"]
