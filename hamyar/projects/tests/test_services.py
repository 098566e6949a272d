"""Projects services: every transition with its one audit event, and every refusal with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hamyar.accounts.models import Notification
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.core.roles import Role
from hamyar.core.testing import in_thread, nothing_written, one_audit_event, pause_after_save, wait_until
from hamyar.needs import services as need_services
from hamyar.needs.choices import NeedStatus
from hamyar.needs.tests.helpers import assigned, project_need
from hamyar.projects import services
from hamyar.projects.choices import (
    ChangeOrderStatus,
    ConstraintKind,
    ConstraintStatus,
    MilestoneStatus,
    PaymentRequestStatus,
    ProjectStatus,
)
from hamyar.projects.models import Milestone, PaymentRequest, Project

from .project_data import CONTRACT_AMOUNT, vakilabad_project

TODAY = timezone.localdate


def _actions(obj) -> list[str]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
                .order_by("sequence").values_list("action", flat=True))


def _notified(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def _create(tenant, user=None, **extra) -> Project:
    values = {"title": "ساماندهی زمین بایر شمال پارک", "municipality": tenant.district9,
              "site": tenant.vakilabad,
              "domain": tenant.green, "contract_amount": 20_000_000_000, "start_date": TODAY(),
              "end_date": TODAY() + dt.timedelta(days=90), **extra}
    return services.project_create(acting_user=user or tenant.users["commerce"], **values)


# ---------------------------------------------------------------- creating


def test_an_officer_creates_a_project_in_planning_and_the_matched_provider_is_told(tenant):
    with one_audit_event("project.create") as recorded:
        project = _create(tenant)
    assert project.status == ProjectStatus.PLANNING
    assert project.number.startswith("P-")
    # No provider named: the matching's top staff unit or affiliate in green space.
    assert project.provider == tenant.affiliate
    assert project.current_amount == project.contract_amount == 20_000_000_000
    assert recorded.event.after["provider_id"] == tenant.affiliate.pk
    assert any(project.number in s for s in _notified(tenant.users["project_manager"]))


def test_an_officer_may_name_a_staff_unit_to_carry_it_out(tenant):
    project = _create(tenant, provider=tenant.staff_unit)
    assert project.provider == tenant.staff_unit


@pytest.mark.parametrize(("field", "change"), [
    ("site", lambda t: {"site": t.neyshabur_park}),  # an asset of another municipality
    ("provider", lambda t: {"provider": t.supplier}),  # a represented supplier executes nothing
    ("contract_amount", lambda t: {"contract_amount": -1}),
    ("end_date", lambda t: {"end_date": TODAY() - dt.timedelta(days=1)}),
    ("title", lambda t: {"title": "   "}),
])
def test_a_bad_project_is_refused_with_the_field_and_nothing_written(tenant, field, change):
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        _create(tenant, **change(tenant))
    assert field in error.value.extra["fields"]


@pytest.mark.parametrize("who", ["district9", "project_manager", "executive", "finance"])
def test_only_officers_create_projects(tenant, who):
    with nothing_written("projects"), pytest.raises(PermissionDenied):
        _create(tenant, user=tenant.users[who])


def _approved_project_need(tenant):
    need = assigned(tenant, project_need(tenant))
    need_services.need_record_commerce_step(need=need, status=NeedStatus.QUOTED,
                                            acting_user=tenant.users["commerce"])
    need_services.need_record_commerce_step(need=need, status=NeedStatus.APPROVED,
                                            acting_user=tenant.users["district9"])
    need.refresh_from_db()
    return need


def test_an_approved_project_need_becomes_one_project_with_its_provider(tenant):
    need = _approved_project_need(tenant)
    with one_audit_event("project.create"):
        project = services.project_from_need(need=need, acting_user=tenant.users["commerce"])
    assert (project.need, project.municipality, project.site, project.domain, project.provider) == (
        need, tenant.district9, tenant.vakilabad, tenant.green, need.provider)
    assert project.contract_amount == need.budget_estimate
    assert project.end_date == need.desired_date
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.project_from_need(need=need, acting_user=tenant.users["commerce"])
    assert error.value.code == "project_exists"


def test_a_need_not_yet_approved_does_not_become_a_project(tenant):
    need = assigned(tenant, project_need(tenant))
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.project_from_need(need=need, acting_user=tenant.users["commerce"])
    assert error.value.code == "need_state"


def test_a_planning_project_can_be_corrected_and_a_contracted_one_cannot(tenant):
    data = vakilabad_project(tenant)
    with one_audit_event("project.update"):
        services.project_update(project=data.project, acting_user=tenant.users["commerce"],
                                contract_amount=30_000_000_000)
    assert data.project.current_amount == 30_000_000_000
    contracted = vakilabad_project(tenant, status=ProjectStatus.CONTRACTED).project
    with nothing_written("projects"), pytest.raises(ApplicationError):
        services.project_update(project=contracted, acting_user=tenant.users["commerce"], title="دیگر")


def test_shrinking_the_contract_below_its_milestones_is_refused(tenant):
    data = vakilabad_project(tenant)
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        services.project_update(project=data.project, acting_user=tenant.users["commerce"],
                                contract_amount=CONTRACT_AMOUNT - 1)
    assert "contract_amount" in error.value.extra["fields"]


# ---------------------------------------------------------------- milestones


def _milestone(project, tenant, **extra):
    values = {"title": "مرحله", "weight": Decimal("10"), "amount": 1_000_000,
              "planned_start": project.start_date,
              "due_date": project.start_date + dt.timedelta(days=10), **extra}
    return services.milestone_add(project=project, acting_user=tenant.users["commerce"], **values)


def test_milestones_are_added_in_order_and_must_fit_the_project(tenant):
    project = _create(tenant)
    with one_audit_event("milestone.add"):
        first = _milestone(project, tenant, weight=Decimal("40"))
    second = _milestone(project, tenant, weight=Decimal("60"))
    assert (first.sequence, second.sequence) == (1, 2)
    for extra, field in [
        ({"weight": Decimal("0.01")}, "weight"),  # 100 already: more is over 100
        ({"weight": Decimal("0")}, "weight"),
        ({"amount": 20_000_000_000}, "amount"),  # beyond the project's amount with the others
        ({"due_date": project.end_date + dt.timedelta(days=1)}, "due_date"),
        ({"planned_start": project.start_date - dt.timedelta(days=1)}, "planned_start"),
    ]:
        with nothing_written("projects"), pytest.raises(InvalidInput) as error:
            _milestone(project, tenant, **extra)
        assert field in error.value.extra["fields"], extra


def test_a_milestone_is_changed_and_removed_while_planning(tenant):
    data = vakilabad_project(tenant)
    with one_audit_event("milestone.update"):
        services.milestone_update(milestone=data.design, acting_user=tenant.users["commerce"],
                                  weight=Decimal("15"))
    assert data.design.weight == Decimal("15")
    with one_audit_event("milestone.remove"):
        services.milestone_remove(milestone=data.irrigation, acting_user=tenant.users["commerce"])
    assert not Milestone.objects.filter(pk=data.irrigation.pk).exists()


def test_milestones_are_not_replanned_once_the_work_started(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    with nothing_written("projects"), pytest.raises(ApplicationError):
        _milestone(data.project, tenant)
    with nothing_written("projects"), pytest.raises(ApplicationError):
        services.milestone_remove(milestone=data.design, acting_user=tenant.users["commerce"])


# ---------------------------------------------------------------- the lifecycle


def test_a_project_goes_from_contract_to_handover_with_one_event_per_step(tenant):
    data = vakilabad_project(tenant)
    project, commerce, pm = data.project, tenant.users["commerce"], tenant.users["project_manager"]
    with one_audit_event("project.contract"):
        services.project_contract(project=project, acting_user=commerce)
    assert project.status == ProjectStatus.CONTRACTED and project.contracted_at
    with one_audit_event("project.start"):
        services.project_start(project=project, acting_user=commerce)
    with one_audit_event("project.suspend"):
        services.project_suspend(project=project, acting_user=commerce, reason="بارندگی شدید")
    assert project.reason == "بارندگی شدید"
    with one_audit_event("project.resume"):
        services.project_resume(project=project, acting_user=commerce)
    assert project.status == ProjectStatus.IN_PROGRESS and project.reason == ""
    for milestone in data.milestones:
        with one_audit_event("milestone.start"):
            services.milestone_start(milestone=milestone, acting_user=pm)
        with one_audit_event("milestone.complete"):
            services.milestone_complete(milestone=milestone, acting_user=pm)
    project.refresh_from_db()
    assert project.physical_progress == Decimal("100.00")
    with one_audit_event("project.complete"):
        services.project_complete(project=project, acting_user=commerce)
    assert any(project.number in s for s in _notified(tenant.users["district9"]))
    with one_audit_event("project.hand_over"):
        services.project_hand_over(project=project, acting_user=tenant.users["district9"])
    assert project.status == ProjectStatus.HANDED_OVER
    assert project.handed_over_by == tenant.users["district9"] and project.handed_over_at
    assert _actions(project) == ["project.contract", "project.start", "project.suspend", "project.resume",
                                 "project.complete", "project.hand_over"]


def test_the_handover_of_a_project_from_a_need_fulfils_the_need(tenant):
    need = _approved_project_need(tenant)
    project = services.project_from_need(need=need, acting_user=tenant.users["commerce"])
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.COMPLETED)
    services.project_hand_over(project=project, acting_user=tenant.users["district9"])
    need.refresh_from_db()
    assert need.status == NeedStatus.FULFILLED


@pytest.mark.parametrize(("status", "step"), [
    (ProjectStatus.PLANNING, "start"),
    (ProjectStatus.PLANNING, "complete"),
    (ProjectStatus.CONTRACTED, "contract"),
    (ProjectStatus.CONTRACTED, "resume"),
    (ProjectStatus.IN_PROGRESS, "resume"),
    (ProjectStatus.IN_PROGRESS, "start"),
    (ProjectStatus.SUSPENDED, "complete"),
    (ProjectStatus.SUSPENDED, "suspend"),
    (ProjectStatus.COMPLETED, "terminate"),
    (ProjectStatus.HANDED_OVER, "terminate"),
    (ProjectStatus.TERMINATED, "start"),
])
def test_a_move_the_table_does_not_allow_is_refused_with_409_and_nothing_written(tenant, status, step):
    project = vakilabad_project(tenant, status=status).project
    call = getattr(services, f"project_{step}")
    extra = {"reason": "دلیل"} if step in ("suspend", "terminate") else {}
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        call(project=project, acting_user=tenant.users["commerce"], **extra)
    assert error.value.status == 409 and error.value.code == "project_state"


def test_a_contract_needs_the_weights_to_add_up_to_100(tenant):
    data = vakilabad_project(tenant)
    services.milestone_remove(milestone=data.irrigation, acting_user=tenant.users["commerce"])
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.project_contract(project=data.project, acting_user=tenant.users["commerce"])
    assert error.value.code == "weights_incomplete"
    assert "70" in str(error.value.message)


def test_suspending_or_terminating_needs_a_reason(tenant):
    project = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS).project
    for call in (services.project_suspend, services.project_terminate):
        with nothing_written("projects"), pytest.raises(InvalidInput):
            call(project=project, acting_user=tenant.users["commerce"], reason="  ")


def test_terminating_a_running_project_records_the_reason_and_tells_the_municipality(tenant):
    project = vakilabad_project(tenant, status=ProjectStatus.SUSPENDED).project
    with one_audit_event("project.terminate") as recorded:
        services.project_terminate(project=project, acting_user=tenant.users["admin"],
                                   reason="انصراف شهرداری")
    assert project.status == ProjectStatus.TERMINATED
    assert recorded.event.before["status"] == "suspended"
    assert recorded.event.after["reason"] == "انصراف شهرداری"
    assert any(project.number in s for s in _notified(tenant.users["district9"]))


def test_the_project_cannot_complete_with_a_milestone_open(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.project_complete(project=data.project, acting_user=tenant.users["commerce"])
    assert data.design.title in str(error.value.message)


def test_only_the_projects_municipality_signs_off_the_handover(tenant):
    project = vakilabad_project(tenant, status=ProjectStatus.COMPLETED).project
    with nothing_written("projects"), pytest.raises(NotFound):
        services.project_hand_over(project=project, acting_user=tenant.users["district10"])
    with nothing_written("projects"), pytest.raises(PermissionDenied):
        services.project_hand_over(project=project, acting_user=tenant.users["commerce"])


def test_the_wrong_role_is_403_and_another_tenant_is_404(tenant, other_tenant):
    project = vakilabad_project(tenant, status=ProjectStatus.CONTRACTED).project
    with nothing_written("projects"), pytest.raises(PermissionDenied):
        services.project_start(project=project, acting_user=tenant.users["project_manager"])
    with nothing_written("projects"), pytest.raises(PermissionDenied):
        services.project_start(project=project, acting_user=tenant.users["district9"])
    with nothing_written("projects"), pytest.raises(NotFound):
        services.project_start(project=project, acting_user=other_tenant.users["admin"])
    with nothing_written("projects"), pytest.raises(NotFound):
        services.project_start(project=project, acting_user=tenant.users["supplier"])


# ---------------------------------------------------------------- constraints and milestones


def _constraint(tenant, project, **extra):
    values = {"kind": ConstraintKind.LEGAL_PERMIT, "title": "مجوز قطع درخت", "owner": "اداره منابع طبیعی",
              "status": ConstraintStatus.BLOCKING, **extra}
    return services.constraint_add(project=project, acting_user=tenant.users["commerce"], **values)


def test_a_blocking_constraint_of_the_whole_project_stops_every_milestone(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    with one_audit_event("constraint.add"):
        blocker = _constraint(tenant, data.project)
    assert any(blocker.title in s for s in _notified(tenant.users["project_manager"]))
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.milestone_start(milestone=data.design, acting_user=tenant.users["project_manager"])
    assert error.value.status == 409 and error.value.code == "blocked"
    assert blocker.title in str(error.value.message)
    assert error.value.extra["constraint"] == blocker.pk
    with one_audit_event("constraint.update"):
        services.constraint_update(constraint=blocker, acting_user=tenant.users["project_manager"],
                                   status=ConstraintStatus.RESOLVED)
    assert blocker.resolved_at is not None
    services.milestone_start(milestone=data.design, acting_user=tenant.users["project_manager"])


def test_a_blocking_constraint_of_one_milestone_stops_only_that_one_and_its_completion(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    pm = tenant.users["project_manager"]
    services.milestone_start(milestone=data.design, acting_user=pm)
    blocker = _constraint(tenant, data.project, milestone=data.design, kind=ConstraintKind.HERITAGE,
                          title="استعلام میراث فرهنگی")
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.milestone_complete(milestone=data.design, acting_user=pm)
    assert "استعلام میراث فرهنگی" in str(error.value.message)
    assert not PaymentRequest.objects.exists()
    services.milestone_start(milestone=data.planting, acting_user=pm)  # not held up
    services.constraint_update(constraint=blocker, acting_user=pm, status=ConstraintStatus.IN_PROGRESS)
    services.milestone_complete(milestone=data.design, acting_user=pm)


def test_a_constraint_names_a_milestone_of_its_own_project(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    other = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        _constraint(tenant, data.project, milestone=other.design)
    assert "milestone" in error.value.extra["fields"]
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        _constraint(tenant, data.project, kind="weather", owner="")
    assert set(error.value.extra["fields"]) == {"kind", "owner"}


def test_a_completed_milestone_asks_to_be_paid_its_amount_exactly_once(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    pm = tenant.users["project_manager"]
    services.milestone_start(milestone=data.design, acting_user=pm)
    with one_audit_event("milestone.complete") as recorded:
        services.milestone_complete(milestone=data.design, acting_user=pm)
    request = PaymentRequest.objects.get()
    assert (request.milestone, request.project, request.amount, request.status) == (
        data.design, data.project, 5_000_000_000, PaymentRequestStatus.REQUESTED)
    assert recorded.event.after["payment_request"] == {"id": request.pk, "amount": 5_000_000_000}
    assert data.design.percent == Decimal("100") and data.design.status == MilestoneStatus.COMPLETED
    data.project.refresh_from_db()
    assert data.project.physical_progress == Decimal("20.00")
    assert any("invoice" in s or data.project.number in s for s in _notified(tenant.users["finance"]))
    with nothing_written("projects"), pytest.raises(ApplicationError):
        services.milestone_complete(milestone=data.design, acting_user=pm)
    assert PaymentRequest.objects.count() == 1


def test_milestones_move_only_while_the_project_is_in_progress(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.SUSPENDED)
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.milestone_start(milestone=data.design, acting_user=tenant.users["project_manager"])
    assert error.value.code == "project_state"
    with nothing_written("projects"), pytest.raises(ApplicationError):
        services.milestone_complete(milestone=data.design, acting_user=tenant.users["project_manager"])


def test_another_providers_project_manager_does_not_see_the_project(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS, provider=tenant.staff_unit)
    with nothing_written("projects"), pytest.raises(NotFound):
        services.milestone_start(milestone=data.design, acting_user=tenant.users["project_manager"])


# ---------------------------------------------------------------- progress reports


def _started(tenant, status=ProjectStatus.IN_PROGRESS):
    data = vakilabad_project(tenant, status=status)
    for milestone in data.milestones[:2]:
        Milestone.objects.filter(pk=milestone.pk).update(status=MilestoneStatus.IN_PROGRESS)
        milestone.refresh_from_db()
    return data


def test_a_progress_report_sets_the_milestones_and_the_weighted_progress(tenant):
    data = _started(tenant)
    with one_audit_event("progress_report.create") as recorded:
        report = services.progress_report_create(
            project=data.project, acting_user=tenant.users["project_manager"], reported_on=TODAY(),
            notes="کاشت ردیف اول انجام شد",
            entries=[{"milestone": data.design, "percent": Decimal("80")},
                     {"milestone": data.planting.pk, "percent": "12.5"}])
    # 20 × 80% + 50 × 12.5% = 16 + 6.25
    assert report.physical_progress == Decimal("22.25")
    data.project.refresh_from_db()
    assert data.project.physical_progress == Decimal("22.25")
    data.design.refresh_from_db()
    assert data.design.percent == Decimal("80")
    assert recorded.event.after["entries"] == [{"milestone": data.design.pk, "percent": "80.00"},
                                               {"milestone": data.planting.pk, "percent": "12.50"}]
    assert any(data.project.number in s for s in _notified(tenant.users["district9"]))


def test_percents_may_be_given_by_milestone_id(tenant):
    data = _started(tenant)
    report = services.progress_report_create(project=data.project, acting_user=tenant.users["commerce"],
                                             percents={data.planting.pk: Decimal("50")})
    assert report.physical_progress == Decimal("25.00")
    assert report.reported_on == TODAY()


@pytest.mark.parametrize(("extra", "field"), [
    ({"reported_on": 1}, "reported_on"),  # tomorrow (days from today, read when the test runs)
    ({"reported_on": -31}, "reported_on"),  # before the start (30 days ago)
    ({"entries": []}, "entries"),
    ({"entries": [{"milestone": 0, "percent": 10}]}, "entries"),
    ({"entries": [{"milestone": "design", "percent": 101}]}, "entries"),
    ({"entries": [{"milestone": "design", "percent": "-1"}]}, "entries"),
    ({"entries": [{"milestone": "design", "percent": "10.555"}]}, "entries"),
    ({"entries": [{"milestone": "design", "percent": 10}, {"milestone": "design", "percent": 20}]},
     "entries"),
    ({"entries": [{"milestone": "irrigation", "percent": 10}]}, "entries"),  # not started
])
def test_a_bad_report_is_refused_and_nothing_written(tenant, extra, field):
    data = _started(tenant)
    names = {"design": data.design.pk, "irrigation": data.irrigation.pk}
    if "entries" in extra:
        extra = {"entries": [{**e, "milestone": names.get(e["milestone"], e["milestone"])}
                             for e in extra["entries"]]}
    if "reported_on" in extra:
        extra = {"reported_on": TODAY() + dt.timedelta(days=extra["reported_on"])}
    values = {"entries": [{"milestone": data.design.pk, "percent": 10}], **extra}
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        services.progress_report_create(project=data.project, acting_user=tenant.users["project_manager"],
                                        **values)
    assert field in error.value.extra["fields"]


def test_progress_going_down_needs_a_note(tenant):
    data = _started(tenant)
    pm = tenant.users["project_manager"]
    services.progress_report_create(project=data.project, acting_user=pm,
                                    entries=[{"milestone": data.design, "percent": 60}])
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        services.progress_report_create(project=data.project, acting_user=pm,
                                        entries=[{"milestone": data.design, "percent": 50}])
    assert "notes" in error.value.extra["fields"]
    report = services.progress_report_create(project=data.project, acting_user=pm, notes="خشک شدن نهال‌ها",
                                             entries=[{"milestone": data.design, "percent": 50}])
    assert report.physical_progress == Decimal("10.00")


def test_a_report_is_not_dated_before_the_last_one(tenant):
    data = _started(tenant)
    pm = tenant.users["project_manager"]
    services.progress_report_create(project=data.project, acting_user=pm, reported_on=TODAY(),
                                    entries=[{"milestone": data.design, "percent": 60}])
    with nothing_written("projects"), pytest.raises(InvalidInput):
        services.progress_report_create(project=data.project, acting_user=pm,
                                        reported_on=TODAY() - dt.timedelta(days=3),
                                        entries=[{"milestone": data.design, "percent": 70}])


def test_progress_is_reported_only_in_progress_and_by_the_provider_or_an_officer(tenant):
    data = _started(tenant, status=ProjectStatus.SUSPENDED)
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.progress_report_create(project=data.project, acting_user=tenant.users["project_manager"],
                                        entries=[{"milestone": data.design, "percent": 10}])
    assert error.value.status == 409
    running = _started(tenant)
    for who, refusal in [("district9", PermissionDenied), ("executive", PermissionDenied),
                         ("district10", NotFound), ("supplier", NotFound)]:
        with nothing_written("projects"), pytest.raises(refusal):
            services.progress_report_create(project=running.project, acting_user=tenant.users[who],
                                            entries=[{"milestone": running.design, "percent": 10}])


# ---------------------------------------------------------------- change orders and the 25% rule


def _propose(tenant, project, amount, user=None, **extra):
    return services.change_order_propose(project=project, acting_user=user or tenant.users["commerce"],
                                         amount_change=amount, reason="افزایش متراژ چمن‌کاری", **extra)


def _approve(tenant, order, who="commerce", **extra):
    return services.change_order_approve(change_order=order, acting_user=tenant.users[who], **extra)


@pytest.fixture
def running(tenant):
    return vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS).project  # 25 billion Rial


def test_a_change_within_25_percent_is_approved_by_an_officer_and_the_amount_follows(tenant, running):
    new_end = running.end_date + dt.timedelta(days=30)
    with one_audit_event("change_order.propose"):
        order = _propose(tenant, running, 5_000_000_000, user=tenant.users["project_manager"],
                         new_end_date=new_end)
    assert order.number == 1 and order.status == ChangeOrderStatus.PROPOSED
    with one_audit_event("change_order.approve") as recorded:
        _approve(tenant, order)
    running.refresh_from_db()
    assert (running.contract_amount, running.current_amount, running.end_date) == (
        25_000_000_000, 30_000_000_000, new_end)
    assert order.status == ChangeOrderStatus.APPROVED and not order.beyond_limit
    assert recorded.event.after["project_current_amount"] == 30_000_000_000


def test_exactly_25_percent_is_within_the_limit(tenant, running):
    _approve(tenant, _propose(tenant, running, 6_250_000_000))
    running.refresh_from_db()
    assert running.current_amount == 31_250_000_000


def test_over_25_percent_without_an_executive_is_refused_and_nothing_written(tenant, running):
    order = _propose(tenant, running, 6_250_000_001)
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        _approve(tenant, order, decision_note="ضروری است", beyond_limit=True)
    assert error.value.code == "change_limit" and error.value.status == 409
    assert "25" in str(error.value.message)


def test_an_executive_approves_beyond_the_limit_only_saying_so_with_the_reason(tenant, running):
    order = _propose(tenant, running, 10_000_000_000)
    assert any(running.number in s for s in _notified(tenant.users["executive"]))
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        _approve(tenant, order, who="executive")
    assert error.value.code == "change_limit"
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        _approve(tenant, order, who="executive", beyond_limit=True, decision_note=" ")
    assert "decision_note" in error.value.extra["fields"]
    with one_audit_event("change_order.approve") as recorded:
        _approve(tenant, order, who="executive", beyond_limit=True,
                 decision_note="الزام شورای شهر به توسعه فاز دوم")
    assert order.beyond_limit and order.decided_by == tenant.users["executive"]
    assert recorded.event.after["beyond_limit"] is True
    assert recorded.event.after["decision_note"] == "الزام شورای شهر به توسعه فاز دوم"
    running.refresh_from_db()
    assert running.current_amount == 35_000_000_000


def test_the_limit_counts_every_approved_change_together(tenant, running):
    _approve(tenant, _propose(tenant, running, 4_000_000_000))  # 16%
    second = _propose(tenant, running, 3_000_000_000)  # 16% + 12% = 28%
    assert second.number == 2
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        _approve(tenant, second)
    assert error.value.code == "change_limit"
    # A rejected change does not count.
    third = _propose(tenant, running, 2_000_000_000)
    with one_audit_event("change_order.reject"):
        services.change_order_reject(change_order=third, acting_user=tenant.users["commerce"],
                                     decision_note="بودجه ندارد")
    _approve(tenant, _propose(tenant, running, 2_250_000_000))  # 16% + 9% = 25%
    running.refresh_from_db()
    assert running.current_amount == 31_250_000_000


def test_reductions_count_against_the_limit_too_and_offset_increases(tenant, running):
    # Lowering the contract below what its milestones cost is refused first: free 10 billion of them.
    Milestone.objects.filter(project=running).update(amount=1_000_000_000)
    too_low = _propose(tenant, running, -7_000_000_000)  # −28%
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        _approve(tenant, too_low)
    assert error.value.code == "change_limit"
    _approve(tenant, _propose(tenant, running, -5_000_000_000))  # −20%
    _approve(tenant, _propose(tenant, running, 10_000_000_000))  # −20% + 40% = +20%
    running.refresh_from_db()
    assert running.current_amount == 30_000_000_000


def test_a_reduction_below_the_milestones_amounts_is_refused(tenant, running):
    order = _propose(tenant, running, -1)
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        _approve(tenant, order)
    assert error.value.code == "change_amount"


def test_a_change_order_is_decided_once_and_a_rejection_needs_its_reason(tenant, running):
    order = _propose(tenant, running, 1_000_000_000)
    with nothing_written("projects"), pytest.raises(InvalidInput):
        services.change_order_reject(change_order=order, acting_user=tenant.users["commerce"],
                                     decision_note="")
    _approve(tenant, order)
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        _approve(tenant, order)
    assert error.value.code == "change_order_state"


def test_a_change_order_needs_a_reason_and_something_to_change(tenant, running):
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        services.change_order_propose(project=running, acting_user=tenant.users["commerce"], reason="")
    assert "reason" in error.value.extra["fields"]
    with nothing_written("projects"), pytest.raises(InvalidInput) as error:
        services.change_order_propose(project=running, acting_user=tenant.users["commerce"], reason="چرا")
    assert "description" in error.value.extra["fields"]


def test_who_decides_change_orders(tenant, running):
    order = _propose(tenant, running, 1_000_000_000)
    for who, refusal in [("project_manager", PermissionDenied), ("district9", PermissionDenied),
                         ("finance", PermissionDenied), ("district10", NotFound)]:
        with nothing_written("projects"), pytest.raises(refusal):
            _approve(tenant, order, who=who)


def test_no_change_order_on_a_project_in_planning(tenant):
    project = vakilabad_project(tenant).project
    with nothing_written("projects"), pytest.raises(ApplicationError):
        _propose(tenant, project, 1_000_000)


def test_a_new_end_date_before_a_milestones_due_date_is_refused(tenant, running):
    order = _propose(tenant, running, 0, new_end_date=running.end_date - dt.timedelta(days=1))
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        _approve(tenant, order)
    assert error.value.code == "change_date"


# ---------------------------------------------------------------- the Persian catalogue


def test_a_refusal_reads_in_persian(tenant):
    from django.utils import translation

    project = vakilabad_project(tenant, status=ProjectStatus.HANDED_OVER).project
    with translation.override("fa"), pytest.raises(ApplicationError) as error:
        services.project_start(project=project, acting_user=tenant.users["commerce"])
        assert str(error.value.message) == "وضعیت پروژه «تحویل شده» است؛ «شروع» اکنون مجاز نیست."


# ---------------------------------------------------------------- two approvals at the same moment


def _postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def pause_first_approval():
    """Holds the thread named "first" inside its transaction, just after its change order is saved."""
    from hamyar.projects.models import ChangeOrder

    with pause_after_save(ChangeOrder) as events:
        yield events


@pytest.mark.skipif(not _postgresql(), reason="needs PostgreSQL: row locks between two connections")
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_cannot_together_pass_the_25_percent_limit(tenant, pause_first_approval):
    from django.db import connection

    from hamyar.core.audit import audit_verify_chain

    inside, release = pause_first_approval
    project = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS).project
    first_order = _propose(tenant, project, 3_750_000_000)  # 15%
    second_order = _propose(tenant, project, 3_750_000_000)  # 15%: 30% together
    thread_a, a = in_thread("first", lambda: _approve(tenant, first_order))
    assert inside.wait(120), a
    thread_b, b = in_thread("second", lambda: _approve(tenant, second_order, who="admin"))

    def second_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            return cursor.fetchone()[0] >= 1

    wait_until(second_waits_on_a_lock, "the second approval waits for the first one's lock")
    release.set()
    thread_a.join(120)
    thread_b.join(120)
    assert "error" not in a, a
    assert isinstance(b.get("error"), ApplicationError) and b["error"].code == "change_limit", b
    project.refresh_from_db()
    assert project.current_amount == 28_750_000_000
    approvals = AuditEvent.objects.filter(action="change_order.approve").count()
    assert approvals == 1
    assert audit_verify_chain(tenant.org.pk) is None


# ---------------------------------------------------------------- the declared lifecycles


def test_the_buttons_and_the_services_read_the_same_lifecycle(tenant):
    """What `allowed_actions` offers a role is exactly what the services let it do."""
    from hamyar.projects.choices import PROJECT_LIFECYCLE, ProjectAction

    assert PROJECT_LIFECYCLE.allowed_actions(ProjectStatus.IN_PROGRESS, Role.COMMERCE_OFFICER) == [
        ProjectAction.SUSPEND, ProjectAction.COMPLETE, ProjectAction.TERMINATE]
    assert PROJECT_LIFECYCLE.allowed_actions(ProjectStatus.COMPLETED, Role.MUNICIPALITY_USER) == [
        ProjectAction.HAND_OVER]
    assert PROJECT_LIFECYCLE.allowed_actions(ProjectStatus.COMPLETED, Role.COMMERCE_OFFICER) == []


def test_a_milestone_not_started_cannot_be_completed(tenant):
    data = vakilabad_project(tenant, status=ProjectStatus.IN_PROGRESS)
    with nothing_written("projects"), pytest.raises(ApplicationError) as error:
        services.milestone_complete(milestone=data.design, acting_user=tenant.users["project_manager"])
    assert error.value.status == 409 and error.value.code == "milestone_state"
    assert not PaymentRequest.objects.exists()
