"""A group purchase from start to end through its services: a set of interchangeable items, joining from
an open need, the choices below the minimum, extending, cancelling, the periodic close, and done once
every share is received; who is told, and what the audit chain says."""

import datetime as dt

import pytest
from django.utils import timezone

from hamyar.accounts.models import Notification
from hamyar.catalog.tests.catalog_data import build_catalog, publish
from hamyar.commerce import services
from hamyar.commerce.choices import GroupPurchaseStatus, OrderStatus, ParticipantStatus, QuotationStatus
from hamyar.commerce.models import GroupPurchase, Order, Participant
from hamyar.commerce.services import (
    group_purchase_cancel,
    group_purchase_close,
    group_purchase_close_due,
    group_purchase_extend,
    participant_change,
    participant_fall_back,
    participant_join,
    participant_wait,
    participant_withdraw,
)
from hamyar.commerce.tasks import group_purchase_close_task
from hamyar.core.audit import audit_verify_chain
from hamyar.core.errors import ApplicationError, InvalidInput
from hamyar.core.models import AuditEvent
from hamyar.needs.choices import NeedStatus

from .factories import assigned_need, set_policy
from .group_data import Pool, bench_pool

TODAY = timezone.localdate


def user_of(pool, municipality):
    return pool.users.get(municipality.name) or pool.users["district9"]


def join(pool, municipality, lines, **extra):
    if isinstance(lines, int):
        lines = {pool.catalog.bench.pk: lines}
    return participant_join(participant=pool.place(municipality), acting_user=user_of(pool, municipality),
                            lines=lines, **extra)


def close(tenant, pool):
    return group_purchase_close(group_purchase=GroupPurchase.objects.get(pk=pool.group_purchase.pk),
                                acting_user=tenant.users["commerce"])


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("subject", flat=True))


def about(pool, user) -> list[str]:
    return [s for s in inbox(user) if pool.group_purchase.number in s]


@pytest.fixture
def pool(tenant):
    return bench_pool(tenant)


# ---------------------------------------------------------------- a set of interchangeable items


def test_the_pooled_total_across_a_set_of_items_fixes_the_tier(tenant):
    catalog = build_catalog(tenant)
    bench, concrete = catalog.bench, catalog.concrete_bench
    publish(tenant, tenant.supplier, "فهرست بهای نیمکت‌ها", [
        (bench, 1, 195_000_000), (bench, 10, 187_200_000), (bench, 50, 179_400_000),
        (concrete, 1, 150_000_000), (concrete, 10, 140_000_000), (concrete, 50, 130_000_000)], days_ago=1)
    gp = services.group_purchase_create(
        acting_user=tenant.users["commerce"], title="نیمکت فلزی یا بتنی", item_ids=[bench.pk, concrete.pk],
        opens_on=TODAY(), closes_on=TODAY() + dt.timedelta(days=7), minimum_quantity=20, target_quantity=50)
    assert gp.price_list.title == "فهرست بهای نیمکت‌ها"
    pool = Pool(catalog, gp, [], {"district9": tenant.users["district9"],
                                  tenant.district10.name: tenant.users["district10"]})
    services.group_purchase_invite(group_purchase=gp, acting_user=tenant.users["commerce"],
                                   invitations={tenant.district9.pk: ("نیاز", None),
                                                tenant.district10.pk: ("نیاز", None)})
    join(pool, tenant.district9, {bench.pk: 20, concrete.pk: 10})  # 30 alone: tier 10
    join(pool, tenant.district10, {concrete.pk: 25})  # 25 alone: tier 10; 55 pooled: tier 50
    closed = close(tenant, pool)
    assert closed.status == GroupPurchaseStatus.ALLOCATED and closed.pooled_quantity == 55
    assert dict(closed.items.values_list("item_id", "unit_price")) == {bench.pk: 179_400_000,
                                                                       concrete.pk: 130_000_000}
    assert dict(closed.items.values_list("item_id", "quantity")) == {bench.pk: 20, concrete.pk: 35}
    d9, d10 = pool.place(tenant.district9), pool.place(tenant.district10)
    assert d9.subtotal == 20 * 179_400_000 + 10 * 130_000_000
    assert d9.alone_subtotal == 20 * 187_200_000 + 10 * 140_000_000
    assert d10.subtotal == 25 * 130_000_000 and d10.alone_subtotal == 25 * 140_000_000
    assert {(line.item_id, line.quantity, line.unit_price) for line in d9.order.lines.all()} == {
        (bench.pk, 20, 179_400_000), (concrete.pk, 10, 130_000_000)}
    assert d9.total + d10.total == closed.total


