"""The inbox groups notifications by object (the same link): one row per object with its latest
message, the count and the earlier ones under it; mark-all-read stays; no one sees another's messages;
the page's queries do not grow with the groups or their messages."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamyar.accounts.models import Notification
from hamyar.accounts.services import notify

QUOTATION, ORDER = "/commerce/quotations/7/", "/commerce/orders/3/"


def tell(tenant, user, subject, url=""):
    return notify(organization_id=tenant.org.pk, recipients=[user], subject=subject, url=url)[0]


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def groups(response) -> list:
    return list(response.context["page_obj"].object_list)


def test_messages_about_one_object_are_one_group_with_its_latest_and_count(tenant):
    mayor = tenant.district9_mayor
    first = tell(tenant, mayor, "پیش‌فاکتور Q-7 فرستاده شد", QUOTATION)
    order = tell(tenant, mayor, "سفارش O-3 ثبت شد", ORDER)
    second = tell(tenant, mayor, "پیش‌فاکتور Q-7 منتظر تأیید شماست", QUOTATION)
    loose = [tell(tenant, mayor, "پیام بی‌پیوند"), tell(tenant, mayor, "پیام بی‌پیوند")]
    response = session(mayor).get(reverse("accounts:inbox"))
    rows = groups(response)
    assert [(g.latest.pk, g.count, g.unread_count) for g in rows] == [
        (loose[1].pk, 1, 1), (loose[0].pk, 1, 1), (second.pk, 2, 2), (order.pk, 1, 1)]
    assert [e.pk for e in rows[2].earlier] == [first.pk]
    html = response.content.decode()
    assert html.index(f'id="notification-{second.pk}"') < html.index(f'id="notification-{first.pk}"')
    assert f'id="notification-{second.pk}" data-unread="true" data-group-count="2"' in html
    assert html.count("<details") == 1  # only the quotation has earlier messages


def test_opening_a_group_reads_all_its_messages_and_no_other(tenant):
    mayor = tenant.district9_mayor
    first = tell(tenant, mayor, "پیش‌فاکتور Q-7 فرستاده شد", QUOTATION)
    second = tell(tenant, mayor, "پیش‌فاکتور Q-7 منتظر تأیید شماست", QUOTATION)
    order = tell(tenant, mayor, "سفارش O-3 ثبت شد", ORDER)
    client = session(mayor)
    assert client.get(reverse("accounts:notification_open", args=[second.pk]))["Location"] == QUOTATION
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {order.pk}
    assert [g.latest.pk for g in groups(client.get(reverse("accounts:inbox"), {"unread": "1"}))] == [order.pk]
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_read_by_htmx_marks_the_group_and_returns_its_row(tenant):
    mayor = tenant.district9_mayor
    tell(tenant, mayor, "پیش‌فاکتور Q-7 فرستاده شد", QUOTATION)
    second = tell(tenant, mayor, "پیش‌فاکتور Q-7 منتظر تأیید شماست", QUOTATION)
    response = session(mayor).post(reverse("accounts:notification_read", args=[second.pk]),
                                   HTTP_HX_REQUEST="true")
    row = f'id="notification-{second.pk}" data-unread="false" data-group-count="2"'
    assert row in response.content.decode()
    assert not Notification.objects.filter(recipient=mayor, read_at__isnull=True).exists()


def test_another_users_notifications_never_show_nor_join_a_group(tenant, other_tenant):
    mayor, clerk = tenant.district9_mayor, tenant.users["district9"]
    mine = tell(tenant, mayor, "پیش‌فاکتور Q-7 منتظر تأیید شماست", QUOTATION)
    tell(tenant, clerk, "برای کارشناس", QUOTATION)  # a colleague, about the same quotation
    notify(organization_id=other_tenant.org.pk, recipients=[other_tenant.district9_mayor],
           subject="سازمانی دیگر", url=QUOTATION)
    response = session(mayor).get(reverse("accounts:inbox"))
    [group] = groups(response)
    assert (group.latest.pk, group.count, group.earlier) == (mine.pk, 1, [])
    html = response.content.decode()
    assert "برای کارشناس" not in html and "سازمانی دیگر" not in html


def test_mark_all_read_is_kept(tenant):
    mayor = tenant.district9_mayor
    tell(tenant, mayor, "یک", QUOTATION)
    tell(tenant, mayor, "دو", ORDER)
    [clerks] = notify(organization_id=tenant.org.pk, recipients=[tenant.users["district9"]], subject="x")
    client = session(mayor)
    assert 'id="read-all"' in client.get(reverse("accounts:inbox")).content.decode()
    client.post(reverse("accounts:notification_read_all"))
    assert not Notification.objects.filter(recipient=mayor, read_at__isnull=True).exists()
    clerks.refresh_from_db()
    assert clerks.read_at is None


def test_the_grouped_inbox_costs_the_same_with_more_groups_and_messages(tenant):
    mayor = tenant.district9_mayor
    tell(tenant, mayor, "یک", QUOTATION)
    client = session(mayor)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:inbox"))
    for i in range(30):
        tell(tenant, mayor, f"پیام {i}", f"/commerce/orders/{i % 12}/")
        tell(tenant, mayor, f"بی‌پیوند {i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("accounts:inbox"))
    assert len(many.captured_queries) <= len(few.captured_queries)
    assert response.context["page_obj"].paginator.count == 1 + 12 + 30
