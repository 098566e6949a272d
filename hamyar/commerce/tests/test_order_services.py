"""Orders, deliveries, receipts and ratings through their services.

The happy path of the issue (40 benches delivered 25 then 15, received, closed, rated), the
exact AuditEvents of each step, and every refusal: refused with the right error and nothing
written. Two deliveries at the same moment on PostgreSQL cannot together exceed the order.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection, models
from django.utils import timezone

from hamyar.accounts.models import Notification
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import selectors, services
from hamyar.commerce.choices import DeliveryStatus, OrderStatus
from hamyar.commerce.models import Delivery, Order, OrderLine, Rating
from hamyar.core.audit import audit_verify_chain
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound, PermissionDenied
from hamyar.core.models import AuditEvent
from hamyar.core.testing import in_thread, nothing_written, pause_after_save, wait_until
from hamyar.insights import selectors as insights
from hamyar.needs.choices import NeedStatus

from .order_data import placed_order

APPS = ("commerce", "needs", "directory", "accounts")
TODAY = timezone.localdate


@contextmanager
def audited(*actions: str) -> Iterator[None]:
    """Assert that the block writes exactly these AuditEvents, in this order."""
    last = AuditEvent.objects.aggregate(last=models.Max("pk"))["last"] or 0
    yield
    written = AuditEvent.objects.filter(pk__gt=last).order_by("pk").values_list("action", flat=True)
    assert list(written) == list(actions)


@pytest.fixture
def catalog(tenant):
    return build_catalog(tenant)


@pytest.fixture
def order(tenant, catalog) -> Order:
    return placed_order(tenant, catalog)


@pytest.fixture
def started(tenant, order) -> Order:
    return services.order_start(order=order, acting_user=tenant.users["supplier"])


def line_of(order: Order) -> OrderLine:
    return order.lines.get()


def deliver(tenant, order: Order, quantity: int, *, user: str = "supplier", on=None) -> Delivery:
    return services.delivery_record(order=order, acting_user=tenant.users[user],
                                    quantities={line_of(order).pk: quantity}, delivered_on=on or TODAY(),
                                    note="با کامیون سازمان")


def confirm(tenant, delivery: Delivery, user: str = "district9") -> Delivery:
    return services.receipt_confirm(delivery=delivery, acting_user=tenant.users[user])


def quantities(order: Order) -> tuple[int, int, int]:
    line = line_of(order)
    return line.quantity, line.delivered_quantity, line.received_quantity


def status(order: Order) -> str:
    order.refresh_from_db()
    return order.status


# ---------------------------------------------------------------- the happy path


def test_forty_benches_delivered_25_then_15_received_closed_and_rated(tenant, order):
    supplier, d9 = tenant.users["supplier"], tenant.users["district9"]
    assert order.status == OrderStatus.PLACED and quantities(order) == (40, 0, 0)

    with audited("order.start"):
        services.order_start(order=order, acting_user=supplier)
    assert status(order) == OrderStatus.IN_FULFILMENT

    with audited("delivery.record", "order.partially_delivered"):
        first = deliver(tenant, order, 25)
    assert first.status == DeliveryStatus.AWAITING_RECEIPT and first.number.startswith("D-")
    assert status(order) == OrderStatus.PARTIALLY_DELIVERED and quantities(order) == (40, 25, 0)
    assert Notification.objects.filter(recipient=d9, url=f"/commerce/orders/{order.pk}/").exists()

    with audited("delivery.record", "order.delivered"):
        second = deliver(tenant, order, 15)
    assert status(order) == OrderStatus.DELIVERED and quantities(order) == (40, 40, 0)

    with audited("delivery.receive"):
        confirm(tenant, first)
    assert status(order) == OrderStatus.DELIVERED and quantities(order) == (40, 40, 25)
    first.refresh_from_db()
    assert first.status == DeliveryStatus.RECEIVED and first.receipt.accepted

    with audited("delivery.receive", "order.close", "need.fulfilled"):
        confirm(tenant, second)
    order.refresh_from_db()
    order.need.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_at is not None
    assert quantities(order) == (40, 40, 40)
    assert order.need.status == NeedStatus.FULFILLED and order.need.closed_at is not None
    assert Notification.objects.filter(recipient=tenant.users["commerce"],
                                       subject__contains=order.number).exists()

    with audited("rating.create", "provider.scorecard"):
        rating = services.order_rate(order=order, acting_user=d9, score=5, comment="  نصب تمیز و به‌موقع ")
    assert rating.on_time and rating.comment == "نصب تمیز و به‌موقع" and rating.provider == tenant.supplier
    tenant.supplier.refresh_from_db()
    assert tenant.supplier.rating == Decimal("5.00")
    assert tenant.supplier.rated_orders == 1 and tenant.supplier.on_time_rate == Decimal("1.000")
    card = insights.provider_scorecard(user=tenant.users["commerce"], provider=tenant.supplier)
    assert card.average == Decimal("5.00") and card.rated == 1 and card.on_time_rate == Decimal("1.000")
    assert card.orders == 1 and card.closed == 1 and card.deliveries_received == 2
    assert [r.pk for r in card.ratings] == [rating.pk]
    assert audit_verify_chain(tenant.org.pk) is None


def test_scorecard_averages_every_rating_and_counts_late_orders(tenant, catalog):
    d9 = tenant.users["district9"]
    scores = []
    for score, late in ((5, False), (4, True), (2, False)):
        order = placed_order(tenant, catalog, quantity=3)
        services.order_start(order=order, acting_user=tenant.users["supplier"])
        if late:
            Order.objects.filter(pk=order.pk).update(due_date=TODAY() - dt.timedelta(days=1))
        confirm(tenant, deliver(tenant, order, 3))
        scores.append(services.order_rate(order=order, acting_user=d9, score=score).on_time)
    assert scores == [True, False, True]
    tenant.supplier.refresh_from_db()
    assert tenant.supplier.rating == Decimal("3.67")
    assert tenant.supplier.rated_orders == 3
    assert tenant.supplier.on_time_rate == Decimal("0.667")
    event = AuditEvent.objects.filter(action="provider.scorecard").latest("pk")
    assert event.before == {"rating": "4.50", "rated_orders": 2, "on_time_rate": "0.500"}
    assert event.after == {"rating": "3.67", "rated_orders": 3, "on_time_rate": "0.667"}


def test_a_commerce_officer_may_record_a_delivery_for_the_provider(tenant, started):
    with audited("delivery.record", "order.delivered"):
        delivery = deliver(tenant, started, 40, user="commerce")
    assert delivery.recorded_by == tenant.users["commerce"]


# ---------------------------------------------------------------- rejection reopens the line


def test_rejected_delivery_gives_its_quantity_back_and_tells_the_provider(tenant, started):
    first = deliver(tenant, started, 25)
    second = deliver(tenant, started, 15)
    with audited("delivery.reject", "order.reopen"):
        services.receipt_reject(delivery=second, acting_user=tenant.users["district9"],
                                reason="دو نیمکت رنگ‌پریده بود")
    second.refresh_from_db()
    assert second.status == DeliveryStatus.REJECTED
    assert not second.receipt.accepted and second.receipt.reason == "دو نیمکت رنگ‌پریده بود"
    assert status(started) == OrderStatus.PARTIALLY_DELIVERED and quantities(started) == (40, 25, 0)
    assert Notification.objects.filter(recipient=tenant.users["supplier"],
                                       body="دو نیمکت رنگ‌پریده بود").exists()

    with audited("delivery.reject", "order.reopen"):
        services.receipt_reject(delivery=first, acting_user=tenant.users["district9"], reason="ناقص")
    assert status(started) == OrderStatus.IN_FULFILMENT and quantities(started) == (40, 0, 0)

    # The line is open again: the full quantity can be delivered anew, and received.
    again = deliver(tenant, started, 40)
    with audited("delivery.receive", "order.close", "need.fulfilled"):
        confirm(tenant, again)


def test_rejecting_without_a_reason_is_refused(tenant, started):
    delivery = deliver(tenant, started, 25)
    for reason in ("", "   ", "\u200c"):
        with nothing_written(*APPS), pytest.raises(InvalidInput):
            services.receipt_reject(delivery=delivery, acting_user=tenant.users["district9"], reason=reason)


# ---------------------------------------------------------------- refusals: quantities and dates


def test_delivering_more_than_ordered_in_one_delivery_is_refused(tenant, started):
    with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        deliver(tenant, started, 41)
    assert "۴۰" in str(refused.value.message) or "40" in str(refused.value.message)
    assert refused.value.status == 422


def test_delivering_more_than_ordered_in_two_deliveries_is_refused(tenant, started):
    deliver(tenant, started, 25)
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        deliver(tenant, started, 16)
    assert quantities(started) == (40, 25, 0)
    deliver(tenant, started, 15)  # exactly what is left is fine
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        deliver(tenant, started, 1)
    assert refused.value.status == 409  # delivered in full: no more deliveries


@pytest.mark.parametrize("bad", [0, -3, "5", 2.5, True, None])
def test_a_delivery_quantity_must_be_a_whole_number_of_at_least_one(tenant, started, bad):
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                 quantities={line_of(started).pk: bad}, delivered_on=TODAY())


def test_a_delivery_needs_a_line_of_this_order(tenant, catalog, started):
    other = placed_order(tenant, catalog)
    for quantities_ in ({}, {line_of(other).pk: 5}, {"x": 5}, [5]):
        with nothing_written(*APPS), pytest.raises(InvalidInput):
            services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                     quantities=quantities_, delivered_on=TODAY())


@pytest.mark.parametrize("days", [1, 365])
def test_a_delivery_date_in_the_future_is_refused(tenant, started, days):
    with nothing_written(*APPS), pytest.raises(InvalidInput) as refused:
        deliver(tenant, started, 5, on=TODAY() + dt.timedelta(days=days))
    assert "delivered_on" in refused.value.extra["fields"]


def test_a_delivery_date_before_the_order_or_missing_is_refused(tenant, started):
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        deliver(tenant, started, 5, on=TODAY() - dt.timedelta(days=3))
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        services.delivery_record(order=started, acting_user=tenant.users["supplier"],
                                 quantities={line_of(started).pk: 5}, delivered_on=None)


def test_an_order_is_started_before_its_first_delivery_and_only_once(tenant, order):
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        deliver(tenant, order, 5)
    assert refused.value.status == 409 and refused.value.code == "order_state"
    services.order_start(order=order, acting_user=tenant.users["supplier"])
    with nothing_written(*APPS), pytest.raises(ApplicationError):
        services.order_start(order=order, acting_user=tenant.users["supplier"])


# ---------------------------------------------------------------- refusals: receipts


def test_receiving_another_municipalitys_delivery_is_not_found(tenant, started):
    delivery = deliver(tenant, started, 25)
    for user in ("district10",):
        with nothing_written(*APPS), pytest.raises(NotFound):
            confirm(tenant, delivery, user)
        with nothing_written(*APPS), pytest.raises(NotFound):
            services.receipt_reject(delivery=delivery, acting_user=tenant.users[user], reason="نه")


def test_receiving_twice_is_refused_with_409(tenant, started):
    delivery = deliver(tenant, started, 25)
    confirm(tenant, delivery)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        confirm(tenant, delivery)
    assert refused.value.status == 409 and refused.value.code == "delivery_state"
    with nothing_written(*APPS), pytest.raises(ApplicationError):
        services.receipt_reject(delivery=delivery, acting_user=tenant.users["district9"], reason="دیر شد")
    assert quantities(started) == (40, 25, 25)


def test_a_rejected_delivery_cannot_be_received_afterwards(tenant, started):
    delivery = deliver(tenant, started, 25)
    services.receipt_reject(delivery=delivery, acting_user=tenant.users["district9"], reason="شکسته")
    with nothing_written(*APPS), pytest.raises(ApplicationError):
        confirm(tenant, delivery)


# ---------------------------------------------------------------- refusals: ratings


@pytest.fixture
def closed(tenant, started) -> Order:
    confirm(tenant, deliver(tenant, started, 40))
    started.refresh_from_db()
    assert started.status == OrderStatus.CLOSED
    return started


def test_rating_twice_is_refused(tenant, closed):
    services.order_rate(order=closed, acting_user=tenant.users["district9"], score=4)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.order_rate(order=closed, acting_user=tenant.district9_mayor, score=1)
    assert refused.value.status == 409
    assert Rating.objects.get().score == 4


def test_rating_an_open_order_is_refused(tenant, started):
    deliver(tenant, started, 40)
    with nothing_written(*APPS), pytest.raises(ApplicationError) as refused:
        services.order_rate(order=started, acting_user=tenant.users["district9"], score=5)
    assert refused.value.status == 409


@pytest.mark.parametrize("score", [0, 6, -1, None, "5", 4.5, True])
def test_a_score_outside_one_to_five_is_refused(tenant, closed, score):
    with nothing_written(*APPS), pytest.raises(InvalidInput):
        services.order_rate(order=closed, acting_user=tenant.users["district9"], score=score)


# ---------------------------------------------------------------- refusals: roles and tenants


WRONG_ROLES = {
    "start": ["district9", "finance", "executive", "admin"],
    "deliver": ["district9", "finance", "executive", "admin"],
    "confirm": ["commerce", "supplier", "finance", "executive", "admin"],
    "reject": ["commerce", "supplier", "finance", "executive", "admin"],
    "rate": ["commerce", "supplier", "finance", "executive", "admin"],
}


def _act(tenant, action: str, order: Order, delivery: Delivery | None, user) -> None:
    if action == "start":
        services.order_start(order=order, acting_user=user)
    elif action == "deliver":
        services.delivery_record(order=order, acting_user=user, quantities={line_of(order).pk: 1},
                                 delivered_on=TODAY())
    elif action == "confirm":
        services.receipt_confirm(delivery=delivery, acting_user=user)
    elif action == "reject":
        services.receipt_reject(delivery=delivery, acting_user=user, reason="نادرست")
    else:
        services.order_rate(order=order, acting_user=user, score=3)


def _ready_for(tenant, action: str, order: Order) -> Delivery | None:
    if action == "start":
        return None
    services.order_start(order=order, acting_user=tenant.users["supplier"])
    if action == "deliver":
        return None
    delivery = deliver(tenant, order, 40)
    if action == "rate":
        confirm(tenant, delivery)
        return None
    return delivery


@pytest.mark.parametrize(("action", "who"), [(a, w) for a, users in WRONG_ROLES.items() for w in users])
def test_a_wrong_role_is_refused_with_403(tenant, order, action, who):
    delivery = _ready_for(tenant, action, order)
    with nothing_written(*APPS), pytest.raises(PermissionDenied):
        _act(tenant, action, order, delivery, tenant.users[who])


@pytest.mark.parametrize("action", list(WRONG_ROLES))
def test_another_provider_municipality_or_tenant_gets_404(tenant, other_tenant, order, action):
    delivery = _ready_for(tenant, action, order)
    strangers = [other_tenant.users[who] for who in ("commerce", "supplier", "district9")]
    strangers.append(tenant.users["project_manager"] if action in {"start", "deliver"}
                     else tenant.users["district10"])
    for user in strangers:
        with nothing_written(*APPS), pytest.raises(NotFound):
            _act(tenant, action, order, delivery, user)


# ---------------------------------------------------------------- selectors


def test_order_lists_are_scoped_by_role(tenant, other_tenant, catalog):
    d9_order = placed_order(tenant, catalog)
    d10_order = placed_order(tenant, catalog, municipality=tenant.district10)
    affiliate_order = placed_order(tenant, catalog, provider=tenant.affiliate)
    placed_order(other_tenant)

    def ids(who, **filters):
        return {o.pk for o in selectors.order_list(user=tenant.users[who], **filters)}

    assert ids("commerce") == {d9_order.pk, d10_order.pk, affiliate_order.pk}
    assert ids("district9") == {d9_order.pk, affiliate_order.pk}
    assert ids("district10") == {d10_order.pk}
    assert ids("supplier") == {d9_order.pk, d10_order.pk}
    assert ids("project_manager") == {affiliate_order.pk}
    assert ids("commerce", municipality_id=tenant.district10.pk) == {d10_order.pk}
    assert ids("commerce", provider_id=tenant.affiliate.pk) == {affiliate_order.pk}
    assert ids("commerce", status=OrderStatus.PLACED) == {d9_order.pk, d10_order.pk, affiliate_order.pk}
    assert ids("commerce", status=OrderStatus.CLOSED) == set()
    with pytest.raises(NotFound):
        selectors.order_get(user=tenant.users["district10"], pk=d9_order.pk)
    with pytest.raises(NotFound):
        selectors.order_get(user=other_tenant.users["commerce"], pk=d9_order.pk)


def test_deliveries_awaiting_receipt_and_orders_to_fulfil(tenant, catalog, started):
    delivery = deliver(tenant, started, 25)
    other = placed_order(tenant, catalog, municipality=tenant.district10)
    awaiting = selectors.deliveries_awaiting_receipt(user=tenant.users["district9"])
    assert [d.pk for d in awaiting] == [delivery.pk]
    assert list(selectors.deliveries_awaiting_receipt(user=tenant.users["district10"])) == []
    assert {o.pk for o in selectors.orders_to_fulfil(user=tenant.users["supplier"])} == {started.pk, other.pk}
    confirm(tenant, delivery)
    assert list(selectors.deliveries_awaiting_receipt(user=tenant.users["district9"])) == []
    deliver(tenant, started, 15)
    assert {o.pk for o in selectors.orders_to_fulfil(user=tenant.users["supplier"])} == {other.pk}


# ---------------------------------------------------------------- two deliveries at the same moment


@pytest.fixture
def pause_first_delivery():
    """Holds the thread named "first" inside its transaction, just after its delivery is inserted."""
    with pause_after_save(Delivery) as events:
        yield events


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: row locks between two connections (SQLite locks the file)")
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_cannot_together_exceed_the_order(tenant, pause_first_delivery):
    inside, release = pause_first_delivery
    order = placed_order(tenant)
    services.order_start(order=order, acting_user=tenant.users["supplier"])
    line = line_of(order)

    def record(user):
        return services.delivery_record(order=order, acting_user=user, quantities={line.pk: 25},
                                        delivered_on=TODAY())

    thread_a, a = in_thread("first", lambda: record(tenant.users["supplier"]))
    assert inside.wait(120), a
    thread_b, b = in_thread("second", lambda: record(tenant.users["commerce"]))

    def second_waits_on_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            return cursor.fetchone()[0] >= 1

    wait_until(second_waits_on_a_lock, "the second delivery waits for the first one's lock")
    assert Delivery.objects.count() == 0  # nothing of the first is visible before it commits
    release.set()
    thread_a.join(120)
    thread_b.join(120)

    assert "error" not in a, a
    assert isinstance(b.get("error"), InvalidInput), b
    assert Delivery.objects.count() == 1
    line.refresh_from_db()
    assert line.delivered_quantity == 25
    actions = AuditEvent.objects.filter(action__startswith="delivery.").values_list("action", flat=True)
    assert list(actions) == ["delivery.record"]
    assert audit_verify_chain(tenant.org.pk) is None
