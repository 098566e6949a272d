"""The orders API: the happy path over HTTP, refusals as JSON 4xx that write nothing, scoping,
keyset pages and flat query counts."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import services
from hamyar.commerce.choices import OrderStatus
from hamyar.commerce.models import Delivery, Order, Rating
from hamyar.core.testing import nothing_written
from hamyar.needs.choices import NeedStatus

from .order_data import placed_order

API = "/api/v1/commerce"
APPS = ("commerce", "needs", "directory", "accounts")


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body=None, **extra):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json", **extra)


def get(client: Client, path: str, **params):
    return client.get(f"{API}{path}", params)


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


@pytest.fixture
def order(tenant, catalog) -> Order:
    return placed_order(tenant, catalog)


@pytest.fixture
def started(tenant, order) -> Order:
    return services.order_start(order=order, acting_user=tenant.users["supplier"])


def line_id(order: Order) -> int:
    return order.lines.get().pk


def delivery_body(order: Order, quantity: int, **extra) -> dict:
    return {"lines": [{"order_line": line_id(order), "quantity": quantity}],
            "delivered_on": timezone.localdate().isoformat(), "note": "تحویل در انبار پارک", **extra}


def test_the_whole_order_over_the_api(tenant, order):
    supplier, d9 = session(tenant.users["supplier"]), session(tenant.users["district9"])

    started = post(supplier, f"/orders/{order.pk}/start")
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "in_fulfilment"

    first = post(supplier, f"/orders/{order.pk}/deliveries", delivery_body(order, 25))
    assert first.status_code == 201, first.content
    assert first.json()["lines"] == [
        {"order_line_id": line_id(order), "description": "نیمکت پارکی فلزی دو متری", "quantity": 25}]
    assert first.json()["status"] == "awaiting_receipt" and first.json()["receipt"] is None
    second = post(supplier, f"/orders/{order.pk}/deliveries", delivery_body(order, 15))
    assert second.status_code == 201

    awaiting = get(d9, "/deliveries", status="awaiting_receipt").json()["items"]
    assert {d["id"] for d in awaiting} == {first.json()["id"], second.json()["id"]}
    for delivery in awaiting:
        confirmed = post(d9, f"/deliveries/{delivery['id']}/confirm")
        assert confirmed.status_code == 200, confirmed.content
        assert confirmed.json()["status"] == "received" and confirmed.json()["receipt"]["accepted"] is True

    detail = get(d9, f"/orders/{order.pk}").json()
    assert detail["status"] == "closed" and detail["closed_at"]
    assert detail["lines"][0] | {"id": 0, "item_id": 0} == {
        "id": 0, "item_id": 0, "description": "نیمکت پارکی فلزی دو متری", "unit": "piece", "quantity": 40,
        "delivered_quantity": 40, "received_quantity": 40, "remaining_quantity": 0, "unit_price": 187_200_000}
    assert [detail[f"quantity_{k}"] for k in ("ordered", "delivered", "received")] == [40, 40, 40]
    order.need.refresh_from_db()
    assert order.need.status == NeedStatus.FULFILLED

    rated = post(d9, f"/orders/{order.pk}/rate", {"score": 4, "comment": "خوب بود"})
    assert rated.status_code == 201, rated.content
    assert rated.json()["on_time"] is True
    card = get(session(tenant.users["commerce"]), f"/providers/{tenant.supplier.pk}/scorecard").json()
    assert card["average"] == 4.0 and card["rated"] == 1 and card["on_time_rate"] == 1.0
    assert card["closed"] == 1 and card["deliveries_received"] == 2 and card["score_counts"]["4"] == 1
    assert [r["score"] for r in card["ratings"]] == [4]
    assert get(d9, f"/orders/{order.pk}").json()["rating"]["score"] == 4


def test_a_retried_delivery_post_with_the_same_idempotency_key_records_one_delivery(tenant, started):
    supplier = session(tenant.users["supplier"])
    body = delivery_body(started, 10)
    first = post(supplier, f"/orders/{started.pk}/deliveries", body, HTTP_IDEMPOTENCY_KEY="d-1")
    again = post(supplier, f"/orders/{started.pk}/deliveries", body, HTTP_IDEMPOTENCY_KEY="d-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Delivery.objects.count() == 1 and started.lines.get().delivered_quantity == 10


# ---------------------------------------------------------------- refusals


def test_delivering_more_than_ordered_is_422_in_persian_and_writes_nothing(tenant, started):
    supplier = session(tenant.users["supplier"])
    with nothing_written(*APPS):
        response = post(supplier, f"/orders/{started.pk}/deliveries", delivery_body(started, 41))
    assert response.status_code == 422
    assert response.json()["code"] == "quantity"
    assert "40" in response.json()["detail"] and "۴۱" not in response.json()["detail"]
    assert post(supplier, f"/orders/{started.pk}/deliveries", delivery_body(started, 25)).status_code == 201
    with nothing_written(*APPS):
        response = post(supplier, f"/orders/{started.pk}/deliveries", delivery_body(started, 16))
    assert response.status_code == 422 and "lines" in response.json()["fields"]


BAD_DELIVERIES = {
    "empty body": lambda order: {},
    "no lines": lambda order: {**delivery_body(order, 5), "lines": []},
    "zero": lambda order: delivery_body(order, 0),
    "negative": lambda order: delivery_body(order, -2),
    "text quantity": lambda order: {**delivery_body(order, 5), "lines": [{"order_line": line_id(order),
                                                                          "quantity": "5"}]},
    "another order's line": lambda order: {**delivery_body(order, 5), "lines": [
        {"order_line": line_id(order) + 1000, "quantity": 1}]},
    "day-first date": lambda order: {**delivery_body(order, 5), "delivered_on": "20-01-1405"},
    "year in neither calendar": lambda order: {**delivery_body(order, 5), "delivered_on": "2648-01-20"},
    "future date": lambda order: {**delivery_body(order, 5), "delivered_on": "2999-01-01"},
    "no date": lambda order: {"lines": delivery_body(order, 5)["lines"]},
    "lines not a list": lambda order: {**delivery_body(order, 5), "lines": "x"},
    "unknown field": lambda order: {**delivery_body(order, 5), "unknown": 1},
    "long note": lambda order: {**delivery_body(order, 5), "note": "x" * 2001},
}


@pytest.mark.parametrize("case", list(BAD_DELIVERIES))
def test_bad_delivery_input_is_422_and_writes_nothing(tenant, started, case):
    supplier = session(tenant.users["supplier"])
    with nothing_written(*APPS):
        response = post(supplier, f"/orders/{started.pk}/deliveries", BAD_DELIVERIES[case](started))
    assert response.status_code == 422, response.content
    assert response.json()["detail"] and response.json()["fields"]  # a message, and the field it is about


def test_the_same_line_twice_in_one_delivery_is_refused(tenant, started):
    body = delivery_body(started, 20)
    body["lines"] = body["lines"] * 2
    supplier = session(tenant.users["supplier"])
    with nothing_written(*APPS):
        response = post(supplier, f"/orders/{started.pk}/deliveries", body)
    assert response.status_code == 422


def test_another_municipality_cannot_receive_and_receiving_twice_is_409(tenant, started):
    delivery = services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                        quantities={line_id(started): 25}, delivered_on=timezone.localdate())
    d10, d9 = session(tenant.users["district10"]), session(tenant.users["district9"])
    with nothing_written(*APPS):
        refused = post(d10, f"/deliveries/{delivery.pk}/confirm")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert post(d9, f"/deliveries/{delivery.pk}/confirm").status_code == 200
    with nothing_written(*APPS):
        twice = post(d9, f"/deliveries/{delivery.pk}/confirm")
    assert twice.status_code == 409 and twice.json()["code"] == "delivery_state"
    with nothing_written(*APPS):
        late_rejection = post(d9, f"/deliveries/{delivery.pk}/reject", {"reason": "خراب"})
    assert late_rejection.status_code == 409


def test_rejecting_needs_a_reason_and_reopens_the_line(tenant, started):
    delivery = services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                        quantities={line_id(started): 40}, delivered_on=timezone.localdate())
    d9 = session(tenant.users["district9"])
    with nothing_written(*APPS):
        response = post(d9, f"/deliveries/{delivery.pk}/reject", {"reason": "  "})
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    response = post(d9, f"/deliveries/{delivery.pk}/reject", {"reason": "رنگ نیمکت‌ها اشتباه است"})
    assert response.status_code == 200
    assert response.json()["receipt"] | {"created_at": None} == {
        "accepted": False, "reason": "رنگ نیمکت‌ها اشتباه است", "decided_by": "kr-d9", "created_at": None}
    detail = get(d9, f"/orders/{started.pk}").json()
    assert detail["status"] == "in_fulfilment" and detail["lines"][0]["remaining_quantity"] == 40


@pytest.fixture
def closed(tenant, started) -> Order:
    delivery = services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                        quantities={line_id(started): 40}, delivered_on=timezone.localdate())
    services.receipt_confirm(delivery=delivery, acting_user=tenant.users["district9"])
    return started


@pytest.mark.parametrize("score", [0, 6, None, "5", 4.5, True])
def test_a_score_outside_one_to_five_is_422(tenant, closed, score):
    d9 = session(tenant.users["district9"])
    with nothing_written(*APPS):
        response = post(d9, f"/orders/{closed.pk}/rate", {"score": score})
    assert response.status_code == 422


def test_rating_twice_or_an_open_order_is_409(tenant, catalog, closed):
    d9 = session(tenant.users["district9"])
    assert post(d9, f"/orders/{closed.pk}/rate", {"score": 5}).status_code == 201
    with nothing_written(*APPS):
        twice = post(d9, f"/orders/{closed.pk}/rate", {"score": 1})
    assert twice.status_code == 409 and Rating.objects.get().score == 5
    open_order = placed_order(tenant, catalog)
    with nothing_written(*APPS):
        response = post(d9, f"/orders/{open_order.pk}/rate", {"score": 5})
    assert response.status_code == 409 and response.json()["code"] == "order_state"


@pytest.mark.parametrize(("who", "path"), [
    ("district9", "/orders/{order}/start"),
    ("finance", "/orders/{order}/start"),
    ("district9", "/orders/{order}/deliveries"),
    ("executive", "/orders/{order}/deliveries"),
    ("commerce", "/deliveries/{delivery}/confirm"),
    ("supplier", "/deliveries/{delivery}/confirm"),
    ("supplier", "/deliveries/{delivery}/reject"),
    ("commerce", "/orders/{order}/rate"),
])
def test_a_wrong_role_gets_403(tenant, started, who, path):
    delivery = services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                        quantities={line_id(started): 5}, delivered_on=timezone.localdate())
    body = {"deliveries": delivery_body(started, 1), "reject": {"reason": "نادرست"},
            "rate": {"score": 3}}.get(path.rsplit("/", 1)[-1], {})
    client = session(tenant.users[who])
    with nothing_written(*APPS):
        response = post(client, path.format(order=started.pk, delivery=delivery.pk), body)
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "forbidden"


def test_another_tenant_gets_404_on_every_order_route(tenant, other_tenant, started):
    delivery = services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                        quantities={line_id(started): 5}, delivered_on=timezone.localdate())
    for who in ("commerce", "supplier", "district9"):
        client = session(other_tenant.users[who])
        with nothing_written(*APPS):
            for path in (f"/orders/{started.pk}", f"/orders/{started.pk}/deliveries",
                         f"/deliveries/{delivery.pk}", f"/providers/{tenant.supplier.pk}/scorecard"):
                assert get(client, path).status_code == 404, (who, path)
            for path in (f"/orders/{started.pk}/start", f"/orders/{started.pk}/deliveries",
                         f"/orders/{started.pk}/rate", f"/deliveries/{delivery.pk}/confirm",
                         f"/deliveries/{delivery.pk}/reject"):
                assert post(client, path).status_code == 404, (who, path)
        assert get(client, "/orders").json()["items"] == []
        assert get(client, "/deliveries").json()["items"] == []


# ---------------------------------------------------------------- lists and scorecard


def walk(client: Client, path: str, **params) -> list[int]:
    ids, cursor = [], None
    while True:
        page = get(client, path, limit=2, **params, **({"cursor": cursor} if cursor else {})).json()
        ids += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


def test_order_lists_are_scoped_and_paged(tenant, other_tenant, catalog):
    d9 = [placed_order(tenant, catalog) for _ in range(3)]
    d10 = placed_order(tenant, catalog, municipality=tenant.district10)
    affiliate = placed_order(tenant, catalog, provider=tenant.affiliate)
    placed_order(other_tenant)
    newest_d9 = [o.pk for o in reversed(d9)]
    assert walk(session(tenant.users["district9"]), "/orders") == [affiliate.pk, *newest_d9]
    assert walk(session(tenant.users["district10"]), "/orders") == [d10.pk]
    assert walk(session(tenant.users["supplier"]), "/orders") == [d10.pk, *newest_d9]
    assert walk(session(tenant.users["project_manager"]), "/orders") == [affiliate.pk]
    officer = session(tenant.users["commerce"])
    assert len(walk(officer, "/orders")) == 5
    assert walk(officer, "/orders", municipality=tenant.district10.pk) == [d10.pk]
    assert walk(officer, "/orders", provider=tenant.affiliate.pk) == [affiliate.pk]
    assert walk(officer, "/orders", status="closed") == []
    assert get(officer, "/orders", status="nonsense").status_code == 422


def test_order_list_query_count_stays_flat(tenant, catalog):
    officer = session(tenant.users["commerce"])
    placed_order(tenant, catalog)
    get(officer, "/orders")  # warm the session and membership caches
    with CaptureQueriesContext(connection) as few:
        assert len(get(officer, "/orders").json()["items"]) == 1
    for _ in range(4):
        order = placed_order(tenant, catalog)
        services.order_start(order=order, acting_user=tenant.users["supplier"])
        services.delivery_record(order=order, acting_user=tenant.users["supplier"],
                                 quantities={line_id(order): 3}, delivered_on=timezone.localdate())
    with CaptureQueriesContext(connection) as many:
        assert len(get(officer, "/orders").json()["items"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_delivery_list_query_count_stays_flat(tenant, catalog, started):
    d9 = session(tenant.users["district9"])
    services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                             quantities={line_id(started): 3}, delivered_on=timezone.localdate())
    get(d9, "/deliveries")
    with CaptureQueriesContext(connection) as few:
        assert len(get(d9, "/deliveries").json()["items"]) == 1
    for _ in range(3):
        services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                 quantities={line_id(started): 3}, delivered_on=timezone.localdate())
    with CaptureQueriesContext(connection) as many:
        assert len(get(d9, "/deliveries").json()["items"]) == 4
    assert len(many.captured_queries) == len(few.captured_queries)


def test_scorecard_for_officers_and_the_provider_itself_only(tenant, catalog):
    def card(who, provider):
        return get(session(tenant.users[who]), f"/providers/{provider.pk}/scorecard")

    assert card("supplier", tenant.supplier).status_code == 200
    assert card("executive", tenant.supplier).status_code == 200
    assert card("supplier", tenant.affiliate).status_code == 404
    forbidden = card("district9", tenant.supplier)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    empty = get(session(tenant.users["commerce"]), f"/providers/{tenant.affiliate.pk}/scorecard").json()
    assert empty["average"] is None and empty["rated"] == 0 and empty["on_time_rate"] is None


def test_order_status_filter_accepts_every_status(tenant, catalog):
    placed_order(tenant, catalog)
    officer = session(tenant.users["commerce"])
    for value in OrderStatus.values:
        assert get(officer, "/orders", status=value).status_code == 200
