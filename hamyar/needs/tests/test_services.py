"""Needs services: writing a need, every transition, and every illegal move refused with nothing written."""

import datetime as dt

import pytest
from django.utils import timezone

from hamyar.accounts.models import Notification
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.directory.models import Capability
from hamyar.needs import services
from hamyar.needs.choices import AssignmentKind, NeedKind, NeedStatus
from hamyar.needs.models import Assignment, Need

from .helpers import assigned, goods_need, project_need, submitted, triaged


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


def _notified(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def _actions(need: Need) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="needs.need", object_id=str(need.pk))
                .order_by("sequence").values_list("action", flat=True))


# ---------------------------------------------------------------- creating


def test_district9_writes_a_goods_need_as_a_draft(tenant, catalog):
    with one_audit_event("need.create") as recorded:
        need = goods_need(tenant, catalog)
    assert need.status == NeedStatus.DRAFT
    assert need.municipality == tenant.district9
    assert need.domain == tenant.furniture  # taken from the bench's domain
    assert need.number.startswith("N-")
    assert [(line.item, line.quantity, line.unit) for line in need.lines.all()] == [(catalog.bench, 40,
                                                                                     "piece")]
    assert recorded.event.after["lines"] == [
        {"item": catalog.bench.pk, "description": catalog.bench.name, "quantity": 40, "unit": "piece"}]


def test_an_officer_writes_a_need_on_a_municipalitys_behalf(tenant, catalog):
    need = goods_need(tenant, catalog, user=tenant.users["commerce"], municipality=tenant.district9)
    assert need.municipality == tenant.district9
    assert need.created_by == tenant.users["commerce"]


def test_a_project_needs_a_site_of_its_own_municipality_a_budget_and_a_date(tenant):
    need = project_need(tenant)
    assert need.kind == NeedKind.PROJECT and need.site == tenant.vakilabad
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        project_need(tenant, site=tenant.neyshabur_park)
    assert "site" in error.value.extra["fields"]
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        project_need(tenant, site=None, budget_estimate=None, desired_date=None)
    assert set(error.value.extra["fields"]) >= {"site", "budget_estimate", "desired_date"}


@pytest.mark.parametrize(("change", "field"), [
    ({"budget_estimate": -1}, "budget_estimate"),
    ({"desired_date": dt.date(2020, 1, 1)}, "desired_date"),
    ({"title": "   "}, "title"),
    ({"lines": []}, "lines"),
    ({"kind": "wish"}, "kind"),
])
def test_bad_input_is_refused_with_the_field_and_nothing_written(tenant, catalog, change, field):
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        goods_need(tenant, catalog, **change)
    assert field in error.value.extra["fields"]


def test_an_item_the_municipality_is_not_offered_cannot_be_asked_for(tenant, catalog):
    # The lamp's supplier has no agreement in force: its items are not offered, even by an officer.
    for user in (tenant.users["district9"], tenant.users["commerce"]):
        with nothing_written("needs"), pytest.raises(InvalidInput) as error:
            goods_need(tenant, catalog, user=user, municipality=tenant.district9,
                       lines=[{"item": catalog.lamp, "quantity": 3}])
        assert "lines" in error.value.extra["fields"]


def test_the_same_item_twice_and_an_absurd_quantity_are_refused(tenant, catalog):
    with nothing_written("needs"), pytest.raises(InvalidInput):
        goods_need(tenant, catalog, lines=[{"item": catalog.bench, "quantity": 4},
                                           {"item": catalog.bench, "quantity": 5}])
    with nothing_written("needs"), pytest.raises(InvalidInput):
        goods_need(tenant, catalog, lines=[{"item": catalog.bench, "quantity": 0}])