# ---------------------------------------------------------------- joining from an open need


def test_joining_from_an_open_need_links_its_lines_and_approves_it_at_allocation(tenant, pool):
    need = assigned_need(tenant, pool.catalog, quantity=45)
    place = join(pool, tenant.district9, 45, need=need)
    assert place.need == need and not place.need_made_here
    line = place.lines.get()
    assert line.need_line == need.lines.get()
    closed = close(tenant, pool)
    need.refresh_from_db()
    assert need.status == NeedStatus.APPROVED
    order = pool.place(tenant.district9).order
    assert order.need == need and order.quotation.need == need
    assert order.lines.get().quotation_line.need_line == need.lines.get()
    assert closed.status == GroupPurchaseStatus.ALLOCATED


def test_another_municipalitys_need_or_a_closed_one_cannot_be_brought(tenant, pool):
    theirs = assigned_need(tenant, pool.catalog, municipality=tenant.district10)
    with pytest.raises(InvalidInput):
        join(pool, tenant.district9, 5, need=theirs)
    done = assigned_need(tenant, pool.catalog, status=NeedStatus.FULFILLED)
    with pytest.raises(InvalidInput):
        join(pool, tenant.district9, 5, need=done)
    assert pool.place(tenant.district9).status == ParticipantStatus.INVITED


# ---------------------------------------------------------------- below the minimum


def test_below_the_minimum_each_chooses_then_the_officer_extends_and_it_allocates(tenant, pool):
    a, b, c = pool.towns
    join(pool, a, 10)
    join(pool, b, 8)
    join(pool, c, 5)
    closed = close(tenant, pool)  # 23 of the minimum 40
    assert closed.status == GroupPurchaseStatus.CLOSED and closed.pooled_quantity == 23
    assert not Order.objects.filter(group_share__group_purchase=closed).exists()
    assert any("choose" in s or "بسته" in s for s in about(pool, pool.users[a.name]))
    assert len(about(pool, tenant.users["district9"])) == 1  # invited, never joined: not told of the close
    with pytest.raises(ApplicationError):  # no changes while closed
        participant_change(participant=pool.place(a), acting_user=pool.users[a.name],
                           lines={pool.catalog.bench.pk: 50})

    waiting = participant_wait(participant=pool.place(a), acting_user=pool.users[a.name])
    assert waiting.status == ParticipantStatus.JOINED and waiting.waiting_since is not None
    officers_before = len(inbox(tenant.users["commerce"]))
    fell = participant_fall_back(participant=pool.place(b), acting_user=pool.users[b.name])
    assert fell.status == ParticipantStatus.FELL_BACK and fell.quantity == 0 and not fell.lines.exists()
    fell.need.refresh_from_db()
    assert fell.need.status == NeedStatus.TRIAGED and fell.need.provider_id is None
    assert len(inbox(tenant.users["commerce"])) == officers_before + 1
    assert len(inbox(tenant.users["admin"])) >= 1
    gone = participant_withdraw(participant=pool.place(c), acting_user=pool.users[c.name])
    assert gone.status == ParticipantStatus.WITHDRAWN
    gone.need.refresh_from_db()
    assert gone.need.status == NeedStatus.CANCELLED

    too_far = tenant.agreement.ends_on + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        group_purchase_extend(group_purchase=closed, acting_user=tenant.users["commerce"], closes_on=too_far)
    assert refused.value.status == 422 and "closes_on" in refused.value.extra["fields"]
    with pytest.raises(InvalidInput):
        group_purchase_extend(group_purchase=closed, acting_user=tenant.users["commerce"], closes_on=TODAY())
    assert GroupPurchase.objects.get(pk=closed.pk).status == GroupPurchaseStatus.CLOSED
    new_end = TODAY() + dt.timedelta(days=20)
    opened = group_purchase_extend(group_purchase=closed, acting_user=tenant.users["commerce"],
                                   closes_on=new_end)
    assert opened.status == GroupPurchaseStatus.OPEN and opened.closes_on == new_end
    assert opened.closed_at is None
    assert about(pool, pool.users[a.name])[-1].count(pool.group_purchase.number) == 1

    join(pool, tenant.district9, 25)
    join(pool, c, 5)  # back after withdrawing: a fresh need
    assert pool.place(c).need_id != gone.need_id
    allocated = close(tenant, pool)
    assert allocated.status == GroupPurchaseStatus.ALLOCATED and allocated.pooled_quantity == 40
    orders = Order.objects.filter(group_share__group_purchase=allocated)
    assert sorted(orders.values_list("municipality_id", flat=True)) == sorted(
        [a.pk, c.pk, tenant.district9.pk])
    assert not Order.objects.filter(need=fell.need).exists()


