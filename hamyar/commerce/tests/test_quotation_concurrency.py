"""A municipality approving the same quotation twice at the same moment, on two connections: one order."""

import threading

import pytest
from django.db import connection
from django.db.models.signals import post_save

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce import services
from hamyar.commerce.choices import QuotationStatus as S
from hamyar.commerce.models import CommercePolicy, Order, Quotation
from hamyar.commerce.tests.factories import assigned_need
from hamyar.core.audit import audit_verify_chain
from hamyar.core.errors import ApplicationError
from hamyar.core.models import AuditEvent
from hamyar.core.testing import wait_until


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: row locks between two connections (SQLite locks the file)")
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_place_exactly_one_order(tenant):
    catalog = build_catalog(tenant)
    CommercePolicy.objects.update_or_create(organization=tenant.org, defaults={
        "deputy_approval_above": 10**13, "mayor_approval_above": 10**13})
    need = assigned_need(tenant, catalog)
    quotation = services.quotation_send(
        quotation=services.quotation_create(need=need, acting_user=tenant.users["supplier"]),
        acting_user=tenant.users["supplier"])
    clerk = tenant.users["district9"]

    inside, release = threading.Event(), threading.Event()

    def hold(sender, **kwargs):
        # The first approval to reach its order waits here, inside its transaction, holding its locks.
        if not inside.is_set():
            inside.set()
            release.wait(120)

    outcomes: dict[str, dict] = {"a": {}, "b": {}}

    def approve(name: str) -> None:
        try:
            fresh = Quotation.objects.select_related("need", "need__municipality").get(pk=quotation.pk)
            outcomes[name]["value"] = services.quotation_approve(quotation=fresh, acting_user=clerk)
        except Exception as error:  # reported to the test, which asserts on it
            outcomes[name]["error"] = error
        finally:
            connection.close()

    post_save.connect(hold, sender=Order, dispatch_uid="test-hold-first-order")
    try:
        first = threading.Thread(target=approve, args=("a",))
        first.start()
        assert inside.wait(120), outcomes
        second = threading.Thread(target=approve, args=("b",))
        second.start()

        def second_waits_on_a_lock() -> bool:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND wait_event_type = 'Lock'")
                return cursor.fetchone()[0] >= 1

        wait_until(second_waits_on_a_lock, "the second approval waits for the first one's lock")
        assert Order.objects.count() == 0  # nothing visible while the first is still deciding
        release.set()
        first.join(120)
        second.join(120)
    finally:
        release.set()
        post_save.disconnect(sender=Order, dispatch_uid="test-hold-first-order")

    assert "value" in outcomes["a"] and outcomes["a"]["value"].status == S.APPROVED, outcomes
    refused = outcomes["b"].get("error")
    assert isinstance(refused, ApplicationError) and refused.status == 409, outcomes
    assert Order.objects.filter(quotation=quotation).count() == 1
    assert list(AuditEvent.objects.filter(action__in=["quotation.approve", "order.place", "need.approved"])
                .values_list("action", flat=True).order_by("pk")) == [
        "quotation.approve", "order.place", "need.approved"]
    assert audit_verify_chain(tenant.org.pk) is None