def test_a_municipality_writes_only_for_itself_and_other_roles_not_at_all(tenant, catalog):
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        goods_need(tenant, catalog, user=tenant.users["district10"], municipality=tenant.district9,
                   site=None)
    assert "municipality" in error.value.extra["fields"]
    with nothing_written("needs"), pytest.raises(InvalidInput):  # its site is District 9's
        goods_need(tenant, catalog, user=tenant.users["district10"])
    for key in ("supplier", "finance", "executive", "project_manager"):
        with nothing_written("needs"), pytest.raises(PermissionDenied):
            goods_need(tenant, catalog, user=tenant.users[key], municipality=tenant.district9)


def test_an_officer_of_another_tenant_cannot_write_for_this_municipality(tenant, other_tenant, catalog):
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        goods_need(tenant, catalog, user=other_tenant.users["commerce"], municipality=tenant.district9,
                   site=None)
    assert "municipality" in error.value.extra["fields"]


def test_a_draft_can_be_changed_and_a_submitted_need_cannot(tenant, catalog):
    need = goods_need(tenant, catalog)
    with one_audit_event("need.update") as recorded:
        services.need_update(need=need, acting_user=tenant.users["district9"], title="نیمکت و سطل زباله",
                             lines=[{"item": catalog.bench, "quantity": 25},
                                    {"item": catalog.concrete_bench, "quantity": 5}])
    need.refresh_from_db()
    assert need.title == "نیمکت و سطل زباله"
    assert sorted(need.lines.values_list("quantity", flat=True)) == [5, 25]
    assert [line["quantity"] for line in recorded.event.before["lines"]] == [40]
    submitted(tenant, need)
    with nothing_written("needs"), pytest.raises(ApplicationError) as error:
        services.need_update(need=need, acting_user=tenant.users["district9"], title="دیر")
    assert error.value.status == 409


# ---------------------------------------------------------------- transitions


def test_submitting_stamps_the_clock_and_tells_the_officers(tenant, catalog):
    need = goods_need(tenant, catalog)
    with one_audit_event("need.submit") as recorded:
        services.need_submit(need=need, acting_user=tenant.users["district9"])
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED and need.submitted_at is not None
    assert recorded.event.before["status"] == "draft" and recorded.event.after["status"] == "submitted"
    assert any(need.number in s for s in _notified(tenant.users["commerce"]))
    assert _notified(tenant.users["supplier"]) == []


def test_submitting_twice_is_refused_with_409_and_nothing_written(tenant, catalog):
    need = submitted(tenant, goods_need(tenant, catalog))
    with nothing_written("needs", "accounts"), pytest.raises(ApplicationError) as error:
        services.need_submit(need=need, acting_user=tenant.users["district9"])
    assert error.value.status == 409 and error.value.code == "need_state"


def test_another_municipality_cannot_even_see_the_need_to_act_on_it(tenant, other_tenant, catalog):
    need = goods_need(tenant, catalog)
    for user in (tenant.users["district10"], other_tenant.users["district9"], other_tenant.users["commerce"]):
        with nothing_written("needs"), pytest.raises(NotFound):
            services.need_submit(need=need, acting_user=user)


def test_triage_by_an_officer_may_correct_the_domain(tenant, catalog):
    need = submitted(tenant, goods_need(tenant, catalog))
    with nothing_written("needs"), pytest.raises(PermissionDenied):
        services.need_triage(need=need, acting_user=tenant.users["district9"])
    with one_audit_event("need.triage") as recorded:
        services.need_triage(need=need, acting_user=tenant.users["commerce"], domain=tenant.lighting)
    need.refresh_from_db()
    assert need.status == NeedStatus.TRIAGED and need.domain == tenant.lighting and need.triaged_at
    assert recorded.event.before["domain_id"] == tenant.furniture.pk


def test_a_draft_cannot_be_triaged_or_assigned(tenant, catalog):
    need = goods_need(tenant, catalog)
    for service in (services.need_triage, services.need_assign):
        with nothing_written("needs"), pytest.raises(ApplicationError) as error:
            service(need=need, acting_user=tenant.users["commerce"])
        assert error.value.status == 409


