"""The coarser cells (domain × month, municipality × month, municipality × domain over the kept window) and
the rollups' backlog: each holds the hand-worked figures of `dashboard_data`; a write only notes its rows,
which the next read of the figures (or the periodic task) works off; a custom window falls back to the
month cells with the same figures; each reader sees only its own organization's (and a municipality user
only its own municipality's)."""

import pytest

from hamyar.commerce.models import Order
from hamyar.core.changes import announce
from hamyar.core.scoping import scope
from hamyar.insights.models import DomainMonth, MunicipalityTotalMonth, RollupBacklog, WindowCell, WindowOf
from hamyar.insights.selectors import dashboard as figures
from hamyar.insights.selectors.growth import opportunities
from hamyar.insights.services.rollups import catch_up, default_window, window_ready
from hamyar.insights.tasks import rollups_catch_up_task
from hamyar.needs.models import Need

from .dashboard_data import build_dealings
from .rollup_check import differences


@pytest.fixture
def dealings(tenant, other_tenant):
    return build_dealings(tenant, other_tenant)


def _figures(model, org, *keys):
    return {tuple(row[:len(keys)]): row[len(keys):] for row in model.objects.filter(organization=org)
            .values_list(*keys, "orders", "amount", "needs", "gaps") if any(row[len(keys):])}


def test_domain_month_cells_hold_the_hand_worked_figures(tenant, dealings):
    assert _figures(DomainMonth, tenant.org, "domain_id", "month") == {
        (tenant.green.pk, dealings.m1): (2, 1_300_000_000, 2, 0),  # A and C
        (tenant.furniture.pk, dealings.m2): (2, 700_000_000, 2, 0),  # B and D
        (tenant.lighting.pk, dealings.m1): (0, 0, 1, 1),  # District 10's gap
        (tenant.green.pk, dealings.m13): (1, 9_999_000_000, 1, 0),  # E
    }


def test_municipality_month_cells_hold_the_hand_worked_figures(tenant, dealings):
    assert _figures(MunicipalityTotalMonth, tenant.org, "municipality_id", "month") == {
        (tenant.district9.pk, dealings.m1): (1, 1_000_000_000, 1, 0),
        (tenant.district9.pk, dealings.m2): (1, 500_000_000, 1, 0),
        (tenant.district9.pk, dealings.m13): (1, 9_999_000_000, 1, 0),
        (tenant.neyshabur.pk, dealings.m1): (1, 300_000_000, 1, 0),
        (dealings.shandiz.pk, dealings.m2): (1, 200_000_000, 1, 0),
        (tenant.district10.pk, dealings.m1): (0, 0, 1, 1),
    }


def test_the_window_cells_sum_the_last_twelve_months_only(tenant, dealings):
    assert list(WindowOf.objects.filter(organization=tenant.org).values_list("first_month", "last_month")) \
        == [default_window()]
    assert _figures(WindowCell, tenant.org, "municipality_id", "domain_id") == {
        (tenant.district9.pk, tenant.green.pk): (1, 1_000_000_000, 1, 0),  # E (M13) left out
        (tenant.district9.pk, tenant.furniture.pk): (1, 500_000_000, 1, 0),
        (tenant.neyshabur.pk, tenant.green.pk): (1, 300_000_000, 1, 0),
        (dealings.shandiz.pk, tenant.furniture.pk): (1, 200_000_000, 1, 0),
        (tenant.district10.pk, tenant.lighting.pk): (0, 0, 1, 1),
    }


def test_a_custom_window_is_summed_from_the_month_cells(tenant, dealings):
    ceo = tenant.users["executive"]
    first, last = default_window()
    assert window_ready(tenant.org.pk, first, last)
    assert not window_ready(tenant.org.pk, dealings.m2, dealings.m1)
    kept = figures.coverage(user=ceo, measure="amount")
    WindowOf.objects.filter(organization=tenant.org).delete()  # not kept: summed from the month cells
    assert figures.coverage(user=ceo, measure="amount").cells == kept.cells
    custom = figures.coverage(user=ceo, months=(dealings.m2, dealings.m1), measure="amount")
    assert custom.cells == {(tenant.district9.pk, tenant.green.pk): 1_000_000_000,
                            (tenant.district9.pk, tenant.furniture.pk): 500_000_000,
                            (tenant.neyshabur.pk, tenant.green.pk): 300_000_000,
                            (dealings.shandiz.pk, tenant.furniture.pk): 200_000_000}


def test_a_write_notes_its_rows_and_the_next_read_works_them_off(tenant, dealings):
    ceo = tenant.users["executive"]
    need = dealings.needs["C"]  # Neyshabur's green need
    Need.objects.filter(pk=need.pk).update(is_capability_gap=True)
    announce(Need, [need.pk])
    assert list(RollupBacklog.objects.values_list("organization_id", "kind", "row_id")) == [
        (tenant.org.pk, RollupBacklog.NEED, need.pk)]
    green = {r.domain_id: r.gaps for r in figures.volume_by_domain(user=ceo)}[tenant.green.pk]
    assert green == 1  # read after the backlog was worked off
    assert not RollupBacklog.objects.exists()
    assert differences(tenant.org.pk) == {}


def test_the_periodic_task_works_off_every_backlog_and_moves_the_window_on(tenant, other_tenant, dealings):
    WindowOf.objects.filter(organization=tenant.org).update(first_month=100001, last_month=100012)
    announce(Order, [dealings.orders["A"].pk])
    assert RollupBacklog.objects.count() == 1
    assert rollups_catch_up_task.enqueue().return_value == 1
    assert not RollupBacklog.objects.exists()
    assert list(WindowOf.objects.filter(organization=tenant.org).values_list("first_month", "last_month")) \
        == [default_window()]
    assert catch_up() == 0
    assert differences(tenant.org.pk) == {}


def test_each_reader_sees_only_its_own_cells(tenant, other_tenant, dealings):
    clerk = tenant.users["district9"]
    for model in (WindowCell, MunicipalityTotalMonth):
        mine = set(scope(model.objects.all(), clerk).values_list("municipality_id", flat=True))
        assert mine == {tenant.district9.pk}, model
    assert not scope(DomainMonth.objects.all(), clerk).exists()  # the organization's, not a municipality's
    other = other_tenant.users["executive"]
    assert [(r.orders, r.amount) for r in figures.volume_by_domain(user=other)] == [(1, 7_777_000_000)]
    theirs = figures.coverage(user=other).cells
    assert theirs and not {m for m, _d in theirs} & {tenant.district9.pk, tenant.neyshabur.pk}
    assert all(row.municipality_id != tenant.district9.pk for row in opportunities(user=other).rows)