def test_the_extended_pool_is_told_in_jalali(tenant, pool):
    join(pool, pool.towns[0], 10)
    closed = close(tenant, pool)
    end = TODAY() + dt.timedelta(days=20)
    group_purchase_extend(group_purchase=closed, acting_user=tenant.users["commerce"], closes_on=end)
    told = about(pool, pool.users[pool.towns[0].name])[-1]
    assert str(end) not in told and str(end.year) not in told  # a Jalali date, not 2026-…


def test_cancel_needs_a_reason_and_returns_made_needs_to_triage(tenant, pool):
    own = assigned_need(tenant, pool.catalog, quantity=5)
    join(pool, pool.towns[0], 10)
    join(pool, tenant.district9, 5, need=own)
    gp = GroupPurchase.objects.get(pk=pool.group_purchase.pk)
    with pytest.raises(InvalidInput):
        group_purchase_cancel(group_purchase=gp, acting_user=tenant.users["commerce"], reason="  ")
    with pytest.raises(Exception):  # noqa: B017 — a municipality may not cancel (403)
        group_purchase_cancel(group_purchase=gp, acting_user=pool.users[pool.towns[0].name], reason="خیر")
    cancelled = group_purchase_cancel(group_purchase=gp, acting_user=tenant.users["commerce"],
                                      reason="تأمین‌کننده نمی‌تواند تحویل دهد")
    assert cancelled.status == GroupPurchaseStatus.CANCELLED
    made = pool.place(pool.towns[0]).need
    assert made.status == NeedStatus.TRIAGED and made.reason == "تأمین‌کننده نمی‌تواند تحویل دهد"
    own.refresh_from_db()
    assert own.status == NeedStatus.ASSIGNED  # a need of its own stays where it was
    assert len(about(pool, pool.users[pool.towns[0].name])) == 2  # invited, then cancelled
    assert len(about(pool, pool.users[pool.towns[1].name])) == 1  # never joined: only the invitation
    with pytest.raises(ApplicationError):
        join(pool, pool.towns[1], 3)


# ---------------------------------------------------------------- the periodic close