def test_assigning_the_top_match_stores_the_ranking_and_tells_the_provider(tenant, catalog):
    need = triaged(tenant, goods_need(tenant, catalog))
    with one_audit_event("need.assign"):
        services.need_assign(need=need, acting_user=tenant.users["commerce"])
    need.refresh_from_db()
    assert need.status == NeedStatus.ASSIGNED and need.provider == tenant.supplier and need.assigned_at
    [assignment] = Assignment.objects.filter(need=need)
    assert (assignment.kind, assignment.rank, assignment.is_active) == (AssignmentKind.PRIMARY, 1, True)
    assert assignment.score > 0
    assert set(assignment.breakdown) == {"capability", "capacity", "rating", "on_time", "load"}
    assert any(need.number in s for s in _notified(tenant.users["supplier"]))


def test_assigning_twice_is_refused_and_keeps_one_assignment(tenant, catalog):
    need = assigned(tenant, goods_need(tenant, catalog))
    with nothing_written("needs", "accounts"), pytest.raises(ApplicationError) as error:
        services.need_assign(need=need, acting_user=tenant.users["commerce"], provider=tenant.supplier)
    assert error.value.status == 409
    assert Assignment.objects.filter(need=need).count() == 1


def test_a_supplier_without_an_agreement_in_force_cannot_be_assigned_goods(tenant, catalog):
    Capability.objects.create(organization=tenant.org, provider=tenant.other_supplier,
                              domain=tenant.furniture,
                              level=5, monthly_capacity=100)
    need = triaged(tenant, goods_need(tenant, catalog))
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        services.need_assign(need=need, acting_user=tenant.users["commerce"], provider=tenant.other_supplier)
    assert "agreement" in str(error.value.message) or "نمایندگی" in str(error.value.message)


def test_a_provider_with_no_capability_in_the_domain_is_refused(tenant, catalog):
    need = triaged(tenant, goods_need(tenant, catalog))
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        services.need_assign(need=need, acting_user=tenant.users["commerce"], provider=tenant.staff_unit)
    assert "provider" in error.value.extra["fields"]


def test_competing_quotations_are_asked_of_the_top_matches_not_yet_asked(tenant, catalog):
    Capability.objects.create(organization=tenant.org, provider=tenant.staff_unit, domain=tenant.furniture,
                              level=2, monthly_capacity=50)
    need = triaged(tenant, goods_need(tenant, catalog))
    with one_audit_event("need.request_competing"):
        services.need_request_competing(need=need, acting_user=tenant.users["commerce"], count=5)
    need.refresh_from_db()
    assert need.status == NeedStatus.ASSIGNED and need.provider is None
    rows = list(Assignment.objects.filter(need=need).order_by("rank").values_list("provider", "kind", "rank"))
    assert rows == [(tenant.supplier.pk, "competing", 1), (tenant.staff_unit.pk, "competing", 2)]
    assert _notified(tenant.users["supplier"])
    with nothing_written("needs"), pytest.raises(ApplicationError) as error:
        services.need_request_competing(need=need, acting_user=tenant.users["commerce"])
    assert error.value.code == "no_match"


def test_rejecting_needs_a_reason_and_tells_the_municipality(tenant, catalog):
    need = submitted(tenant, goods_need(tenant, catalog))
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        services.need_reject(need=need, acting_user=tenant.users["commerce"], reason="  ")
    assert error.value.status == 422
    with nothing_written("needs"), pytest.raises(PermissionDenied):
        services.need_reject(need=need, acting_user=tenant.users["district9"], reason="نه")
    with one_audit_event("need.reject"):
        services.need_reject(need=need, acting_user=tenant.users["commerce"], reason="خارج از حوزه سازمان")
    need.refresh_from_db()
    assert need.status == NeedStatus.REJECTED and need.reason == "خارج از حوزه سازمان" and need.closed_at
    assert any(need.number in s for s in _notified(tenant.users["district9"]))
    assert _notified(tenant.users["district10"]) == []


