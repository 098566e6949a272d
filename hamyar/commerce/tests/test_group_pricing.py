"""Property-based: a pool's arithmetic (group_pricing) with generated tiers, shares and VAT, then the same
end to end through the services and the database.

- the shares add up to the supplier order to the Rial (subtotal, VAT and total);
- each share's subtotal is exactly its own quantities × the pooled prices (no one pays for another);
- each share's VAT is within one Rial of its exact part; the supplier's VAT is rounded once;
- the tier price never rises with the quantity.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from itertools import count

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_user
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.choices import GroupPurchaseStatus
from hamyar.commerce.models import Order, OrderLine, ParticipantLine
from hamyar.commerce.services import (
    group_purchase_close,
    group_purchase_create,
    group_purchase_invite,
    participant_join,
)
from hamyar.commerce.services.group_pricing import allocate, split_vat, tier_price, tier_reached
from hamyar.core.money import vat_amount
from hamyar.core.roles import Role
from hamyar.directory.choices import MunicipalityKind
from hamyar.directory.models import Municipality


@st.composite
def tier_lists(draw) -> list[tuple[int, int]]:
    """Tiers of one item: distinct "from" quantities from 1, prices falling as the quantity rises."""
    froms = sorted(draw(st.sets(st.integers(2, 5000), max_size=5)) | {1})
    prices = sorted(draw(st.lists(st.integers(1, 10**10), min_size=len(froms), max_size=len(froms))),
                    reverse=True)
    return list(zip(froms, prices, strict=True))


percents = st.one_of(st.integers(0, 30), st.decimals(min_value=0, max_value=30, places=2),
                     st.sampled_from(["10", "9", "10.00", "7.5", "0.01"]))


@st.composite
def pools(draw):
    items = draw(st.integers(1, 4))
    tiers = {item: draw(tier_lists()) for item in range(1, items + 1)}
    share = st.dictionaries(st.integers(1, items), st.integers(1, 3000), min_size=1)
    shares = draw(st.lists(share, min_size=1, max_size=25))
    return tiers, shares, draw(percents)


@given(pools())
@settings(max_examples=400, deadline=None)
def test_shares_add_up_and_each_pays_only_its_own(pool):
    tiers, shares, percent = pool
    allocation = allocate(tiers, shares, percent)
    pooled = sum(q for lines in shares for q in lines.values())
    assert allocation.pooled_quantity == pooled
    assert allocation.prices == {item: tier_price(rows, pooled) for item, rows in tiers.items()}
    for item in tiers:
        assert allocation.item_quantities.get(item, 0) == sum(lines.get(item, 0) for lines in shares)
    assert len(allocation.shares) == len(shares)
    # to the Rial: the shares are the supplier order
    assert sum(s.subtotal for s in allocation.shares) == allocation.subtotal
    assert sum(s.vat_amount for s in allocation.shares) == allocation.vat_amount
    assert sum(s.total for s in allocation.shares) == allocation.total
    assert allocation.total == allocation.subtotal + allocation.vat_amount
    assert allocation.subtotal == sum(allocation.item_quantities[i] * allocation.prices[i]
                                      for i in allocation.item_quantities)
    assert allocation.vat_amount == vat_amount(allocation.subtotal, percent)
    rate = Fraction(Decimal(str(percent))) / 100
    for lines, share in zip(shares, allocation.shares, strict=True):
        assert share.subtotal == sum(q * allocation.prices[item] for item, q in lines.items())
        assert abs(share.vat_amount - share.subtotal * rate) < 1
        assert share.vat_amount >= 0
        own = sum(lines.values())
        assert share.alone_subtotal == sum(q * tier_price(tiers[item], own) for item, q in lines.items())
        assert share.saving >= 0  # pooling never costs a share more than buying alone


@given(st.lists(st.integers(0, 10**13), min_size=1, max_size=40), percents)
@settings(max_examples=400, deadline=None)
def test_split_vat_parts_sum_to_the_whole_rounded_once(subtotals, percent):
    whole, parts = split_vat(subtotals, percent)
    assert whole == vat_amount(sum(subtotals), percent)
    assert sum(parts) == whole
    rate = Fraction(Decimal(str(percent))) / 100
    for subtotal, part in zip(subtotals, parts, strict=True):
        assert abs(part - subtotal * rate) < 1
        assert part >= 0


def test_split_vat_leftover_goes_to_the_largest_remainders_earliest_first():
    # 10% of 5, 5, 5: 0.5 each, 1.5 in all → 2 Rial; the first two get the extra Rial
    assert split_vat([5, 5, 5], 10) == (2, [1, 1, 0])
    assert split_vat([3, 7], 10) == (1, [0, 1])  # 0.3 and 0.7: the larger remainder


@given(tier_lists(), st.integers(0, 10_000), st.integers(0, 10_000))
@settings(max_examples=300, deadline=None)
def test_tier_price_never_rises_with_the_quantity(tiers, a, b):
    low, high = sorted((a, b))
    assert tier_price(tiers, high) <= tier_price(tiers, low)
    assert tier_reached(tiers, low) <= tier_reached(tiers, high)
    reached = tier_reached(tiers, high)
    assert dict(tiers)[reached] == tier_price(tiers, high)
    assert reached <= max(high, 1)


def test_tier_price_below_the_lowest_tier_and_at_its_edges():
    tiers = [(50, 179), (1, 195), (10, 187)]  # any order
    assert [tier_price(tiers, q) for q in (0, 1, 9, 10, 49, 50, 10**6)] == [195, 195, 195, 187, 187, 179, 179]
    assert [tier_reached(tiers, q) for q in (0, 9, 10, 50)] == [1, 1, 10, 50]


# ---------------------------------------------------------------- end to end, on the database

_examples = count(1)


@pytest.fixture
def setting(tenant):
    """One catalog; each example builds a fresh pool (and towns) on it."""
    return tenant, build_catalog(tenant)


@given(st.lists(st.tuples(st.integers(1, 120), st.integers(0, 60)), min_size=1, max_size=6))
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_closing_through_the_services_allocates_every_line_once(setting, shares):
    tenant, catalog = setting
    n = next(_examples)
    today = timezone.localdate()
    officer = tenant.users["commerce"]
    pool = group_purchase_create(
        acting_user=officer, title=f"نیمکت {n}", item_ids=[catalog.bench.pk, catalog.concrete_bench.pk],
        opens_on=today, closes_on=today + dt.timedelta(days=5), minimum_quantity=1, target_quantity=50)
    towns, users = [], []
    for i in range(len(shares)):
        name = f"شهر {n}-{i}"
        town = Municipality.objects.create(organization=tenant.org, name=name, search_name=name,
                                           kind=MunicipalityKind.CITY, population=10_000)
        towns.append(town)
        users.append(make_user(tenant.org, f"p{n}-{i}", Role.MUNICIPALITY_USER, municipality=town))
    places = group_purchase_invite(group_purchase=pool, acting_user=officer,
                                   invitations={t.pk: ("آزمون", None) for t in towns})
    by_town = {p.municipality_id: p for p in places}
    expected: dict[int, dict[int, int]] = {}
    for town, user, (benches, concrete) in zip(towns, users, shares, strict=True):
        lines = {catalog.bench.pk: benches, **({catalog.concrete_bench.pk: concrete} if concrete else {})}
        participant_join(participant=by_town[town.pk], acting_user=user, lines=lines)
        expected[town.pk] = lines
    closed = group_purchase_close(group_purchase=pool, acting_user=officer)
    assert closed.status == GroupPurchaseStatus.ALLOCATED
    assert closed.pooled_quantity == sum(b + c for b, c in shares)
    orders = Order.objects.filter(group_share__group_purchase=closed)
    assert orders.count() == len(shares)
    assert orders.aggregate(t=Sum("total"))["t"] == closed.total
    assert sum(o.quotation.subtotal for o in orders) == closed.subtotal
    assert sum(o.quotation.vat_amount for o in orders) == closed.vat_amount
    prices = dict(closed.items.values_list("item_id", "unit_price"))
    for order in orders:
        got = dict(OrderLine.objects.filter(order=order).values_list("item_id", "quantity"))
        assert got == expected[order.municipality_id]
        assert order.need.municipality_id == order.municipality_id
        assert order.quotation.subtotal == sum(q * prices[i] for i, q in got.items())
        assert order.total == order.quotation.total == order.group_share.total
    joined = ParticipantLine.objects.filter(participant__group_purchase=closed).aggregate(s=Sum("quantity"))
    ordered = OrderLine.objects.filter(order__in=orders).aggregate(s=Sum("quantity"))
    assert joined["s"] == ordered["s"] == closed.pooled_quantity
