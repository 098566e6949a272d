"""The rollups kept on every write: hand-computed cells on a small story, a failed write changes nothing,
and the rebuild command gives what the writes gave. (Random sequences: test_rollups_random.py.)"""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Model

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.models import GroupPurchase, Order
from hamyar.commerce.services import (
    group_purchase_cancel,
    group_purchase_close,
    participant_fall_back,
    participant_join,
    participant_withdraw,
)
from hamyar.commerce.tests.group_data import bench_pool
from hamyar.core.changes import announce, rows_changed
from hamyar.core.errors import InvalidInput
from hamyar.directory import demo
from hamyar.directory.models import Organization
from hamyar.directory.services import domain_create, domain_update
from hamyar.insights.models import Figures, MunicipalityMonth, ProviderMonth
from hamyar.insights.services import catch_up, jalali_month
from hamyar.needs.models import Need

from .rollup_check import differences, rollups
from .rollup_flows import Checked, Shop

TEHRAN = ZoneInfo("Asia/Tehran")
BENCH = 187_200_000  # the supplier's price of a bench from 10 pieces, before VAT (10%)


def tehran(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TEHRAN)


def stamp(model: type[Model], pk: int, **values: object) -> None:
    """Move a row to the story's times, as the demo does, and announce it."""
    model._default_manager.filter(pk=pk).update(**values)
    announce(model, [pk])


def cells(model: type[Model], owner: str) -> dict[tuple, dict[str, int]]:
    """The cells with any figure, by (owner, domain, month): only the figures that are not zero (once the
    writes' backlog is worked off, as every reader of the cells does first)."""
    catch_up()
    found = {}
    for cell in model._default_manager.all():
        figures = {name: getattr(cell, name) for name in Figures.MEASURES if getattr(cell, name)}
        if figures:
            found[(getattr(cell, f"{owner}_id"), cell.domain_id, cell.month)] = figures
    return found


@pytest.fixture
def shop(tenant):
    return Shop(tenant, build_catalog(tenant))


def test_jalali_month_is_the_month_in_tehran():
    assert jalali_month(tehran(2026, 9, 21, 9)) == 140506  # 30 Shahrivar 1405
    assert jalali_month(dt.datetime(2026, 9, 22, 20, 0, tzinfo=dt.UTC)) == 140506  # 23:30 in Tehran
    assert jalali_month(dt.datetime(2026, 9, 22, 21, 0, tzinfo=dt.UTC)) == 140507  # 1 Mehr, 00:30
    assert jalali_month(tehran(2027, 3, 21, 0, 10)) == 140601