def test_the_task_closes_pools_past_their_window_and_leaves_empty_ones(tenant, pool):
    empty = services.group_purchase_create(
        acting_user=tenant.users["commerce"], title="بی‌شرکت‌کننده", item_ids=[pool.catalog.bench.pk],
        opens_on=TODAY(), closes_on=TODAY() + dt.timedelta(days=1), minimum_quantity=1, target_quantity=10)
    join(pool, pool.towns[0], 45)
    assert group_purchase_close_due(today=TODAY() + dt.timedelta(days=5)) == 0  # not yet due
    GroupPurchase.objects.filter(pk__in=[pool.group_purchase.pk, empty.pk]).update(
        closes_on=TODAY() - dt.timedelta(days=1), opens_on=TODAY() - dt.timedelta(days=3))
    assert group_purchase_close_task.enqueue().return_value == 1
    assert GroupPurchase.objects.get(pk=pool.group_purchase.pk).status == GroupPurchaseStatus.ALLOCATED
    assert GroupPurchase.objects.get(pk=empty.pk).status == GroupPurchaseStatus.OPEN
    assert group_purchase_close_due() == 0  # again: nothing more
    system = AuditEvent.objects.get(action="group_purchase.close", object_id=str(pool.group_purchase.pk))
    assert system.actor_id is None


# ---------------------------------------------------------------- done when every share is received


def receive_all(tenant, pool, order: Order) -> None:
    order = services.order_start(order=order, acting_user=tenant.users["supplier"])
    delivery = services.delivery_record(order=order, acting_user=tenant.users["supplier"],
                                        quantities={line.pk: line.quantity for line in order.lines.all()},
                                        delivered_on=TODAY())
    services.receipt_confirm(delivery=delivery, acting_user=user_of(pool, order.municipality))


def test_done_when_every_share_is_received_in_full(tenant, pool):
    join(pool, pool.towns[0], 30)
    join(pool, pool.towns[1], 15)
    closed = close(tenant, pool)
    first, second = Order.objects.filter(group_share__group_purchase=closed).order_by("pk")
    receive_all(tenant, pool, first)
    assert Order.objects.get(pk=first.pk).status == OrderStatus.CLOSED
    assert GroupPurchase.objects.get(pk=closed.pk).status == GroupPurchaseStatus.ALLOCATED
    receive_all(tenant, pool, second)
    assert GroupPurchase.objects.get(pk=closed.pk).status == GroupPurchaseStatus.DONE
    assert AuditEvent.objects.filter(action="group_purchase.finish").count() == 1
    assert audit_verify_chain(tenant.org.pk) is None


# ---------------------------------------------------------------- who is told, and the audit


def test_notifications_go_to_participants_and_the_supplier_only(tenant, pool, other_tenant):
    join(pool, pool.towns[0], 30)
    join(pool, pool.towns[1], 15)
    before = {name: len(inbox(user)) for name, user in tenant.users.items()}
    closed = close(tenant, pool)
    for town in pool.towns[:2]:
        assert any("قیمت" in s or "price" in s for s in about(pool, pool.users[town.name])[1:])
    assert len(about(pool, pool.users[pool.towns[2].name])) == 1  # invited, never joined: only the invitation
    assert len(about(pool, tenant.users["district9"])) == 1
    assert len(inbox(tenant.users["district10"])) == before["district10"]  # never invited
    supplier = inbox(tenant.users["supplier"])[before["supplier"]:]
    assert len(supplier) == 1 and closed.order_number in supplier[0]
    assert len(inbox(tenant.users["finance"])) == before["finance"]
    assert not Notification.objects.filter(organization=other_tenant.org).exists()


def test_the_audit_tells_the_close_and_each_order(tenant, pool):
    join(pool, pool.towns[0], 30)
    join(pool, pool.towns[1], 15)
    mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    closed = close(tenant, pool)
    actions = list(AuditEvent.objects.filter(pk__gt=mark).order_by("pk").values_list("action", flat=True))
    assert actions == ["group_purchase.close", "group_purchase.order", "order.place_from_group_purchase",
                       "order.place_from_group_purchase", "group_purchase.allocate"]
    orders = set(Order.objects.filter(group_share__group_purchase=closed).values_list("pk", flat=True))
    placed = AuditEvent.objects.filter(pk__gt=mark, action="order.place_from_group_purchase")
    assert {int(pk) for pk in placed.values_list("object_id", flat=True)} == orders
    assert all(event.actor == tenant.users["commerce"] for event in placed)
    assert audit_verify_chain(tenant.org.pk) is None


