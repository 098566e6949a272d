"""Matching: scores computed by hand, factor by factor, and who is left out and why."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.directory.models import Capability, ServiceDomain
from hamyar.needs.choices import NeedKind, NeedStatus
from hamyar.needs.matching import WEIGHTS, Facts, month_start, rank_providers, score, total
from hamyar.needs.models import Need, NeedLine

from .helpers import goods_need, project_need, triaged


def test_the_weights_add_up_to_one_hundred():
    assert sum(WEIGHTS.values()) == 100


def test_a_fresh_provider_in_its_own_domain_scores_by_hand():
    breakdown = score(Facts(level=4, depth=0, monthly_capacity=500, month_load=0, rating=None,
                            on_time_rate=None, open_load=0))
    # 40×4/5 = 32; 20×500/500 = 20; unrated: 15×0.5 = 7.5 twice; no load: 10/(1+0) = 10.
    assert {k: v["points"] for k, v in breakdown.items()} == {
        "capability": 32.0, "capacity": 20.0, "rating": 7.5, "on_time": 7.5, "load": 10.0}
    assert total(breakdown) == Decimal("77.00")


def test_a_parent_domain_capability_counts_half_and_every_factor_moves_the_score():
    breakdown = score(Facts(level=3, depth=1, monthly_capacity=40, month_load=30, rating=Decimal("4.5"),
                            on_time_rate=Decimal("0.8"), open_load=3))
    # 40×3/5×0.5 = 12; 20×(40−30)/40 = 5; 15×(4.5−1)/4 = 13.125 → 13.13; 15×0.8 = 12; 10/(1+3) = 2.5.
    assert {k: v["points"] for k, v in breakdown.items()} == {
        "capability": 12.0, "capacity": 5.0, "rating": 13.13, "on_time": 12.0, "load": 2.5}
    assert breakdown["capacity"]["value"] == 10 and breakdown["capacity"]["of"] == 40
    assert total(breakdown) == Decimal("44.63")


def test_capacity_taken_beyond_the_month_gives_nothing_not_less_than_nothing():
    breakdown = score(Facts(level=1, depth=2, monthly_capacity=10, month_load=25, rating=Decimal(1),
                            on_time_rate=Decimal(0), open_load=9))
    # 40×1/5×0.25 = 2; no capacity left: 0; the lowest rating: 0; never on time: 0; 10/10 = 1.
    assert total(breakdown) == Decimal("3.00")


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


def _in_hands(tenant, catalog, *, quantity: int, assigned_at) -> Need:
    """A need of District 10 already in the supplier's hands, for its load."""
    need = Need.objects.create(
        organization=tenant.org, municipality=tenant.district10, number=f"N-LOAD-{quantity}-{assigned_at:%j}",
        kind=NeedKind.GOODS, domain=tenant.furniture, title="نیمکت", status=NeedStatus.ASSIGNED,
        provider=tenant.supplier, created_by=tenant.users["district10"], submitted_at=assigned_at,
        triaged_at=assigned_at, assigned_at=assigned_at,
    )
    NeedLine.objects.create(organization=tenant.org, need=need, item=catalog.bench, quantity=quantity,
                            unit="piece")
    return need


def test_the_ranking_of_a_need_in_a_sub_domain_by_hand(tenant, catalog):
    park = ServiceDomain.objects.create(organization=tenant.org, code="park-furniture", name="مبلمان پارک",
                                        parent=tenant.furniture)
    tenant.supplier.rating, tenant.supplier.on_time_rate = Decimal("4.60"), Decimal("0.900")
    tenant.supplier.save()
    Capability.objects.create(organization=tenant.org, provider=tenant.staff_unit, domain=park, level=2,
                              monthly_capacity=20)
    Capability.objects.create(organization=tenant.org, provider=tenant.other_supplier, domain=park, level=5,
                              monthly_capacity=100)
    now = timezone.now()
    _in_hands(tenant, catalog, quantity=100, assigned_at=now)  # this month, in the supplier's domain
    _in_hands(tenant, catalog, quantity=70, assigned_at=month_start(now) - dt.timedelta(days=1))  # last month
    need = triaged(tenant, goods_need(tenant, catalog, domain=park))

    ranking = rank_providers(need, now=now)

    # The supplier (level 4 in the parent domain): 40×4/5×0.5 = 16; 20×(500−100)/500 = 16;
    # 15×(4.6−1)/4 = 13.5; 15×0.9 = 13.5; two needs in hand: 10/3 = 3.33 → 62.33.
    # The staff unit (level 2 in the need's own domain): 16; 20; 7.5; 7.5; 10 → 61.
    assert [(c.provider, c.rank, c.score) for c in ranking.candidates] == [
        (tenant.supplier, 1, Decimal("62.33")), (tenant.staff_unit, 2, Decimal("61.00"))]
    top = ranking.candidates[0]
    assert top.domain == tenant.furniture and top.agreement == tenant.agreement
    assert top.breakdown["capability"] == {"value": 4, "depth": 1, "points": 16.0}
    assert top.breakdown["capacity"]["value"] == 400
    assert top.breakdown["load"] == {"value": 2, "points": 3.33}
    # The better-rated supplier without an agreement in force is left out, with the reason.
    [left_out] = ranking.excluded
    assert left_out.provider == tenant.other_supplier and "نمایندگی" in left_out.reason


def test_a_supplier_without_an_agreement_may_serve_a_need_that_is_not_goods(tenant):
    Capability.objects.create(organization=tenant.org, provider=tenant.other_supplier, domain=tenant.lighting,
                              level=3, monthly_capacity=10)
    need = triaged(tenant, project_need(tenant, domain=tenant.lighting))
    assert [c.provider for c in rank_providers(need).candidates] == [tenant.other_supplier]


def test_a_full_month_and_an_inactive_provider_are_left_out_with_their_reasons(tenant, catalog):
    Capability.objects.filter(provider=tenant.supplier).update(monthly_capacity=100)
    _in_hands(tenant, catalog, quantity=100, assigned_at=timezone.now())
    Capability.objects.create(organization=tenant.org, provider=tenant.staff_unit, domain=tenant.furniture,
                              level=3, monthly_capacity=10)
    tenant.staff_unit.is_active = False
    tenant.staff_unit.save()
    need = triaged(tenant, goods_need(tenant, catalog))
    ranking = rank_providers(need)
    assert ranking.candidates == []
    reasons = {e.provider: e.reason for e in ranking.excluded}
    assert set(reasons) == {tenant.supplier, tenant.staff_unit}
    assert "۱۰۰" in reasons[tenant.supplier] or "100" in reasons[tenant.supplier]


def test_ties_are_broken_by_level_then_name_then_id(tenant):
    waste = ServiceDomain.objects.create(organization=tenant.org, code="waste", name="پسماند")
    for provider in (tenant.staff_unit, tenant.affiliate):
        Capability.objects.create(organization=tenant.org, provider=provider, domain=waste, level=3,
                                  monthly_capacity=10)
    need = triaged(tenant, project_need(tenant, domain=waste))
    first = [c.provider.pk for c in rank_providers(need).candidates]
    expected = [p.pk for p in sorted([tenant.staff_unit, tenant.affiliate], key=lambda p: (p.name, p.pk))]
    assert first == expected
    assert [c.provider.pk for c in rank_providers(need).candidates] == first


def test_matching_sees_only_the_needs_own_organization(tenant, other_tenant, catalog):
    need = triaged(tenant, goods_need(tenant, catalog))
    providers = {c.provider.organization_id for c in rank_providers(need).candidates}
    assert providers == {tenant.org.pk}
