"""An object's history on its page, for those who may see the object, and its signed download; a period's
download for the org admin and the executive; the chains' heads on the public page."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamyar.core.audit import audit_chain_heads, audit_record_many
from hamyar.core.audit_export import check_export
from hamyar.core.history import history_events, object_history
from hamyar.core.models import AuditEvent
from hamyar.core.scoping import membership_of
from hamyar.finance.tests.finance_data import issued_invoice, received_delivery, tenant_catalog


@pytest.fixture
def delivered(tenant):
    """District 9's order, one delivery recorded by the supplier and received by District 9."""
    return received_delivery(tenant, tenant_catalog(tenant), ordered=5)


def _client(client, user):
    client.force_login(user)
    return client


def order_url(order) -> str:
    return reverse("commerce:order_detail", args=[order.pk])


def export_url(obj) -> str:
    return reverse("web:audit_object_export", args=[obj._meta.label_lower, obj.pk])


def test_the_order_page_shows_its_history_with_its_deliveries(client, tenant, delivered):
    order = delivered.order
    page = _client(client, tenant.users["district9"]).get(order_url(order)).content.decode()
    assert 'id="audit-history"' in page and "<details" in page
    events = list(history_events(user=tenant.users["district9"], obj=order))
    kinds = {(e.object_type, e.action) for e in events}
    assert ("commerce.order", "order.place") in kinds
    assert ("commerce.delivery", "delivery.record") in kinds
    assert ("commerce.delivery", "delivery.receive") in kinds
    for event in events:
        assert f'id="audit-event-{event.sequence}"' in page
    supplier = tenant.users["supplier"]
    assert supplier.username in page or supplier.get_full_name() in page  # who recorded the delivery
    assert "وضعیت" in page  # the field's Persian label
    assert export_url(order) in page


def test_a_history_entry_is_labelled_field_by_field(tenant, delivered):
    order = delivered.order
    entries = {e.event.action: e for e in object_history(user=tenant.users["admin"], obj=order)}
    placed, started = entries["order.place"], entries["order.start"]
    assert placed.actor == tenant.users["district9"].username  # the conftest users have no full name
    assert started.actor == tenant.users["supplier"].username
    assert started.what == "سفارش: آغاز شد"
    # Only what changed, under the field's Persian label, a choice by its label.
    assert [(c.label, c.before, c.after) for c in started.changes] == [("وضعیت", "ثبت‌شده", "در حال انجام")]
    number = next(c for c in placed.changes if c.label == "شماره")
    assert (number.before, number.after) == (None, order.number)


def test_another_municipality_sees_neither_the_page_nor_the_history(client, tenant, delivered):
    order = delivered.order
    district10 = tenant.users["district10"]
    assert object_history(user=district10, obj=order) == []
    c = _client(client, district10)
    assert c.get(order_url(order)).status_code == 404
    assert c.get(export_url(order)).status_code == 404


def test_another_organization_sees_no_history_and_its_events_never_show(client, tenant, other_tenant,
                                                                        delivered):
    order = delivered.order
    assert object_history(user=other_tenant.users["admin"], obj=order) == []
    assert _client(client, other_tenant.users["admin"]).get(export_url(order)).status_code == 404
    # An event in the other organization's chain about an object with the same id is not this order's.
    audit_record_many(actor=None, organization=other_tenant.org,
                      entries=[("order.forged", order, None, None)])
    actions = {e.event.action for e in object_history(user=tenant.users["admin"], obj=order)}
    assert "order.forged" not in actions and "order.place" in actions


def test_an_anonymous_visitor_and_a_user_without_membership_see_nothing(tenant, delivered):
    from django.contrib.auth.models import AnonymousUser

    assert object_history(user=AnonymousUser(), obj=delivered.order) == []


def test_the_history_costs_one_query_however_many_events(tenant, delivered):
    order = delivered.order
    user = tenant.users["admin"]
    membership_of(user)  # read once per request, before the page
    with CaptureQueriesContext(connection) as few:
        small = object_history(user=user, obj=order)
    audit_record_many(actor=user, organization=tenant.org,
                      entries=[("order.update", order, {"notes": str(i)}, {"notes": str(i + 1)})
                               for i in range(20)])
    with CaptureQueriesContext(connection) as many:
        large = object_history(user=user, obj=order)
    assert len(large) == len(small) + 20
    assert len(few) == len(many) == 1