def test_withdrawing_and_changing_are_refused_once_allocated(tenant, pool):
    place = join(pool, pool.towns[0], 45)
    close(tenant, pool)
    for step in (participant_withdraw, participant_wait, participant_fall_back):
        with pytest.raises(ApplicationError):
            step(participant=Participant.objects.get(pk=place.pk), acting_user=pool.users[pool.towns[0].name])
    assert Participant.objects.get(pk=place.pk).status == ParticipantStatus.JOINED


def test_a_need_brought_with_a_live_quotation_has_it_superseded_by_the_share(tenant, pool):
    set_policy(tenant, deputy_approval_above=10**13, mayor_approval_above=10**13)
    need = assigned_need(tenant, pool.catalog, quantity=45)
    sent = services.quotation_send(
        quotation=services.quotation_create(need=need, acting_user=tenant.users["supplier"]),
        acting_user=tenant.users["supplier"])
    join(pool, tenant.district9, 45, need=need)
    close(tenant, pool)
    sent.refresh_from_db()
    assert sent.status == QuotationStatus.SUPERSEDED  # not left waiting for an approval it can never get
    with pytest.raises(ApplicationError):
        services.quotation_approve(quotation=sent, acting_user=tenant.users["district9"])
    assert Order.objects.filter(need=need).count() == 1
    assert audit_verify_chain(tenant.org.pk) is None


def test_one_need_is_in_one_pool_at_a_time(tenant, pool):
    need = assigned_need(tenant, pool.catalog, quantity=10)
    join(pool, tenant.district9, 10, need=need)
    other = services.group_purchase_create(
        acting_user=tenant.users["commerce"], title="نیمکت دوم", item_ids=[pool.catalog.bench.pk],
        opens_on=TODAY(), closes_on=TODAY() + dt.timedelta(days=3), minimum_quantity=1, target_quantity=10)
    [place] = services.group_purchase_invite(group_purchase=other, acting_user=tenant.users["commerce"],
                                             invitations={tenant.district9.pk: ("دوم", None)})
    with pytest.raises(InvalidInput) as refused:
        participant_join(participant=place, acting_user=tenant.users["district9"],
                         lines={pool.catalog.bench.pk: 10}, need=need)
    assert "need" in refused.value.extra["fields"]
    participant_withdraw(participant=pool.place(tenant.district9), acting_user=tenant.users["district9"])
    joined = participant_join(participant=place, acting_user=tenant.users["district9"],
                              lines={pool.catalog.bench.pk: 10}, need=need)  # free again once withdrawn
    assert joined.need == need


def test_a_need_approved_on_its_own_quotation_meanwhile_is_not_ordered_twice(tenant, pool):
    set_policy(tenant, deputy_approval_above=10**13, mayor_approval_above=10**13)
    need = assigned_need(tenant, pool.catalog, quantity=45)
    sent = services.quotation_send(
        quotation=services.quotation_create(need=need, acting_user=tenant.users["supplier"]),
        acting_user=tenant.users["supplier"])
    join(pool, tenant.district9, 45, need=need)
    join(pool, pool.towns[0], 40)
    services.quotation_approve(quotation=sent, acting_user=tenant.users["district9"])  # went on alone
    closed = close(tenant, pool)
    assert Order.objects.filter(need=need).count() == 1  # the individual order only
    gone = pool.place(tenant.district9)
    assert gone.status == ParticipantStatus.WITHDRAWN and gone.order_id is None and not gone.lines.exists()
    assert closed.pooled_quantity == 40 and closed.status == GroupPurchaseStatus.ALLOCATED
    assert audit_verify_chain(tenant.org.pk) is None
