"""Order pages: who may open which, the whole path through the forms, refusals as 4xx that write
nothing, scoping (another municipality, provider or tenant is 404) and flat query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import services
from hamyar.commerce.choices import DeliveryStatus, OrderStatus
from hamyar.commerce.models import Delivery, Order
from hamyar.commerce.views import orders as views
from hamyar.core.jalali import format_jalali_date
from hamyar.core.testing import nothing_written
from hamyar.core.text import to_persian_digits
from hamyar.directory.models import Provider
from hamyar.insights import urls as insights_urls
from hamyar.needs.choices import NeedStatus

from .order_data import placed_order

APPS = ("commerce", "needs", "directory")
POST_ONLY = {"order_start", "delivery_create", "order_rate", "receipt_confirm", "receipt_reject"}
# The order pages, and a provider's scorecard (insights' page, under commerce's name).
ROUTES = {pattern.name: pattern for pattern in views.urlpatterns + insights_urls.commerce_pages}
TODAY = timezone.localdate


def today_jalali(days: int = 0) -> str:
    """Today in Tehran, read when the test runs (a value read at collection goes stale at midnight)."""
    return format_jalali_date(TODAY() + dt.timedelta(days=days))


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


@pytest.fixture
def order(tenant, catalog) -> Order:
    return placed_order(tenant, catalog)


@pytest.fixture
def started(tenant, order) -> Order:
    return services.order_start(order=order, acting_user=tenant.users["supplier"])


@pytest.fixture
def delivery(tenant, started) -> Delivery:
    return services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                    quantities={started.lines.get().pk: 25}, delivered_on=TODAY())


def url(name: str, obj=None) -> str:
    return reverse(f"commerce:{name}", args=[obj.pk] if obj is not None else [])


def line_field(order: Order) -> str:
    return f"line_{order.lines.get().pk}"


# ---------------------------------------------------------------- who may open what


def _target(name: str, order: Order, delivery: Delivery, provider: Provider):
    model = ROUTES[name].callback.page_model
    return {Order: order, Delivery: delivery, Provider: provider}[model] if "<int:pk>" in str(
        ROUTES[name].pattern) else None


ALLOWED = {
    "order_list": {"admin", "commerce", "finance", "executive", "project_manager", "supplier", "district9",
                   "district10"},
    "order_detail": {"admin", "commerce", "finance", "executive", "supplier", "district9"},
    "scorecard": {"admin", "commerce", "finance", "executive", "supplier"},
    "scorecard_list": {"admin", "commerce", "executive"},
}


@pytest.mark.parametrize("who", sorted(ALLOWED["order_list"]))
@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_read_pages_answer_by_role_and_scope(tenant, delivery, name, who):
    target = _target(name, delivery.order, delivery, tenant.supplier)
    response = session(tenant.users[who]).get(url(name, target))
    if who in ALLOWED[name]:
        assert response.status_code == 200, response.content[:300]
    elif name == "scorecard" and who == "project_manager":
        assert response.status_code == 404  # another provider's card: as if absent
    elif name == "order_detail":
        assert response.status_code == 404  # another municipality's or provider's order
    else:
        assert response.status_code == 403


def test_every_route_is_covered_by_these_tests():
    assert set(ROUTES) == set(ALLOWED) | POST_ONLY


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_visitors_are_sent_to_sign_in(tenant, delivery, name):
    target = _target(name, delivery.order, delivery, tenant.supplier)
    response = (Client().post if name in POST_ONLY else Client().get)(url(name, target))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_another_tenant_gets_404_on_every_route_with_an_id(tenant, other_tenant, delivery, name):
    target = _target(name, delivery.order, delivery, tenant.supplier)
    if target is None:
        pytest.skip("no id in this route")
    allowed_role = {"order_start": "supplier", "delivery_create": "supplier", "order_rate": "district9",
                    "receipt_confirm": "district9", "receipt_reject": "district9"}.get(name, "commerce")
    client = session(other_tenant.users[allowed_role])
    with nothing_written(*APPS):
        response = (client.post if name in POST_ONLY else client.get)(url(name, target), {"reason": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_routes_refuse_get(tenant, delivery, name):
    target = _target(name, delivery.order, delivery, tenant.supplier)
    assert session(tenant.users["commerce"]).get(url(name, target)).status_code == 405


WRONG_ROLE_POSTS = [
    ("order_start", "district9"), ("order_start", "finance"), ("delivery_create", "district9"),
    ("delivery_create", "executive"), ("receipt_confirm", "commerce"), ("receipt_confirm", "supplier"),
    ("receipt_reject", "supplier"), ("order_rate", "commerce"), ("order_rate", "supplier"),
]


@pytest.mark.parametrize(("name", "who"), WRONG_ROLE_POSTS)
def test_a_wrong_role_gets_403_and_nothing_is_written(tenant, delivery, name, who):
    target = _target(name, delivery.order, delivery, tenant.supplier)
    client = session(tenant.users[who])
    with nothing_written(*APPS):
        response = client.post(url(name, target), {
            "reason": "نادرست", "score": 3, line_field(delivery.order): 1, "delivered_on": today_jalali()})
    assert response.status_code == 403


def test_another_municipality_cannot_open_or_receive_the_delivery(tenant, delivery):
    client = session(tenant.users["district10"])
    with nothing_written(*APPS):
        assert client.get(url("order_detail", delivery.order)).status_code == 404
        assert client.post(url("receipt_confirm", delivery)).status_code == 404
        assert client.post(url("receipt_reject", delivery), {"reason": "نه"}).status_code == 404


def test_another_provider_cannot_record_a_delivery(tenant, started):
    client = session(tenant.users["project_manager"])
    with nothing_written(*APPS):
        response = client.post(url("delivery_create", started), {line_field(started): 5,
                                                                 "delivered_on": today_jalali()})
    assert response.status_code == 404


# ---------------------------------------------------------------- the whole path through the pages


def test_the_whole_order_through_the_pages(tenant, order):
    supplier, d9 = session(tenant.users["supplier"]), session(tenant.users["district9"])

    page = supplier.get(url("order_list")).content.decode()
    assert to_persian_digits(order.number) in page and 'id="to-fulfil"' in page
    page = supplier.get(url("order_detail", order)).content.decode()
    assert 'id="start-order"' in page and 'id="record-delivery"' not in page
    assert supplier.post(url("order_start", order)).status_code == 302

    page = supplier.get(url("order_detail", order)).content.decode()
    assert 'id="record-delivery"' in page and 'name="delivered_on"' in page
    field = line_field(order)
    response = supplier.post(url("delivery_create", order), {field: "۲۵", "delivered_on": today_jalali(),
                                                             "note": "تحویل در ورودی پارک"})
    assert response.status_code == 302, response.content[:500]
    response = supplier.post(url("delivery_create", order), {field: "15", "delivered_on": today_jalali()})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED

    page = d9.get(url("order_list")).content.decode()
    assert 'id="awaiting"' in page and page.count(f"commerce/orders/{order.pk}/#delivery-") >= 2
    page = d9.get(url("order_detail", order)).content.decode()
    assert page.count("confirm-receipt") == 2 and 'id="record-delivery"' not in page
    for delivery in Delivery.objects.filter(order=order).order_by("pk"):
        assert d9.post(url("receipt_confirm", delivery)).status_code == 302
    order.refresh_from_db()
    order.need.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.need.status == NeedStatus.FULFILLED

    page = d9.get(url("order_detail", order)).content.decode()
    assert 'id="rating-form"' in page
    assert d9.post(url("order_rate", order), {"score": "5", "comment": "عالی"}).status_code == 302
    page = d9.get(url("order_detail", order)).content.decode()
    assert 'id="rating-form"' not in page and "عالی" in page

    page = session(tenant.users["commerce"]).get(url("scorecard", tenant.supplier)).content.decode()
    assert 'id="average"' in page and "عالی" in page and to_persian_digits(order.number) in page


def test_rejecting_a_delivery_through_the_page(tenant, delivery):
    d9 = session(tenant.users["district9"])
    with nothing_written(*APPS):
        refused = d9.post(url("receipt_reject", delivery), {"reason": "  "})
    assert refused.status_code == 422 and 'class="invalid-feedback d-block"' in refused.content.decode()
    assert d9.post(url("receipt_reject", delivery), {"reason": "رنگ اشتباه"}).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REJECTED
    page = session(tenant.users["supplier"]).get(url("order_detail", delivery.order)).content.decode()
    assert "رنگ اشتباه" in page and 'id="record-delivery"' in page


# ---------------------------------------------------------------- refusals through the forms


@pytest.mark.parametrize(("quantity", "date"), [
    ("41", 0),  # more than ordered (an int: that many days from today)
    ("0", 0),  # nothing delivered
    ("-1", 0),
    ("ده", 0),
    ("5", "1405/13/40"),  # no such date
    ("5", ""),
    ("5", 2),  # in the future
])
def test_a_bad_delivery_form_is_422_and_writes_nothing(tenant, started, quantity, date):
    date = today_jalali(date) if isinstance(date, int) else date
    supplier = session(tenant.users["supplier"])
    with nothing_written(*APPS):
        response = supplier.post(url("delivery_create", started), {line_field(started): quantity,
                                                                   "delivered_on": date})
    assert response.status_code == 422
    page = response.content.decode()
    assert "invalid-feedback" in page or 'id="delivery-errors"' in page


def test_delivering_more_than_what_is_left_after_a_first_delivery_is_refused(tenant, delivery):
    supplier = session(tenant.users["supplier"])
    with nothing_written(*APPS):
        response = supplier.post(url("delivery_create", delivery.order),
                                 {line_field(delivery.order): "16", "delivered_on": today_jalali()})
    html = response.content.decode()
    assert response.status_code == 422 and 'id="delivery-errors"' in html
    # The refusal's figures read in Persian digits, as the rest of the page: 16 asked, 15 left of 40.
    alert = html.split('id="delivery-errors"', 1)[1].split("</div></div>", 1)[0]
    assert "۱۶" in alert and "۱۵" in alert and "۴۰" in alert
    assert not any(digit in alert for digit in "0123456789"), alert


def test_receiving_twice_through_the_page_is_409(tenant, delivery):
    d9 = session(tenant.users["district9"])
    assert d9.post(url("receipt_confirm", delivery)).status_code == 302
    with nothing_written(*APPS):
        response = d9.post(url("receipt_confirm", delivery))
    assert response.status_code == 409 and 'id="order-error"' in response.content.decode()


def test_rating_an_open_order_or_a_bad_score_through_the_page(tenant, delivery):
    d9 = session(tenant.users["district9"])
    with nothing_written(*APPS):
        assert d9.post(url("order_rate", delivery.order), {"score": "5"}).status_code == 409
        for score in ("0", "6", "", "x"):
            assert d9.post(url("order_rate", delivery.order), {"score": score}).status_code == 422


def test_starting_twice_through_the_page_is_409(tenant, started):
    with nothing_written(*APPS):
        response = session(tenant.users["supplier"]).post(url("order_start", started))
    assert response.status_code == 409


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize("who", ["commerce", "district9", "supplier"])
def test_order_list_query_count_stays_flat_as_rows_grow(tenant, catalog, who, django_assert_max_num_queries):
    client = session(tenant.users[who])

    def add_orders(n: int) -> None:
        for _ in range(n):
            order = placed_order(tenant, catalog, quantity=5)
            services.order_start(order=order, acting_user=tenant.users["supplier"])
            services.delivery_record(order=order, acting_user=tenant.users["supplier"],
                                     quantities={order.lines.get().pk: 2}, delivered_on=timezone.localdate())

    add_orders(1)
    client.get(url("order_list"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("order_list")).status_code == 200
    add_orders(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("order_list"))
    assert response.content.decode().count('<tr id="order-') == 6


def test_order_page_query_count_stays_flat_as_deliveries_grow(tenant, started, django_assert_max_num_queries):
    client = session(tenant.users["district9"])

    def deliver(n: int) -> None:
        for _ in range(n):
            services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                     quantities={started.lines.get().pk: 2}, delivered_on=TODAY())

    deliver(1)
    client.get(url("order_detail", started))
    with CaptureQueriesContext(connection) as few:
        client.get(url("order_detail", started))
    deliver(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("order_detail", started))
    assert response.content.decode().count("confirm-receipt") == 5
