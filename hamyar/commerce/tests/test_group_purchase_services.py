"""Group purchases through their services: joining, closing, allocating, the choices below the minimum."""

import pytest

from hamyar.commerce.choices import GroupPurchaseStatus, OrderStatus, ParticipantStatus, QuotationStatus
from hamyar.commerce.models import GroupPurchase, Order
from hamyar.commerce.services import (
    group_purchase_close,
    participant_change,
    participant_join,
    participant_withdraw,
)
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound
from hamyar.needs.choices import NeedStatus

from .group_data import bench_pool


@pytest.fixture
def pool(tenant):
    return bench_pool(tenant)


def join(pool, municipality, quantity):
    user = pool.users.get(municipality.name) or pool.users["district9"]
    return participant_join(participant=pool.place(municipality), acting_user=user,
                            lines={pool.catalog.bench.pk: quantity})


def test_close_allocates_each_share_at_the_pooled_tier(tenant, pool):
    for town in pool.towns:
        join(pool, town, 12)
    join(pool, tenant.district9, 20)
    closed = group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    assert closed.status == GroupPurchaseStatus.ALLOCATED
    assert closed.pooled_quantity == 56
    orders = Order.objects.filter(group_share__group_purchase=closed)
    assert orders.count() == 4
    assert sum(order.total for order in orders) == closed.total
    line_prices = {line.unit_price for order in orders for line in order.lines.all()}
    assert line_prices == {179_400_000}  # the tier of 50
    small = pool.place(pool.towns[0])
    assert small.subtotal == 12 * 179_400_000
    assert small.alone_subtotal == 12 * 187_200_000  # alone, 12 reach the tier of 10
    assert small.order.status == OrderStatus.PLACED
    assert small.order.quotation.status == QuotationStatus.APPROVED
    assert small.need.status == NeedStatus.APPROVED


def test_joining_after_close_changes_nothing(tenant, pool):
    join(pool, pool.towns[0], 45)
    group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    with pytest.raises(ApplicationError) as refused:
        join(pool, pool.towns[1], 5)
    assert refused.value.code == "group_purchase_closed"
    assert pool.place(pool.towns[1]).status == ParticipantStatus.INVITED


def test_quantity_rules(tenant, pool):
    for bad in (0, -3, 201, 10**12, "12", True):
        with pytest.raises(InvalidInput):
            join(pool, pool.towns[0], bad)
    assert pool.place(pool.towns[0]).status == ParticipantStatus.INVITED


def test_another_municipality_cannot_join_for_you(tenant, pool):
    with pytest.raises(NotFound):
        participant_join(participant=pool.place(pool.towns[0]), acting_user=tenant.users["district10"],
                         lines={pool.catalog.bench.pk: 3})


def test_change_and_withdraw_until_close(tenant, pool):
    place = join(pool, pool.towns[0], 12)
    place = participant_change(participant=place, acting_user=pool.users[pool.towns[0].name],
                               lines={pool.catalog.bench.pk: 30})
    assert place.quantity == 30
    place = participant_withdraw(participant=place, acting_user=pool.users[pool.towns[0].name])
    assert place.status == ParticipantStatus.WITHDRAWN
    assert place.need.status == NeedStatus.CANCELLED


def test_closing_an_empty_pool_or_twice(tenant, pool):
    with pytest.raises(ApplicationError) as refused:
        group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    assert refused.value.code == "group_purchase_empty"
    assert GroupPurchase.objects.get(pk=pool.group_purchase.pk).status == GroupPurchaseStatus.OPEN
    join(pool, pool.towns[0], 45)
    group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    with pytest.raises(ApplicationError) as again:
        group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    assert again.value.code == "group_purchase_state"
    assert Order.objects.filter(group_share__group_purchase=pool.group_purchase).count() == 1
