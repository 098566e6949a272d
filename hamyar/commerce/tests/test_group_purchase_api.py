"""The group purchase API: every route's happy path by the role it serves, refusals as Persian JSON 4xx
that write nothing, and scoping (a municipality reads its own place only; another tenant reads nothing)."""

import datetime as dt
import json
import re

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.choices import GroupPurchaseStatus, ParticipantStatus
from hamyar.commerce.models import GroupPurchase, Order, Participant
from hamyar.core.models import AuditEvent
from hamyar.core.testing import nothing_written

from .group_data import bench_pool

API = "/api/v1/commerce/group-purchases"
APPS = ("commerce", "needs", "directory", "accounts", "catalog")
PERSIAN = re.compile("[\u0600-\u06ff]")
TIER_1, TIER_10, TIER_50 = 195_000_000, 187_200_000, 179_400_000


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body=None):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def get(client: Client, path: str = "", **params):
    return client.get(f"{API}{path}", params)


@pytest.fixture
def pool(tenant):
    return bench_pool(tenant)


def town(pool, i: int = 0) -> Client:
    return session(pool.users[pool.towns[i].name])


def lines(pool, quantity: int) -> dict:
    return {"lines": [{"item": pool.catalog.bench.pk, "quantity": quantity}]}


def joined(pool, client: Client, quantity: int) -> dict:
    response = post(client, f"/{pool.group_purchase.pk}/join", lines(pool, quantity))
    assert response.status_code == 200, response.content
    return response.json()


def counts(pool) -> tuple:
    places = Participant.objects.filter(group_purchase=pool.group_purchase)
    return (places.aggregate(n=Sum("quantity"))["n"], places.filter(status=ParticipantStatus.JOINED).count(),
            Order.objects.count(), AuditEvent.objects.count())


