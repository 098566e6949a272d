"""Savings from group purchases: the pooled price against what each municipality would have paid alone,
summed per municipality and for the organization over allocated pools, in the reader's scope, and shown
on the executive's, the commerce officer's and the municipality's home."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hamyar.commerce.models import Participant
from hamyar.commerce.services import (
    group_purchase_close,
    group_purchase_create,
    group_purchase_invite,
    participant_join,
)
from hamyar.commerce.tests.group_data import bench_pool
from hamyar.insights.selectors import group_savings, group_savings_by_municipality

# The benches' tiers in group_data: 1 → 195,000,000; 10 → 187,200,000; 50 → 179,400,000 Rial.
ALONE_BELOW_10 = 195_000_000
POOLED_FROM_10 = 187_200_000
QUANTITIES = (3, 4, 5)  # the three small towns; District 9 joins with 8: 20 pooled, the tier of 10
DISTRICT9 = 8


def settled_pool(tenant):
    """The bench pool of `tenant` joined by its towns and District 9 and closed by the officer."""
    pool = bench_pool(tenant, minimum=10)
    bench = pool.catalog.bench.pk
    for town, quantity in zip(pool.towns, QUANTITIES, strict=True):
        participant_join(participant=pool.place(town), acting_user=pool.users[town.name],
                         lines={bench: quantity})
    participant_join(participant=pool.place(tenant.district9), acting_user=tenant.users["district9"],
                     lines={bench: DISTRICT9})
    group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    return pool


def open_pool_joined(tenant, pool):
    """A second pool, still open, that District 9 joined: not settled, so it saves nothing yet."""
    today = timezone.localdate()
    second = group_purchase_create(
        acting_user=tenant.users["commerce"], title="نیمکت — نوبت دوم", item_ids=[pool.catalog.bench.pk],
        opens_on=today, closes_on=today + dt.timedelta(days=5), minimum_quantity=10, target_quantity=50)
    group_purchase_invite(group_purchase=second, acting_user=tenant.users["commerce"],
                          invitations={tenant.district9.pk: ("آزمایشی", None)})
    place = Participant.objects.get(group_purchase=second, municipality=tenant.district9)
    participant_join(participant=place, acting_user=tenant.users["district9"],
                     lines={pool.catalog.bench.pk: 30})
    return second


@pytest.fixture
def pools(tenant, other_tenant):
    pool = settled_pool(tenant)
    open_pool_joined(tenant, pool)
    return pool


def expected_saving(quantity: int) -> int:
    return quantity * ALONE_BELOW_10 - quantity * POOLED_FROM_10


def test_the_organization_total_is_the_sum_of_its_shares(tenant, pools):
    quantities = [*QUANTITIES, DISTRICT9]
    for role in ("executive", "commerce", "admin"):
        savings = group_savings(user=tenant.users[role])
        assert savings.alone == sum(q * ALONE_BELOW_10 for q in quantities)
        assert savings.paid == sum(q * POOLED_FROM_10 for q in quantities)
        assert savings.saving == sum(expected_saving(q) for q in quantities) == 156_000_000
        assert (savings.pools, savings.municipalities) == (1, 4)
    # the same figures as the supplier order of the pool
    pool = pools.group_purchase
    pool.refresh_from_db()
    assert group_savings(user=tenant.users["executive"]).saving == pool.saving


def test_per_municipality_the_largest_saving_first(tenant, pools):
    rows = group_savings_by_municipality(user=tenant.users["executive"])
    expected = {town.pk: expected_saving(q) for town, q in zip(pools.towns, QUANTITIES, strict=True)}
    expected[tenant.district9.pk] = expected_saving(DISTRICT9)
    assert {row.municipality_id: row.saving for row in rows} == expected
    assert [row.saving for row in rows] == sorted(expected.values(), reverse=True)
    assert all(row.pools == 1 for row in rows)
    assert len(group_savings_by_municipality(user=tenant.users["executive"], limit=2)) == 2


def test_a_municipality_sees_only_its_own(tenant, pools):
    town, quantity = pools.towns[0], QUANTITIES[0]
    own = group_savings(user=pools.users[town.name])
    assert (own.saving, own.pools, own.municipalities) == (expected_saving(quantity), 1, 1)
    assert own.alone == quantity * ALONE_BELOW_10 and own.paid == quantity * POOLED_FROM_10
    rows = group_savings_by_municipality(user=pools.users[town.name])
    assert [(row.municipality_id, row.saving) for row in rows] == [(town.pk, expected_saving(quantity))]
    district9 = group_savings(user=tenant.users["district9"])
    assert district9.saving == expected_saving(DISTRICT9)  # its open pool adds nothing yet
    # District 10 was not invited: nothing
    assert group_savings(user=tenant.users["district10"]).pools == 0


def test_the_other_tenant_sees_nothing(tenant, other_tenant, pools):
    for role in ("executive", "commerce", "district9"):
        savings = group_savings(user=other_tenant.users[role])
        assert (savings.saving, savings.pools, savings.municipalities) == (0, 0, 0)
        assert group_savings_by_municipality(user=other_tenant.users[role]) == []
    # and its own pool does not show to the first tenant
    settled_pool(other_tenant)
    assert group_savings(user=other_tenant.users["executive"]).saving == 156_000_000
    assert group_savings(user=tenant.users["executive"]).pools == 1
    assert group_savings(user=tenant.users["executive"]).saving == 156_000_000


def home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_homes_show_the_savings(tenant, pools):
    for role in ("executive", "commerce"):
        html = home(tenant.users[role])
        assert 'id="group-savings"' in html and 'data-saving="156000000"' in html
        assert pools.towns[2].name in html  # among the municipalities that saved most
    town = pools.towns[0]
    html = home(pools.users[town.name])
    assert f'data-saving="{expected_saving(QUANTITIES[0])}"' in html
    assert "156000000" not in html and pools.towns[1].name not in html
    html = home(tenant.users["district10"])
    assert 'id="group-savings"' in html and "data-saving" not in html