def test_the_invoice_page_shows_its_history(client, tenant, delivered):
    invoice = issued_invoice(tenant, source=delivered)
    page = _client(client, tenant.users["finance"]).get(reverse("finance:invoice_detail", args=[invoice.pk]))
    assert 'id="audit-history"' in page.content.decode()


def test_the_object_export_downloads_and_verifies(client, tenant, delivered):
    order = delivered.order
    response = _client(client, tenant.users["district9"]).get(export_url(order))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="audit-commerce-order-{order.pk}.json"'
    document = json.loads(response.content)
    assert document["kind"] == "object" and document["object"]["id"] == str(order.pk)
    assert {e["object_type"] for e in document["events"]} == {"commerce.order", "commerce.delivery"}
    head = audit_chain_heads([tenant.org.pk])[tenant.org.pk]
    assert document["head"]["count"] == head.count
    assert check_export(document) == []


def test_an_unknown_object_type_is_not_found(client, tenant):
    c = _client(client, tenant.users["admin"])
    assert c.get(reverse("web:audit_object_export", args=["accounts.user", 1])).status_code == 404


def test_the_period_export_is_for_the_org_admin_and_the_executive(client, tenant, delivered):
    url = reverse("web:audit_export")
    for who in ("commerce", "district9", "supplier"):
        client.force_login(tenant.users[who])
        assert client.get(url).status_code == 403, who
    client.force_login(tenant.users["executive"])
    form = client.get(url)
    assert form.status_code == 200 and 'id="audit-export-form"' in form.content.decode()
    client.force_login(tenant.users["admin"])
    response = client.get(url, {"start": "1400/01/01", "end": "1450/01/01"})
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["kind"] == "period"
    assert len(document["events"]) == AuditEvent.objects.filter(organization=tenant.org).count()
    assert check_export(document) == []


def test_a_period_ending_before_it_starts_is_refused(client, tenant):
    client.force_login(tenant.users["admin"])
    response = client.get(reverse("web:audit_export"), {"start": "1405/02/01", "end": "1405/01/01"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_the_public_page_shows_each_chains_head(client, tenant, delivered):
    head = audit_chain_heads([tenant.org.pk])[tenant.org.pk]
    page = client.get(reverse("transparency:published")).content.decode()
    assert 'id="audit-head"' in page
    assert head.last_hash in page
    assert tenant.org.name in page


def test_a_municipality_sees_its_own_share_of_a_group_purchase_not_its_neighbours(client, tenant):
    from hamyar.commerce.services import participant_join
    from hamyar.commerce.tests.group_data import bench_pool

    pool = bench_pool(tenant)
    town = pool.towns[0]
    for municipality in (town, tenant.district9):
        user = pool.users.get(municipality.name, tenant.users["district9"])
        participant_join(participant=pool.place(municipality), acting_user=user,
                         lines={pool.catalog.bench.pk: 5})
    gp = pool.group_purchase
    mine, theirs = pool.place(tenant.district9), pool.place(town)

    def participants_seen(user) -> set[str]:
        events = history_events(user=user, obj=gp)
        return {e.object_id for e in events if e.object_type == "commerce.participant"}

    assert participants_seen(tenant.users["district9"]) == {str(mine.pk)}
    assert participants_seen(tenant.users["commerce"]) == {str(mine.pk), str(theirs.pk)}
    assert ("commerce.grouppurchase", "group_purchase.create") in {
        (e.object_type, e.action) for e in history_events(user=tenant.users["district9"], obj=gp)}
    page = _client(client, tenant.users["district9"]).get(
        reverse("commerce:group_purchase_detail", args=[gp.pk])).content.decode()
    assert 'id="audit-history"' in page


def test_recorded_values_show_in_persian_and_codes_left_to_right():
    import datetime as dt

    from django.utils.translation import override

    from hamyar.core.templatetags.hamyar_audit import audit_text, audit_value

    with override("fa"):
        assert audit_value(None) == "—"
        assert audit_value(1500) == "۱٬۵۰۰"
        assert audit_value(dt.date(2026, 12, 7)) == "۱۴۰۵/۰۹/۱۶"
        assert audit_value(True) == "بله"
        assert audit_text("kr-d9") == '<bdi dir="ltr" class="code">kr-d9</bdi>'
        assert audit_value(["نیمکت", 40, "piece"]) == (
            '<bdi>نیمکت</bdi>، ۴۰، <bdi dir="ltr" class="code">piece</bdi>')
        assert audit_value({"a": 1}) == '<code dir="ltr">{&quot;a&quot;: 1}</code>'