def refused(response, status: int, *phrases: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert PERSIAN.search(body["detail"]), body
    for phrase in phrases:
        assert phrase in body["detail"], body
    return body


# ---------------------------------------------------------------- the officer's steps


def test_an_officer_creates_a_pool_sees_candidates_and_invites(tenant):
    catalog = build_catalog(tenant)
    officer = session(tenant.users["commerce"])
    today = timezone.localdate()
    created = post(officer, "", {"title": "نیمکت برای پارک‌ها", "items": [catalog.bench.pk],
                                 "closes_on": (today + dt.timedelta(days=7)).isoformat(),
                                 "minimum_quantity": 20, "target_quantity": 50, "max_per_municipality": 100,
                                 "per_thousand_residents": "0.5"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["number"].startswith("G-")
    assert body["agreement"]["number"] == tenant.agreement.number and body["agreement"]["ends_on_jalali"]
    assert body["closes_on_jalali"].startswith("14")
    assert [(t["from_quantity"], t["prices"][0]["unit_price"], t["target"]) for t in body["tiers"]] == [
        (1, TIER_1, False), (10, TIER_10, False), (50, TIER_50, True)]
    assert body["pooled_quantity"] == 0 and body["to_minimum"] == 20 and body["places"] == []

    candidates = get(officer, f"/{body['id']}/candidates")
    assert candidates.status_code == 200
    by_place = {row["municipality"]["id"]: row for row in candidates.json()}
    assert by_place[tenant.district10.pk]["suggested"] and not by_place[tenant.district10.pk]["invited"]

    invited = post(officer, f"/{body['id']}/invitations",
                   {"municipalities": [{"municipality": tenant.district10.pk},
                                       {"municipality": tenant.district9.pk, "reason": "نیاز پارک ملت",
                                        "suggested_quantity": 8}]})
    assert invited.status_code == 200, invited.content
    places = {p["municipality"]["id"]: p for p in invited.json()["places"]}
    assert places[tenant.district9.pk]["invitation_reason"] == "نیاز پارک ملت"
    assert "125" in places[tenant.district10.pk]["invitation_reason"]  # the suggested reason, 250,000 × 0.5
    assert places[tenant.district10.pk]["status"] == "invited"
    assert [row["id"] for row in get(officer).json()["items"]] == [body["id"]]


def test_an_invalid_pool_is_refused_in_persian_and_nothing_is_written(tenant):
    catalog = build_catalog(tenant)
    officer = session(tenant.users["commerce"])
    with nothing_written(*APPS):
        response = post(officer, "", {"title": "نیمکت", "items": [catalog.bench.pk],
                                      "closes_on": timezone.localdate().isoformat(),
                                      "minimum_quantity": 20, "target_quantity": 30})
    assert "target_quantity" in refused(response, 422, "50")["fields"]
    municipality = session(tenant.users["district9"])
    with nothing_written(*APPS):
        refused(post(municipality, "", {"title": "x", "items": [catalog.bench.pk],
                     "closes_on": timezone.localdate().isoformat(), "minimum_quantity": 1,
                     "target_quantity": 50}), 403)


def test_the_whole_pool_joined_closed_and_allocated(tenant, pool):
    gp = pool.group_purchase.pk
    first = joined(pool, town(pool, 0), 12)
    assert first["own"]["quantity"] == 12 and first["pooled_quantity"] == 12
    assert first["own"]["expected_subtotal"] == 12 * TIER_10 and first["own"]["expected_saving"] == 0
    changed = post(town(pool, 0), f"/{gp}/change", lines(pool, 15))
    assert changed.status_code == 200 and changed.json()["own"]["quantity"] == 15
    joined(pool, town(pool, 1), 12)
    joined(pool, session(tenant.users["district9"]), 25)
    mine = get(town(pool, 0), f"/{gp}").json()
    assert mine["pooled_quantity"] == 52 and mine["joined_count"] == 3 and mine["current_tier"] == 50
    assert [p["municipality"]["id"] for p in mine["places"]] == [pool.towns[0].pk]
    assert mine["own"]["expected_subtotal"] == 15 * TIER_50
    assert mine["own"]["expected_saving"] == 15 * (TIER_10 - TIER_50)

    closed = post(session(tenant.users["commerce"]), f"/{gp}/close")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "allocated" and closed.json()["supplier_order"]["number"]
    assert len(closed.json()["places"]) == 4  # District 9, the three towns (one only invited)
    mine = get(town(pool, 0), f"/{gp}").json()
    order = Participant.objects.get(group_purchase_id=gp, municipality=pool.towns[0]).order
    assert mine["own"]["order"] == {"id": order.pk, "number": order.number}
    assert mine["own"]["total"] == order.total and mine["supplier_order"] is None
    assert mine["pooled_quantity"] == 52 and [p["municipality"]["id"] for p in mine["places"]] == [
        pool.towns[0].pk]
    assert mine["items"][0]["unit_price"] == TIER_50
    supplier = get(session(tenant.users["supplier"]), f"/{gp}").json()
    assert len(supplier["places"]) == 4 and supplier["own"] is None


def test_below_the_minimum_a_place_waits_or_falls_back_and_the_officer_extends_or_cancels(tenant, pool):
    gp = pool.group_purchase.pk
    joined(pool, town(pool, 0), 10)
    joined(pool, town(pool, 1), 5)
    officer = session(tenant.users["commerce"])
    closed = post(officer, f"/{gp}/close").json()
    assert closed["status"] == "closed" and closed["to_minimum"] == 25
    waiting = post(town(pool, 0), f"/{gp}/wait")
    assert waiting.status_code == 200 and waiting.json()["own"]["waiting"] is True
    assert post(session(tenant.users["district10"]), f"/{gp}/wait").status_code == 404
    until = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    extended = post(officer, f"/{gp}/extend", {"closes_on": until})
    assert extended.status_code == 200 and extended.json()["status"] == "open"
    assert extended.json()["closes_on"] == until
    withdrawn = post(town(pool, 0), f"/{gp}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["own"]["status"] == "withdrawn"
    with nothing_written(*APPS):
        refused(post(officer, f"/{gp}/cancel", {"reason": "  "}), 422)
    cancelled = post(officer, f"/{gp}/cancel", {"reason": "بودجه نرسید"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "بودجه نرسید"


def test_the_list_is_scoped_and_filtered(tenant, other_tenant, pool):
    assert [r["number"] for r in get(town(pool, 0)).json()["items"]] == [pool.group_purchase.number]
    assert get(session(tenant.users["district10"])).json()["items"] == []
    assert get(session(other_tenant.users["commerce"])).json()["items"] == []
    officer = session(tenant.users["commerce"])
    assert len(get(officer, status="open").json()["items"]) == 1
    assert get(officer, status="done").json()["items"] == []


# ---------------------------------------------------------------- refusals write nothing


def test_joining_after_close_is_409_in_persian_and_writes_nothing(tenant, pool):
    joined(pool, town(pool, 0), 45)
    post(session(tenant.users["commerce"]), f"/{pool.group_purchase.pk}/close")
    before, client = counts(pool), town(pool, 1)
    with nothing_written(*APPS):
        response = post(client, f"/{pool.group_purchase.pk}/join", lines(pool, 5))
    assert refused(response, 409, pool.group_purchase.number, "باز")["code"] == "group_purchase_closed"
    assert counts(pool) == before


@pytest.mark.parametrize("quantity", [0, -3, 201])
def test_a_quantity_below_one_or_above_the_cap_is_422_and_writes_nothing(pool, quantity):
    before, client = counts(pool), town(pool, 0)
    with nothing_written(*APPS):
        response = post(client, f"/{pool.group_purchase.pk}/join", lines(pool, quantity))
    body = refused(response, 422, *(["200"] if quantity > 0 else []))
    assert "quantity" in body["fields"]
    assert counts(pool) == before


@pytest.mark.parametrize("body", [{"lines": []}, {"lines": [{"item": 10**9, "quantity": 3}]},
                                  {"lines": [{"item": 1, "quantity": "3"}]}, {"lines": "many"},
                                  {"lines": [{"item": 1, "quantity": 3}], "for": 5}])
def test_a_malformed_share_is_422_and_writes_nothing(pool, body):
    client = town(pool, 0)
    with nothing_written(*APPS):
        assert post(client, f"/{pool.group_purchase.pk}/join", body).status_code == 422


def test_an_item_twice_is_422(pool):
    twice = {"lines": [{"item": pool.catalog.bench.pk, "quantity": 3}] * 2}
    client = town(pool, 0)
    with nothing_written(*APPS):
        assert "lines" in refused(post(client, f"/{pool.group_purchase.pk}/join", twice), 422)["fields"]


def test_no_one_joins_for_a_municipality_not_invited_or_of_another_tenant(tenant, other_tenant, pool):
    gp = pool.group_purchase.pk
    before = counts(pool)
    for user in (tenant.users["district10"], other_tenant.users["district9"]):
        client = session(user)
        with nothing_written(*APPS):
            refused(post(client, f"/{gp}/join", lines(pool, 5)), 404)
    officer = session(tenant.users["commerce"])
    with nothing_written(*APPS):
        refused(post(officer, f"/{gp}/join", lines(pool, 5)), 403)
    assert counts(pool) == before


def test_closing_an_empty_pool_or_twice_is_409_and_writes_nothing(tenant, pool):
    officer = session(tenant.users["commerce"])
    gp = pool.group_purchase.pk
    with nothing_written(*APPS):
        body = refused(post(officer, f"/{gp}/close"), 409, pool.group_purchase.number)
    assert body["code"] == "group_purchase_empty"
    joined(pool, town(pool, 0), 45)
    assert post(officer, f"/{gp}/close").status_code == 200
    before = counts(pool)
    with nothing_written(*APPS):
        assert refused(post(officer, f"/{gp}/close"), 409)["code"] == "group_purchase_state"
    assert counts(pool) == before
    assert GroupPurchase.objects.get(pk=gp).status == GroupPurchaseStatus.ALLOCATED


def test_a_municipality_or_the_supplier_cannot_take_the_officers_steps(tenant, pool):
    gp = pool.group_purchase.pk
    joined(pool, town(pool, 0), 45)
    for who in ("district9", "supplier"):
        client = session(tenant.users[who])
        with nothing_written(*APPS):
            refused(post(client, f"/{gp}/close"), 403)
            refused(post(client, f"/{gp}/cancel", {"reason": "خیر"}), 403)
            refused(post(client, f"/{gp}/invitations",
                         {"municipalities": [{"municipality": tenant.district10.pk}]}), 403)
        assert get(client, f"/{gp}/candidates").status_code == 403


def test_another_tenant_reads_and_writes_nothing_of_the_pool(other_tenant, pool):
    gp = pool.group_purchase.pk
    for who in ("commerce", "admin", "supplier", "district9"):
        client = session(other_tenant.users[who])
        for path in ("", "/candidates", "/share.pdf"):
            assert get(client, f"/{gp}{path}").status_code == 404, (who, path)
        with nothing_written(*APPS):
            for step in ("close", "withdraw", "wait", "fall-back"):
                refused(post(client, f"/{gp}/{step}"), 404)
            refused(post(client, f"/{gp}/cancel", {"reason": "x"}), 404)


def test_a_municipality_not_invited_reads_nothing_of_the_pool(tenant, pool):
    client = session(tenant.users["district10"])
    for path in ("", "/candidates", "/share.pdf"):
        assert get(client, f"/{pool.group_purchase.pk}{path}").status_code == 404


def test_below_the_minimum_a_place_falls_back_to_an_individual_quotation(tenant, pool):
    gp = pool.group_purchase.pk
    joined(pool, town(pool, 0), 10)
    post(session(tenant.users["commerce"]), f"/{gp}/close")
    back = post(town(pool, 0), f"/{gp}/fall-back")
    assert back.status_code == 200 and back.json()["own"]["status"] == "fell_back"
    assert back.json()["pooled_quantity"] == 0