def test_a_small_story_lands_in_its_cells_as_computed_by_hand(tenant, shop):
    t = tenant
    shop = Checked(shop)  # and after each step, the rollups equal a rebuild
    # District 9 orders 10 benches (need A): a delivery of 3 refused, then 4 and 6 received; rated 4.
    need_a = shop.triage(shop.need(quantity=10))
    order_1 = shop.order(need_a)
    shop.start(order_1)
    shop.refuse(shop.deliver(order_1, 3))
    first = shop.deliver(order_1, 4)
    shop.receive(first)
    second = shop.deliver(order_1, 6)
    shop.receive(second)
    shop.rate(order_1, 4)
    # Billed: the 4 issued and paid (counts), the 6 issued then voided and billed again as a draft (not).
    invoice_1 = shop.issue(shop.invoice(first))
    shop.pay(invoice_1, "REF-1")
    shop.void(shop.issue(shop.invoice(second)))
    shop.invoice(second)
    # District 10 orders 12 (need D), received at once but after its due date: closed, not on time.
    need_d = shop.triage(shop.need(district10=True, quantity=12))
    order_2 = shop.order(need_d)
    shop.receive(shop.deliver(order_2, 12))
    # District 10's need B, misfiled under lighting where no provider serves: a capability gap.
    need_b = shop.gap(shop.triage(shop.need(district10=True), domain=t.lighting))
    # District 9's needs C (cancelled by it) and E (rejected by the officer): counted, no clock measured.
    need_c = shop.cancel(shop.need())
    need_e = shop.reject(shop.need())

    # The story's times (the default targets: triage 24 h, first quotation 72 h, delivery 30 days).
    stamp(Order, order_1.pk, created_at=tehran(2026, 9, 23, 10))  # 1 Mehr 1405
    stamp(Order, order_2.pk, created_at=dt.datetime(2026, 9, 22, 21, 0, tzinfo=dt.UTC),  # 1 Mehr, 00:30
          due_date=dt.date(2026, 10, 1))
    # A: triaged in 11 h (met), first quotation in 96 h (missed), fulfilled in 19 days (met).
    stamp(Need, need_a.pk, submitted_at=tehran(2026, 9, 21, 9), triaged_at=tehran(2026, 9, 21, 20),
          first_quoted_at=tehran(2026, 9, 25, 9), closed_at=tehran(2026, 10, 10, 9))
    # D: triaged in 2 h and priced in 4 h (met), fulfilled in 69 days (missed).
    stamp(Need, need_d.pk, submitted_at=tehran(2026, 9, 22, 8), triaged_at=tehran(2026, 9, 22, 10),
          first_quoted_at=tehran(2026, 9, 22, 12), closed_at=tehran(2026, 11, 30, 12))
    stamp(Need, need_b.pk, submitted_at=tehran(2026, 10, 5, 10), triaged_at=tehran(2026, 10, 6, 12),  # 26 h
          closed_at=tehran(2026, 10, 6, 12))
    for need in (need_c, need_e):
        stamp(Need, need.pk, submitted_at=tehran(2026, 9, 30, 10), closed_at=tehran(2026, 10, 1, 10))

    d9, d10, furniture = t.district9.pk, t.district10.pk, t.furniture.pk
    order_1_figures = {"orders": 1, "lines": 1, "amount": 11 * BENCH, "received_amount": 10 * BENCH,
                       "invoiced_amount": 4 * BENCH * 11 // 10, "closed": 1, "on_time": 1, "rated": 1,
                       "score_sum": 4}
    assert order_1_figures["amount"] == 2_059_200_000 and order_1_figures["invoiced_amount"] == 823_680_000
    expected = {
        (d9, furniture, 140506): {"needs": 1, "clocks_measured": 3, "clocks_met": 2},
        (d9, furniture, 140507): {**order_1_figures, "needs": 2},
        (d10, furniture, 140506): {"needs": 1, "clocks_measured": 3, "clocks_met": 2},
        (d10, furniture, 140507): {"orders": 1, "lines": 1, "amount": 2_471_040_000,
                                   "received_amount": 2_246_400_000, "closed": 1},
        (d10, t.lighting.pk, 140507): {"needs": 1, "gaps": 1, "clocks_measured": 1},
    }
    assert cells(MunicipalityMonth, "municipality") == expected
    assert cells(ProviderMonth, "provider") == {(t.supplier.pk, furniture, 140507): {
        "orders": 2, "lines": 2, "amount": 4_530_240_000, "received_amount": 4_118_400_000,
        "invoiced_amount": 823_680_000, "closed": 2, "on_time": 1, "rated": 1, "score_sum": 4}}
    assert differences(t.org.pk) == {}

    # Furniture's triage target set to 10 hours: need A's 11 hours now miss it; cleared, they meet it again.
    shop.set_level(t.furniture, triage_hours=10)
    assert cells(MunicipalityMonth, "municipality")[(d9, furniture, 140506)] == {
        "needs": 1, "clocks_measured": 3, "clocks_met": 1}
    assert differences(t.org.pk) == {}
    shop.clear_level(t.furniture)
    assert cells(MunicipalityMonth, "municipality") == expected
    assert differences(t.org.pk) == {}


def test_a_refused_write_leaves_the_rollups_as_they_were(tenant, shop):
    order = shop.order(shop.triage(shop.need()))
    delivery = shop.deliver(order, 4)
    before = rollups(tenant.org.pk)
    with pytest.raises(InvalidInput):
        shop.refuse(delivery, reason="")  # a refusal needs its reason
    with pytest.raises(InvalidInput):
        shop.deliver(order, 7)  # only 6 are left to deliver
    assert rollups(tenant.org.pk) == before


def test_a_write_failing_after_its_rollups_were_updated_takes_them_back(tenant, shop):
    """The rollups are written in the service's transaction: when the service fails after them, its
    rollback takes them back with its own rows."""
    order = shop.order(shop.triage(shop.need()))
    delivery = shop.deliver(order, 10)
    before = rollups(tenant.org.pk)
    seen = []

    def fail_later(sender: type[Model], ids: list[int], **_: object) -> None:
        if sender is Order:
            seen.append(rollups(tenant.org.pk))  # insights' receiver, connected first, has run
            raise RuntimeError("a later step fails")

    rows_changed.connect(fail_later, dispatch_uid="test.fail_later")
    try:
        with pytest.raises(RuntimeError):
            shop.receive(delivery)
    finally:
        rows_changed.disconnect(dispatch_uid="test.fail_later")
    assert seen and seen[0]["orders"] != before["orders"]  # received and closed, for a moment
    assert rollups(tenant.org.pk) == before
    shop.receive(delivery)
    assert rollups(tenant.org.pk)["orders"][order.pk][9] == 1  # closed, once it succeeds
    assert differences(tenant.org.pk) == {}


def test_the_rebuild_command_prints_its_counts_and_changes_nothing(tenant, shop):
    shop.receive(shop.deliver(shop.order(shop.triage(shop.need())), 10))
    shop.gap(shop.triage(shop.need(district10=True), domain=tenant.lighting))
    before = rollups(tenant.org.pk)
    out = StringIO()
    call_command("rebuild_rollups", organization=tenant.org.pk, stdout=out)
    assert out.getvalue() == f"{tenant.org.name}: orders 1, needs 2, municipality_cells 2, provider_cells 1\n"
    assert rollups(tenant.org.pk) == before


