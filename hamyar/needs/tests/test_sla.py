"""Service levels: targets per domain (inherited, defaulted), each need's clocks, overdue and reminders."""

import datetime as dt

import pytest
from django.utils import timezone

from hamyar.accounts.models import Notification
from hamyar.core.errors import InvalidInput, PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.core.testing import nothing_written, one_audit_event
from hamyar.directory.models import ServiceDomain
from hamyar.needs import selectors, services
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need
from hamyar.needs.sla import ServiceLevels, need_clocks
from hamyar.needs.tasks import PERIODIC, need_overdue_reminders_task

from .helpers import assigned, project_need, submitted

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


@pytest.fixture
def levels(tenant):
    services.service_level_set(acting_user=tenant.users["admin"], domain=tenant.green, triage_hours=8,
                               first_quotation_hours=48, delivery_days=20)
    return ServiceLevels(tenant.org.pk)


def _at(need: Need, **stamps) -> Need:
    Need.objects.filter(pk=need.pk).update(**stamps)
    need.refresh_from_db()
    return need


def test_a_sub_domain_inherits_its_parents_targets_and_others_get_the_default(tenant, levels, settings):
    settings.HAMYAR_SERVICE_LEVEL_DEFAULT = {"triage_hours": 12}
    lawns = ServiceDomain.objects.create(organization=tenant.org, code="lawns", name="چمن",
                                         parent=tenant.green)
    levels = ServiceLevels(tenant.org.pk)
    own, inherited, default = (levels.for_domain(d.pk) for d in (tenant.green, lawns, tenant.lighting))
    assert (own.triage_hours, own.inherited) == (8, False)
    assert (inherited.first_quotation_hours, inherited.delivery_days, inherited.inherited) == (48, 20, True)
    assert default.source is None and default.triage_hours == 12 and default.first_quotation_hours == 72


def test_the_clocks_of_a_need_by_hand(tenant, levels):
    need = _at(project_need(tenant), status=NeedStatus.ASSIGNED, submitted_at=T0, triaged_at=T0 + 5 * H)
    triage, quotation, delivery = need_clocks(need, levels=levels, now=T0 + 50 * H)
    assert (triage.state, triage.elapsed, triage.remaining, triage.overdue) == ("met", 5 * H, 3 * H, False)
    assert (quotation.state, quotation.remaining, quotation.overdue) == ("overdue", -2 * H, True)
    assert quotation.due_at == T0 + 48 * H
    assert (delivery.state, delivery.remaining) == ("running", dt.timedelta(days=20) - 50 * H)


def test_a_clock_stopped_late_is_missed_and_a_closed_need_stops_every_clock(tenant, levels):
    need = _at(project_need(tenant), status=NeedStatus.TRIAGED, submitted_at=T0, triaged_at=T0 + 10 * H)
    assert need_clocks(need, levels=levels, now=T0 + 11 * H)[0].state == "missed"
    need = _at(need, status=NeedStatus.REJECTED, closed_at=T0 + 60 * H)
    clocks = need_clocks(need, levels=levels, now=T0 + 1000 * H)
    assert [c.state for c in clocks] == ["missed", "stopped", "stopped"]
    assert not any(c.overdue for c in clocks)


def test_a_draft_has_not_started_its_clocks(tenant, levels):
    assert {c.state for c in need_clocks(project_need(tenant), levels=levels)} == {"not_started"}


def test_the_overdue_list_shows_only_late_open_needs_the_longest_first(tenant, levels):
    now = timezone.now()
    late = _at(submitted(tenant, project_need(tenant)), submitted_at=now - 30 * H)
    later = _at(submitted(tenant, project_need(tenant, title="دیرتر")), submitted_at=now - 40 * H)
    _at(submitted(tenant, project_need(tenant, title="تازه")), submitted_at=now - 1 * H)
    rows = selectors.need_overdue(user=tenant.users["commerce"], now=now)
    assert [(r.need, r.clock.name) for r in rows] == [(later, "triage"), (late, "triage")]
    assert selectors.need_overdue(user=tenant.users["district10"], now=now) == []


def test_reminders_go_once_a_day_to_whoever_the_need_waits_for(tenant, levels):
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(9)))  # 09:00 in Tehran
    waiting = _at(submitted(tenant, project_need(tenant)), submitted_at=now - 9 * H)
    Notification.objects.all().delete()
    with one_audit_event("need.remind"):
        assert services.need_remind_overdue(now=now) == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [tenant.users["commerce"].pk]
    with nothing_written("needs", "accounts"):
        assert services.need_remind_overdue(now=now + 2 * H) == 0
    assert services.need_remind_overdue(now=now + 25 * H) == 1
    waiting.refresh_from_db()
    assert waiting.last_reminded_at == now + 25 * H


def test_a_late_quotation_reminds_the_assigned_provider(tenant):
    from hamyar.catalog.tests.catalog_data import build_catalog

    from .helpers import goods_need

    need = assigned(tenant, goods_need(tenant, build_catalog(tenant)))
    now = timezone.now()
    _at(need, submitted_at=now - 100 * H, triaged_at=now - 99 * H)  # default: 72 hours to a quotation
    assert services.need_remind_overdue(now=now) == 1
    assert Notification.objects.filter(recipient=tenant.users["supplier"],
                                       subject__contains=need.number).exists()
    assert AuditEvent.objects.filter(action="need.remind", actor__isnull=True).count() == 1


def test_the_reminder_task_is_periodic_and_runs(tenant, levels):
    assert need_overdue_reminders_task in PERIODIC
    _at(submitted(tenant, project_need(tenant)), submitted_at=timezone.now() - 9 * H)
    assert need_overdue_reminders_task.enqueue().return_value == 1


def test_only_the_org_admin_sets_service_levels_with_sane_numbers(tenant, other_tenant):
    with nothing_written("needs"), pytest.raises(PermissionDenied):
        services.service_level_set(acting_user=tenant.users["commerce"], domain=tenant.green, triage_hours=8,
                                   first_quotation_hours=48, delivery_days=20)
    with nothing_written("needs"), pytest.raises(InvalidInput) as error:
        services.service_level_set(acting_user=tenant.users["admin"], domain=tenant.green, triage_hours=0,
                                   first_quotation_hours=48, delivery_days=20)
    assert "triage_hours" in error.value.extra["fields"]
    with nothing_written("needs"), pytest.raises(InvalidInput):
        services.service_level_set(acting_user=tenant.users["admin"], domain=tenant.green, triage_hours=50,
                                   first_quotation_hours=48, delivery_days=20)
    from hamyar.core.errors import NotFound

    with nothing_written("needs"), pytest.raises(NotFound):
        services.service_level_set(acting_user=other_tenant.users["admin"], domain=tenant.green,
                                   triage_hours=8, first_quotation_hours=48, delivery_days=20)
    with one_audit_event("service_level.set"):
        level = services.service_level_set(acting_user=tenant.users["admin"], domain=tenant.green,
                                           triage_hours=8, first_quotation_hours=48, delivery_days=20)
    with one_audit_event("service_level.set"):
        services.service_level_set(acting_user=tenant.users["admin"], domain=tenant.green, triage_hours=6,
                                   first_quotation_hours=48, delivery_days=20)
    level.refresh_from_db()
    assert level.triage_hours == 6
    with one_audit_event("service_level.clear"):
        services.service_level_clear(acting_user=tenant.users["admin"], level=level)
