"""The group purchase pages as each role opens them: the list, a new pool, one pool with its tiers and
each role's part in it, every action's happy path and its refusals (nothing written)."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hamyar.commerce.choices import GroupPurchaseStatus, ParticipantStatus
from hamyar.commerce.models import GroupPurchase, Order, Participant
from hamyar.commerce.services import group_purchase_close, participant_join
from hamyar.core.jalali import format_jalali_date
from hamyar.directory.models import Municipality

from .group_data import bench_pool

BENCH_10, BENCH_50 = 187_200_000, 179_400_000


@pytest.fixture
def pool(tenant):
    return bench_pool(tenant)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def join(pool, municipality, quantity):
    user = pool.users.get(municipality.name) or pool.users["district9"]
    return participant_join(participant=pool.place(municipality), acting_user=user,
                            lines={pool.catalog.bench.pk: quantity})


def url(name, pool, *args):
    return reverse(f"commerce:{name}", args=[pool.group_purchase.pk, *args])


def fa_number(n: int) -> str:
    return f"{n:,}".replace(",", "٬").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def fa_digits(value: str) -> str:
    return value.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- the list


def test_officer_lists_every_pool_and_may_start_one(tenant, pool):
    response = client_of(tenant.users["commerce"]).get(reverse("commerce:group_purchase_list"))
    assert response.status_code == 200
    body = text(response)
    assert pool.group_purchase.title in body
    assert 'id="new-group-purchase"' in body
    assert format_jalali_date(pool.group_purchase.closes_on) in body


def test_municipality_lists_its_pools_with_its_place(tenant, pool):
    join(pool, pool.towns[0], 12)
    response = client_of(pool.users[pool.towns[0].name]).get(reverse("commerce:group_purchase_list"))
    body = text(response)
    assert response.status_code == 200
    assert pool.group_purchase.title in body
    assert 'id="new-group-purchase"' not in body
    # Alone 12 pay the tier of 10; pooled (12) the same tier: no saving yet.
    assert "× " + fa_number(12) in body
    join(pool, pool.towns[1], 40)  # 52 pooled: the tier of 50
    body = text(client_of(pool.users[pool.towns[0].name]).get(reverse("commerce:group_purchase_list")))
    assert fa_number(12 * (BENCH_10 - BENCH_50)) in body


def test_municipality_not_invited_sees_no_pool(tenant, pool):
    other = client_of(tenant.users["district10"])
    assert pool.group_purchase.title not in text(other.get(reverse("commerce:group_purchase_list")))
    assert other.get(url("group_purchase_detail", pool)).status_code == 404
    assert other.get(url("group_purchase_pool", pool)).status_code == 404
    joined = other.post(url("group_purchase_join", pool), {f"item_{pool.catalog.bench.pk}": 5})
    assert joined.status_code == 404
    assert Participant.objects.filter(group_purchase=pool.group_purchase,
                                      status=ParticipantStatus.JOINED).count() == 0


def test_other_tenant_gets_404(tenant, other_tenant, pool):
    for who in ("commerce", "district9", "executive"):
        client = client_of(other_tenant.users[who])
        assert client.get(url("group_purchase_detail", pool)).status_code == 404
        assert pool.group_purchase.title not in text(client.get(reverse("commerce:group_purchase_list")))
    closed = client_of(other_tenant.users["commerce"]).post(url("group_purchase_close", pool))
    assert closed.status_code == 404


def test_the_menu_offers_group_purchases_where_they_open(tenant, pool):
    link = f'href="{reverse("commerce:group_purchase_list")}"'
    for who in ("commerce", "executive", "supplier", "district9"):
        assert link in text(client_of(tenant.users[who]).get("/")), who
    manager = client_of(tenant.users["project_manager"])
    assert link not in text(manager.get("/"))
    assert manager.get(reverse("commerce:group_purchase_list")).status_code == 403


# ---------------------------------------------------------------- a new pool


def create_data(pool, **changes):
    today = timezone.localdate()
    data = {"title": "نیمکت دوم", "items": [pool.catalog.bench.pk],
            "opens_on": format_jalali_date(today),
            "closes_on": format_jalali_date(today + dt.timedelta(days=7)),
            "minimum_quantity": "20", "target_quantity": "50", "max_per_municipality": "100",
            "per_thousand_residents": "0.25", "per_hectare": "", "asset_kind": "", "description": ""}
    data.update(changes)
    return data


def test_officer_creates_a_pool(tenant, pool):
    client = client_of(tenant.users["commerce"])
    form = client.get(reverse("commerce:group_purchase_create"))
    assert form.status_code == 200 and pool.catalog.bench.name in text(form)
    # Only represented suppliers' items: not the lamp (its supplier's agreement ended), not the sapling
    # (an affiliated company's).
    assert pool.catalog.lamp.name not in text(form) and pool.catalog.sapling.name not in text(form)
    response = client.post(reverse("commerce:group_purchase_create"), create_data(pool))
    assert response.status_code == 302, text(response)[:3000]
    made = GroupPurchase.objects.get(title="نیمکت دوم")
    assert response["Location"] == reverse("commerce:group_purchase_detail", args=[made.pk])
    assert made.target_quantity == 50 and made.max_per_municipality == 100


def test_a_target_off_the_tiers_is_refused_on_the_form(tenant, pool):
    client = client_of(tenant.users["commerce"])
    response = client.post(reverse("commerce:group_purchase_create"), create_data(pool, target_quantity="30"))
    assert response.status_code == 422
    assert "invalid-feedback" in text(response)
    assert not GroupPurchase.objects.filter(title="نیمکت دوم").exists()
    response = client.post(reverse("commerce:group_purchase_create"), create_data(pool, items=[]))
    assert response.status_code == 422


def test_only_officers_open_the_create_page(tenant, pool):
    for who in ("district9", "supplier", "executive", "finance"):
        assert client_of(tenant.users[who]).get(reverse("commerce:group_purchase_create")).status_code == 403


# ---------------------------------------------------------------- one pool, by role


def test_municipality_sees_its_own_place_not_the_others(tenant, pool):
    join(pool, pool.towns[0], 12)
    join(pool, pool.towns[1], 33)
    body = text(client_of(pool.users[pool.towns[0].name]).get(url("group_purchase_detail", pool)))
    assert 'id="own-place"' in body and 'id="change-submit"' in body and 'id="withdraw"' in body
    assert "دعوت آزمایشی" in body  # the invitation's reason
    assert 'id="participants"' not in body
    assert pool.towns[1].name not in body  # another municipality's place is not shown
    assert fa_number(45) in body  # the pooled total is
    assert 'id="tier-10"' in body and "tier-current" in body


def test_officer_sees_participants_and_candidates(tenant, pool):
    join(pool, pool.towns[0], 12)
    body = text(client_of(tenant.users["commerce"]).get(url("group_purchase_detail", pool)))
    assert 'id="participants"' in body
    for town in pool.towns:
        assert town.name in body
    assert 'id="close-pool"' in body and 'id="cancel-pool"' in body
    assert 'id="own-place"' not in body


def test_executive_reads_only(tenant, pool):
    join(pool, pool.towns[0], 12)
    body = text(client_of(tenant.users["executive"]).get(url("group_purchase_detail", pool)))
    assert 'id="participants"' in body
    assert 'method="post"' not in body.split('id="pool"')[1]


def test_the_pool_fragment_for_htmx(tenant, pool):
    join(pool, pool.towns[0], 12)
    response = client_of(pool.users[pool.towns[0].name]).get(url("group_purchase_pool", pool),
                                                              HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith("<div") and "<html" not in body
    assert 'hx-trigger="every 10s"' in body and fa_number(12) in body


# ---------------------------------------------------------------- a municipality's steps


def test_join_change_and_withdraw(tenant, pool):
    town = pool.towns[0]
    client = client_of(pool.users[town.name])
    field = f"item_{pool.catalog.bench.pk}"
    assert client.post(url("group_purchase_join", pool), {field: "12"}).status_code == 302
    assert pool.place(town).quantity == 12 and pool.place(town).status == ParticipantStatus.JOINED
    assert client.post(url("group_purchase_change", pool), {field: "20"}).status_code == 302
    assert pool.place(town).quantity == 20
    assert client.post(url("group_purchase_withdraw", pool)).status_code == 302
    assert pool.place(town).status == ParticipantStatus.WITHDRAWN


def test_bad_quantities_are_refused_with_nothing_written(tenant, pool):
    town = pool.towns[0]
    client = client_of(pool.users[town.name])
    field = f"item_{pool.catalog.bench.pk}"
    for bad in ("0", "201", ""):
        response = client.post(url("group_purchase_join", pool), {field: bad})
        assert response.status_code == 422, bad
        assert 'id="join-errors"' in text(response) or "invalid-feedback" in text(response)
    assert pool.place(town).status == ParticipantStatus.INVITED


def test_join_after_close_is_409(tenant, pool):
    join(pool, pool.towns[0], 45)
    group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    response = client_of(pool.users[pool.towns[1].name]).post(url("group_purchase_join", pool),
                                                              {f"item_{pool.catalog.bench.pk}": "5"})
    assert response.status_code == 409
    assert 'id="group-error"' in text(response)
    assert pool.place(pool.towns[1]).status == ParticipantStatus.INVITED


def test_officers_cannot_join(tenant, pool):
    response = client_of(tenant.users["commerce"]).post(url("group_purchase_join", pool),
                                                        {f"item_{pool.catalog.bench.pk}": "5"})
    assert response.status_code == 403


def test_below_the_minimum_the_three_choices(tenant, pool):
    join(pool, pool.towns[0], 12)
    join(pool, pool.towns[1], 10)
    group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    first = client_of(pool.users[pool.towns[0].name])
    body = text(first.get(url("group_purchase_detail", pool)))
    assert 'id="wait"' in body and 'id="fall-back"' in body and 'id="withdraw"' in body
    assert first.post(url("group_purchase_wait", pool)).status_code == 302
    assert pool.place(pool.towns[0]).waiting_since is not None
    second = client_of(pool.users[pool.towns[1].name])
    assert second.post(url("group_purchase_withdraw", pool)).status_code == 302
    assert pool.place(pool.towns[1]).status == ParticipantStatus.WITHDRAWN
    officer = client_of(tenant.users["commerce"])
    assert 'id="extend-pool"' in text(officer.get(url("group_purchase_detail", pool)))
    later = format_jalali_date(timezone.localdate() + dt.timedelta(days=5))
    assert officer.post(url("group_purchase_extend", pool), {"closes_on": later}).status_code == 302
    pool.group_purchase.refresh_from_db()
    assert pool.group_purchase.status == GroupPurchaseStatus.OPEN


def test_below_the_minimum_asking_for_an_individual_quotation(tenant, pool):
    join(pool, pool.towns[0], 12)
    group_purchase_close(group_purchase=pool.group_purchase, acting_user=tenant.users["commerce"])
    client = client_of(pool.users[pool.towns[0].name])
    assert client.post(url("group_purchase_fall_back", pool)).status_code == 302
    assert pool.place(pool.towns[0]).status == ParticipantStatus.FELL_BACK


# ---------------------------------------------------------------- the officers' steps


def test_close_allocates_and_each_sees_its_order(tenant, pool):
    for town in pool.towns:
        join(pool, town, 12)
    join(pool, tenant.district9, 20)
    officer = client_of(tenant.users["commerce"])
    assert officer.post(url("group_purchase_close", pool)).status_code == 302
    pool.group_purchase.refresh_from_db()
    assert pool.group_purchase.status == GroupPurchaseStatus.ALLOCATED
    body = text(officer.get(url("group_purchase_detail", pool)))
    assert 'id="totals"' in body
    assert fa_digits(pool.group_purchase.order_number) in body
    place = pool.place(pool.towns[0])
    mine = text(client_of(pool.users[pool.towns[0].name]).get(url("group_purchase_detail", pool)))
    assert reverse("commerce:order_detail", args=[place.order_id]) in mine
    assert fa_number(12 * (BENCH_10 - BENCH_50)) in mine  # its saving
    others = Order.objects.filter(group_share__group_purchase=pool.group_purchase).exclude(pk=place.order_id)
    for order in others:
        assert reverse("commerce:order_detail", args=[order.pk]) not in mine
    supplier = text(client_of(tenant.users["supplier"]).get(url("group_purchase_detail", pool)))
    assert 'id="supplier-order"' in supplier
    for order in Order.objects.filter(group_share__group_purchase=pool.group_purchase):
        assert reverse("commerce:order_detail", args=[order.pk]) in supplier
    # Closing twice: 409, nothing changes.
    again = officer.post(url("group_purchase_close", pool))
    assert again.status_code == 409 and 'id="group-error"' in text(again)


def test_closing_an_empty_pool_is_409(tenant, pool):
    response = client_of(tenant.users["commerce"]).post(url("group_purchase_close", pool))
    assert response.status_code == 409
    pool.group_purchase.refresh_from_db()
    assert pool.group_purchase.status == GroupPurchaseStatus.OPEN


def test_only_officers_close(tenant, pool):
    join(pool, pool.towns[0], 45)
    for who in ("executive", "supplier", "district9"):
        assert client_of(tenant.users[who]).post(url("group_purchase_close", pool)).status_code == 403
    pool.group_purchase.refresh_from_db()
    assert pool.group_purchase.status == GroupPurchaseStatus.OPEN


def test_cancel_needs_a_reason(tenant, pool):
    officer = client_of(tenant.users["commerce"])
    assert officer.post(url("group_purchase_cancel", pool), {"reason": ""}).status_code == 422
    assert officer.post(url("group_purchase_cancel", pool), {"reason": "بودجه نرسید"}).status_code == 302
    pool.group_purchase.refresh_from_db()
    assert pool.group_purchase.status == GroupPurchaseStatus.CANCELLED
    assert pool.group_purchase.cancel_reason == "بودجه نرسید"
    # Every invited municipality reads why, on the pool's page.
    page = text(client_of(pool.users[pool.towns[0].name]).get(url("group_purchase_detail", pool)))
    assert 'id="cancel-reason"' in page and "بودجه نرسید" in page


def test_invite_a_candidate(tenant, pool):
    officer = client_of(tenant.users["commerce"])
    body = text(officer.get(url("group_purchase_detail", pool)))
    assert 'id="invite-form"' in body
    target = Municipality.objects.get(pk=int(re.search(r'name="invite_(\d+)"', body).group(1)))
    response = officer.post(url("group_purchase_invite", pool),
                            {f"invite_{target.pk}": "on", f"reason_{target.pk}": "جمعیت",
                             f"suggested_{target.pk}": "7"})
    assert response.status_code == 302
    place = Participant.objects.get(group_purchase=pool.group_purchase, municipality=target)
    assert place.suggested_quantity == 7 and place.status == ParticipantStatus.INVITED
    # Nothing chosen: 422, nothing written.
    assert officer.post(url("group_purchase_invite", pool), {}).status_code == 422
