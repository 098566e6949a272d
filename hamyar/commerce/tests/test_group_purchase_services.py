"""Group purchases through their services: joining, closing, allocating, the choices below the minimum."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hamyar.accounts.models import Notification
from hamyar.catalog.tests.catalog_data import add_item, build_catalog
from hamyar.commerce.choices import GroupPurchaseStatus, OrderStatus, ParticipantStatus, QuotationStatus
from hamyar.commerce.models import GroupPurchase, Order, Participant
from hamyar.commerce.selectors.group_purchases import invitation_candidates
from hamyar.commerce.services import (
    group_purchase_close,
    group_purchase_create,
    group_purchase_invite,
    participant_change,
    participant_join,
    participant_withdraw,
)
from hamyar.commerce.services.group_purchases import suggested_quantity
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.directory.choices import AssetKind, ProviderKind
from hamyar.directory.models import AgencyAgreement, Municipality, Provider
from hamyar.needs.choices import NeedStatus

from .factories import assigned_need
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


# ---------------------------------------------------------------- creating a pool: what is refused


def create(tenant, catalog, **overrides):
    today = timezone.localdate()
    data = {"acting_user": tenant.users["commerce"], "title": "نیمکت", "item_ids": [catalog.bench.pk],
            "opens_on": today, "closes_on": today + dt.timedelta(days=10), "minimum_quantity": 10,
            "target_quantity": 50, **overrides}
    return group_purchase_create(**data)


def refused_field(tenant, catalog, **overrides) -> str:
    with pytest.raises(InvalidInput) as refused:
        create(tenant, catalog, **overrides)
    assert refused.value.status == 422
    [field] = refused.value.extra["fields"]
    return field


def test_creation_refusals_name_the_field_and_create_nothing(tenant):
    catalog = build_catalog(tenant)
    today = timezone.localdate()
    # the lamp's supplier: its agency agreement expired ten days ago
    assert refused_field(tenant, catalog, item_ids=[catalog.lamp.pk], target_quantity=1) == "closes_on"
    # an agreement covering the start but not the end of the window
    beyond = tenant.agreement.ends_on + dt.timedelta(days=1)
    assert refused_field(tenant, catalog, closes_on=beyond) == "closes_on"
    assert refused_field(tenant, catalog, target_quantity=20) == "target_quantity"  # not a tier
    assert refused_field(tenant, catalog, item_ids=[catalog.bench.pk, catalog.sapling.pk]) == "items"
    assert refused_field(tenant, catalog, closes_on=today - dt.timedelta(days=1),
                         opens_on=today - dt.timedelta(days=5)) == "closes_on"  # in the past
    assert refused_field(tenant, catalog, opens_on=today + dt.timedelta(days=11)) == "closes_on"
    assert refused_field(tenant, catalog, item_ids=[]) == "items"
    assert refused_field(tenant, catalog, minimum_quantity=0) == "minimum_quantity"
    assert refused_field(tenant, catalog, title="  ") == "title"
    unpriced = add_item(tenant, tenant.supplier, tenant.furniture, "PRS-BN-09", "نیمکت بی‌قیمت")
    assert refused_field(tenant, catalog, item_ids=[catalog.bench.pk, unpriced.pk]) == "items"
    with pytest.raises(PermissionDenied):
        create(tenant, catalog, acting_user=tenant.users["district9"])
    assert not GroupPurchase.objects.exists()


def test_a_supplier_without_a_price_list_in_force_cannot_be_pooled(tenant):
    catalog = build_catalog(tenant)
    today = timezone.localdate()
    maker = Provider.objects.create(organization=tenant.org, name="سازنده", search_name="سازنده",
                                    kind=ProviderKind.SUPPLIER)
    AgencyAgreement.objects.create(organization=tenant.org, supplier=maker, number="kr-A9",
                                   commission_percent=5, starts_on=today - dt.timedelta(days=5),
                                   ends_on=today + dt.timedelta(days=60))
    item = add_item(tenant, maker, tenant.furniture, "MK-01", "نیمکت سازنده")
    assert refused_field(tenant, catalog, item_ids=[item.pk], target_quantity=1) == "closes_on"
    assert not GroupPurchase.objects.exists()


# ---------------------------------------------------------------- invitations


def test_only_the_organizations_municipalities_are_invited_and_only_while_open(tenant, other_tenant, pool):
    gp, officer = pool.group_purchase, tenant.users["commerce"]
    with pytest.raises(InvalidInput) as refused:
        group_purchase_invite(group_purchase=gp, acting_user=officer,
                              invitations={other_tenant.district9.pk: ("دیگر", None)})
    assert "municipalities" in refused.value.extra["fields"]
    again = group_purchase_invite(group_purchase=gp, acting_user=officer,
                                  invitations={tenant.district9.pk: ("دوباره", 3),
                                               tenant.district10.pk: ("نو", 4)})
    assert [p.municipality_id for p in again] == [tenant.district10.pk]  # district 9 was already invited
    assert Participant.objects.filter(group_purchase=gp, municipality=tenant.district9).count() == 1
    told = Notification.objects.filter(recipient=tenant.users["district10"], subject__contains=gp.number)
    assert told.count() == 1
    with pytest.raises(PermissionDenied):
        group_purchase_invite(group_purchase=gp, acting_user=tenant.users["finance"],
                              invitations={tenant.neyshabur.pk: ("?", None)})
    join(pool, pool.towns[0], 45)
    group_purchase_close(group_purchase=gp, acting_user=officer)
    with pytest.raises(ApplicationError) as closed:
        group_purchase_invite(group_purchase=gp, acting_user=officer,
                              invitations={tenant.neyshabur.pk: ("?", 1)})
    assert closed.value.code == "group_purchase_state"
    assert not Participant.objects.filter(group_purchase=gp, municipality=tenant.neyshabur).exists()


def test_candidates_are_named_by_their_open_need_or_by_the_arithmetic(tenant, pool):
    need = assigned_need(tenant, pool.catalog, quantity=33)
    candidates = {c.municipality.pk: c
                  for c in invitation_candidates(pool.group_purchase, tenant.users["commerce"])}
    d9 = candidates[tenant.district9.pk]
    assert need.number in d9.reason and d9.suggested == 33 and d9.invited
    town = candidates[pool.towns[0].pk]  # 44,000 residents × 0.25 per 1,000
    assert town.suggested == 11
    assert "44,000" in town.reason and "0.25" in town.reason and "11" in town.reason
    assert candidates[tenant.neyshabur.pk].suggested == 67 and not candidates[tenant.neyshabur.pk].invited
    today = timezone.localdate()
    parks = group_purchase_create(
        acting_user=tenant.users["commerce"], title="نیمکت پارک‌ها", item_ids=[pool.catalog.bench.pk],
        opens_on=today, closes_on=today + dt.timedelta(days=5), minimum_quantity=10, target_quantity=10,
        per_hectare="2", asset_kind=AssetKind.PARK)
    by_area = {c.municipality.pk: c for c in invitation_candidates(parks, tenant.users["commerce"])}
    assert by_area[tenant.neyshabur.pk].suggested == 24 and "12" in by_area[tenant.neyshabur.pk].reason
    assert need.number in by_area[tenant.district9.pk].reason  # an open need comes first
    assert pool.towns[0].pk not in by_area  # no parks, no suggestion


def test_suggestions_are_exact_decimal_arithmetic():
    # in floats 100 × 0.07 is 7.000000000000001 and 1.1 × 100 is 110.00000000000001: one unit too many
    pool = GroupPurchase(per_thousand_residents=Decimal("0.07"), per_hectare=Decimal("100"))
    quantity, reason = suggested_quantity(pool, Municipality(population=100_000), Decimal("1.1"))
    assert quantity == 7 + 110, reason
    assert suggested_quantity(GroupPurchase(), Municipality(population=100_000), None) == (None, "")