# ---------------------------------------------------------------- group purchases (written in bulk)


def test_a_pool_closed_in_bulk_counts_every_share_and_its_need(tenant, shop):
    pool = bench_pool(tenant, shop.catalog)
    own = shop.triage(shop.need(quantity=15))  # District 9 brings its own open need
    shares = {tenant.district9: 15, pool.towns[0]: 12, pool.towns[1]: 10, pool.towns[2]: 8}
    for municipality, quantity in shares.items():
        participant_join(participant=pool.place(municipality),
                         acting_user=pool.users.get(municipality.name) or tenant.users["district9"],
                         lines={shop.catalog.bench.pk: quantity}, need=own if municipality == tenant.district9
                         else None)
    group_purchase_close(group_purchase=GroupPurchase.objects.get(pk=pool.group_purchase.pk),
                         acting_user=tenant.users["commerce"])
    month = jalali_month(dt.datetime.now(dt.UTC))
    orders = Order.objects.filter(group_share__group_purchase=pool.group_purchase)
    assert orders.count() == 4
    by_municipality = cells(MunicipalityMonth, "municipality")
    for municipality in shares:
        order = orders.get(municipality=municipality)
        assert by_municipality[(municipality.pk, tenant.furniture.pk, month)] == {
            "orders": 1, "lines": 1, "amount": order.total, "needs": 1,
            "clocks_measured": 2, "clocks_met": 2}  # triaged and priced at once; not yet delivered
    assert cells(ProviderMonth, "provider")[(tenant.supplier.pk, tenant.furniture.pk, month)] == {
        "orders": 4, "lines": 4, "amount": sum(orders.values_list("total", flat=True))}
    assert differences(tenant.org.pk) == {}


def test_a_pool_below_its_minimum_gives_its_made_needs_back(tenant, shop):
    pool = bench_pool(tenant, shop.catalog)
    a, b, c = pool.towns
    for town, quantity in ((a, 10), (b, 8), (c, 5)):
        participant_join(participant=pool.place(town), acting_user=pool.users[town.name],
                         lines={shop.catalog.bench.pk: quantity})
    assert differences(tenant.org.pk) == {}
    gp = GroupPurchase.objects.get(pk=pool.group_purchase.pk)
    group_purchase_close(group_purchase=gp, acting_user=tenant.users["commerce"])  # 23 of 40
    participant_fall_back(participant=pool.place(b), acting_user=pool.users[b.name])
    participant_withdraw(participant=pool.place(c), acting_user=pool.users[c.name])
    assert differences(tenant.org.pk) == {}
    group_purchase_cancel(group_purchase=GroupPurchase.objects.get(pk=gp.pk),
                          acting_user=tenant.users["commerce"], reason="کم بود")
    assert differences(tenant.org.pk) == {}
    assert not Order.objects.exists()
    assert sum(cell.get("needs", 0) for cell in cells(MunicipalityMonth, "municipality").values()) == 3


def test_a_domain_moved_under_another_takes_its_service_levels(tenant, shop):
    """A need of a sub-domain is judged by its parent's targets; moved under another parent, by that one's."""
    admin = tenant.users["admin"]
    benches = domain_create(acting_user=admin,
                            data={"code": "benches", "name": "نیمکت", "parent": tenant.furniture})
    need = shop.triage(shop.need(), domain=benches)
    stamp(Need, need.pk, submitted_at=need.triaged_at - dt.timedelta(hours=5))  # triaged in 5 hours
    shop.set_level(tenant.furniture, triage_hours=2)
    shop.set_level(tenant.green, triage_hours=8)
    month = jalali_month(need.submitted_at)

    def triage_met() -> int:
        catch_up()
        cell = MunicipalityMonth.objects.get(municipality=tenant.district9, domain=benches, month=month)
        return cell.clocks_met

    assert triage_met() == 0  # furniture's 2 hours
    domain_update(domain=benches, acting_user=admin, data={"parent": tenant.green})
    assert triage_met() == 1  # green's 8 hours
    assert differences(tenant.org.pk) == {}


def test_the_demo_ends_with_what_the_rebuild_command_gives(db):
    """The demo goes through the services and stamps its story's times as announced writes: its rollups,
    kept as it loads, are what `rebuild_rollups` computes from scratch afterwards."""
    call_command("load_demo", stdout=StringIO())
    org = Organization.objects.get(slug=demo.ORGANIZATION["slug"])
    kept = rollups(org.pk)
    orders, needs = Order.objects.filter(organization=org).count(), len(kept["needs"])
    assert len(kept["orders"]) == orders > 0 and needs == Need.objects.filter(
        organization=org, submitted_at__isnull=False).count() > 0
    assert len({month for _owner, _domain, month in kept["municipality_cells"]}) >= 3  # months of its story
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert out.getvalue().startswith(f"{org.name}: orders {orders}, needs {needs}, municipality_cells ")
    assert rollups(org.pk) == kept