def test_a_draft_cannot_be_rejected_and_a_closed_need_cannot_move(tenant, catalog):
    need = goods_need(tenant, catalog)
    with nothing_written("needs"), pytest.raises(ApplicationError):
        services.need_reject(need=need, acting_user=tenant.users["commerce"], reason="x")
    services.need_cancel(need=need, acting_user=tenant.users["district9"], reason="اشتباه ثبت شد")
    for service, user in ((services.need_submit, "district9"), (services.need_triage, "commerce")):
        with nothing_written("needs"), pytest.raises(ApplicationError):
            service(need=need, acting_user=tenant.users[user])
    with nothing_written("needs"), pytest.raises(ApplicationError):
        services.need_cancel(need=need, acting_user=tenant.users["district9"], reason="دوباره")


def test_cancel_is_the_municipalitys_own_step_and_tells_the_provider(tenant, catalog):
    need = assigned(tenant, goods_need(tenant, catalog))
    with nothing_written("needs"), pytest.raises(PermissionDenied):
        services.need_cancel(need=need, acting_user=tenant.users["commerce"], reason="x")
    with nothing_written("needs"), pytest.raises(NotFound):
        services.need_cancel(need=need, acting_user=tenant.users["district10"], reason="x")
    with one_audit_event("need.cancel"):
        services.need_cancel(need=need, acting_user=tenant.users["district9"], reason="بودجه تأمین نشد")
    need.refresh_from_db()
    assert need.status == NeedStatus.CANCELLED and need.closed_at
    assert any("لغو" in s or need.number in s for s in _notified(tenant.users["supplier"]))


def test_a_need_no_provider_can_serve_is_a_capability_gap(tenant, catalog):
    need = triaged(tenant, project_need(tenant, domain=tenant.lighting, title="روشنایی پارک"))
    with nothing_written("needs"), pytest.raises(ApplicationError) as error:
        services.need_assign(need=need, acting_user=tenant.users["commerce"])
    assert error.value.code == "no_match"
    with one_audit_event("need.mark_gap"):
        services.need_mark_gap(need=need, acting_user=tenant.users["commerce"])
    need.refresh_from_db()
    assert need.is_capability_gap and need.status == NeedStatus.REJECTED and need.reason
    assert any(need.number in s for s in _notified(tenant.users["district9"]))


def test_a_need_a_provider_can_serve_is_not_a_gap(tenant, catalog):
    need = triaged(tenant, goods_need(tenant, catalog))
    with nothing_written("needs"), pytest.raises(ApplicationError) as error:
        services.need_mark_gap(need=need, acting_user=tenant.users["commerce"])
    assert error.value.code == "has_match"


def test_every_step_of_a_need_writes_exactly_one_event_in_order(tenant, catalog):
    need = assigned(tenant, goods_need(tenant, catalog))
    services.need_record_commerce_step(need=need, status=NeedStatus.QUOTED,
                                       acting_user=tenant.users["supplier"])
    assert _actions(need) == ["need.create", "need.submit", "need.triage", "need.assign", "need.quoted"]


def test_wrong_roles_are_refused_on_every_officer_step(tenant, catalog):
    need = triaged(tenant, goods_need(tenant, catalog))
    steps = [
        lambda u: services.need_assign(need=need, acting_user=u),
        lambda u: services.need_request_competing(need=need, acting_user=u),
        lambda u: services.need_reject(need=need, acting_user=u, reason="x"),
        lambda u: services.need_mark_gap(need=need, acting_user=u),
    ]
    for key in ("district9", "finance", "executive"):
        for step in steps:
            with nothing_written("needs"), pytest.raises(PermissionDenied):
                step(tenant.users[key])
    for key in ("supplier", "project_manager"):  # they cannot see a need not given to them
        for step in steps:
            with nothing_written("needs"), pytest.raises(NotFound):
                step(tenant.users[key])


def test_a_past_desired_date_must_be_changed_before_submitting(tenant, catalog):
    need = goods_need(tenant, catalog)
    Need.objects.filter(pk=need.pk).update(desired_date=timezone.localdate() - dt.timedelta(days=1))
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        services.need_submit(need=need, acting_user=tenant.users["district9"])
    assert "desired_date" in error.value.extra["fields"]
