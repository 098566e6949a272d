"""Notifications: who is told (notify, notification_recipients), the e-mail after commit, the inbox
page with its bell, and the API; no one sees or marks another person's notification."""

import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamyar.accounts.models import Notification
from hamyar.accounts.services import (
    is_local_path,
    notification_mark_read,
    notification_recipients,
    notify,
)
from hamyar.core.errors import NotFound
from hamyar.core.roles import MunicipalPost, Role

SUBJECT = "پیش‌فاکتور Q-1405-00001 منتظر تأیید شماست"


def tell(tenant, *users, subject=SUBJECT, url="/", body=""):
    return notify(organization_id=tenant.org.pk, recipients=list(users), subject=subject, url=url, body=body)


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- notify


def test_notify_writes_one_row_per_distinct_recipient(tenant):
    d9, commerce = tenant.users["district9"], tenant.users["commerce"]
    rows = tell(tenant, d9, commerce, d9)
    assert len(rows) == 2
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([d9.pk, commerce.pk])
    assert set(Notification.objects.values_list("subject", "organization_id", "read_at")) == {
        (SUBJECT, tenant.org.pk, None)}


def test_notify_sends_the_email_only_after_commit(tenant, django_capture_on_commit_callbacks, mailoutbox):
    d9 = tenant.users["district9"]
    d9.email = "d9@mashhad.ir"
    d9.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell(tenant, d9, url="/commerce/quotations/1/", body="مبلغ: ۷٬۸۰۰٬۰۰۰٬۰۰۰ ریال")
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["d9@mashhad.ir"] and mail.subject == SUBJECT
    assert "مبلغ" in mail.body and mail.body.rstrip().endswith("/commerce/quotations/1/")


def test_nothing_is_sent_or_kept_when_the_transaction_rolls_back(tenant, django_capture_on_commit_callbacks,
                                                                  mailoutbox):
    d9 = tenant.users["district9"]
    d9.email = "d9@mashhad.ir"
    d9.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            tell(tenant, d9)
            raise RuntimeError("the approval failed after notifying")
    assert callbacks == [] and mailoutbox == []
    assert not Notification.objects.exists()


def test_a_recipient_without_an_email_gets_the_inbox_only(tenant, django_capture_on_commit_callbacks,
                                                          mailoutbox):
    d9, commerce = tenant.users["district9"], tenant.users["commerce"]
    commerce.email = "commerce@hamyar.ir"
    commerce.save()
    assert d9.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        tell(tenant, d9, commerce)
    assert [m.to for m in mailoutbox] == [["commerce@hamyar.ir"]]
    assert Notification.objects.filter(recipient=d9).exists()


def test_notify_never_crosses_to_another_organization_or_an_inactive_user(tenant, other_tenant):
    d10 = tenant.users["district10"]
    d10.is_active = False
    d10.save()
    rows = tell(tenant, tenant.users["district9"], other_tenant.users["district9"], d10)
    assert [r.recipient_id for r in rows] == [tenant.users["district9"].pk]


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                 "javascript:x",
                                 "/ok\nLocation: x"])
def test_notify_drops_a_link_that_is_not_a_path_of_this_site(tenant, url):
    [row] = tell(tenant, tenant.users["district9"], url=url)
    assert row.url == ""


def test_is_local_path():
    assert is_local_path("/commerce/quotations/12/")
    assert is_local_path("/needs/?status=submitted")
    for url in ["", "needs/", "//x.org", "/\\x.org", "https://x.org/", "/a\\b", "/a\r\nb", " /a"]:
        assert not is_local_path(url), url


# ---------------------------------------------------------------- notification_recipients


def pks(users) -> set[int]:
    return {u.pk for u in users}


def test_recipients_by_role(tenant, other_tenant):
    found = notification_recipients(organization_id=tenant.org.pk, roles=[Role.COMMERCE_OFFICER])
    assert pks(found) == {tenant.users["commerce"].pk}


def test_recipients_of_one_municipality(tenant):
    found = notification_recipients(organization_id=tenant.org.pk, roles=[Role.MUNICIPALITY_USER],
                                    municipality_id=tenant.district9.pk)
    assert pks(found) == {tenant.users["district9"].pk, tenant.district9_mayor.pk}


def test_recipients_by_post(tenant):
    mayor = notification_recipients(organization_id=tenant.org.pk, municipality_id=tenant.district9.pk,
                                    posts=[MunicipalPost.MAYOR])
    assert pks(mayor) == {tenant.district9_mayor.pk}
    clerk = notification_recipients(organization_id=tenant.org.pk, roles=[Role.MUNICIPALITY_USER],
                                    posts=[MunicipalPost.PROCUREMENT])
    # District 10's user has no post: a municipality user without one is its procurement clerk.
    assert pks(clerk) == {tenant.users["district9"].pk, tenant.users["district10"].pk}
    finance = notification_recipients(organization_id=tenant.org.pk, posts=[MunicipalPost.FINANCE])
    assert finance == []


def test_recipients_of_one_provider(tenant):
    found = notification_recipients(organization_id=tenant.org.pk, provider_id=tenant.supplier.pk)
    assert pks(found) == {tenant.users["supplier"].pk}


def test_recipients_leave_out_inactive_users_and_other_organizations(tenant, other_tenant):
    commerce = tenant.users["commerce"]
    found = notification_recipients(organization_id=tenant.org.pk, roles=[Role.COMMERCE_OFFICER,
                                                                          Role.ORG_ADMIN])
    assert pks(found) == {commerce.pk, tenant.users["admin"].pk}
    commerce.is_active = False
    commerce.save()
    found = notification_recipients(organization_id=tenant.org.pk, roles=[Role.COMMERCE_OFFICER])
    assert found == []
    everyone = notification_recipients(organization_id=tenant.org.pk)
    assert not pks(everyone) & pks(other_tenant.users.values())


# ---------------------------------------------------------------- the inbox page


def test_the_inbox_lists_ones_own_notifications_newest_first_unread_marked(tenant):
    d9 = tenant.users["district9"]
    older, newer = tell(tenant, d9, subject="نیاز شما بررسی شد")[0], tell(tenant, d9)[0]
    tell(tenant, tenant.district9_mayor, subject="فقط برای شهردار")
    notification_mark_read(notification=older, acting_user=d9)
    response = session(d9).get(reverse("accounts:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'id="notification-{newer.pk}"') < html.index(f'id="notification-{older.pk}"')
    assert f'id="notification-{newer.pk}" data-unread="true"' in html
    assert f'id="notification-{older.pk}" data-unread="false"' in html
    assert "فقط برای شهردار" not in html  # a colleague of the same municipality
    assert "صندوق پیام" in html  # Persian page


def test_the_inbox_can_show_only_the_unread(tenant):
    d9 = tenant.users["district9"]
    read, unread = tell(tenant, d9, subject="خوانده")[0], tell(tenant, d9, subject="نخوانده")[0]
    notification_mark_read(notification=read, acting_user=d9)
    html = session(d9).get(reverse("accounts:inbox"), {"unread": "1"}).content.decode()
    assert f"notification-{unread.pk}" in html and f"notification-{read.pk}" not in html


def test_the_bell_shows_the_unread_count_on_every_page(tenant):
    d9 = tenant.users["district9"]
    client = session(d9)
    assert 'id="unread-count"' not in client.get(reverse("web:home")).content.decode()
    tell(tenant, d9)
    tell(tenant, d9)
    tell(tenant, tenant.district9_mayor)
    html = client.get(reverse("web:home")).content.decode()
    assert 'id="inbox-bell"' in html and f'href="{reverse("accounts:inbox")}"' in html
    badge = ('<span class="position-absolute top-0 start-100 translate-middle badge rounded-pill '
             'text-bg-danger" id="unread-count">۲</span>')
    assert badge in html


def test_the_bell_costs_one_query(tenant):
    d9 = tenant.users["district9"]
    client = session(d9)
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("web:home"))
    counting = [q["sql"] for q in queries.captured_queries if "accounts_notification" in q["sql"]]
    assert len(counting) == 1


def test_the_inbox_query_count_stays_flat_as_notifications_grow(tenant, django_assert_max_num_queries):
    d9 = tenant.users["district9"]
    client = session(d9)
    tell(tenant, d9)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:inbox"))
    for _ in range(20):
        tell(tenant, d9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("accounts:inbox")).status_code == 200


def test_mark_read_by_htmx_returns_the_row(tenant):
    d9 = tenant.users["district9"]
    [n] = tell(tenant, d9)
    response = session(d9).post(reverse("accounts:notification_read", args=[n.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{n.pk}" data-unread="false"' in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_is_a_post(tenant):
    d9 = tenant.users["district9"]
    [n] = tell(tenant, d9)
    assert session(d9).get(reverse("accounts:notification_read", args=[n.pk])).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read(tenant):
    d9 = tenant.users["district9"]
    tell(tenant, d9)
    tell(tenant, d9)
    [mayors] = tell(tenant, tenant.district9_mayor)
    response = session(d9).post(reverse("accounts:notification_read_all"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:inbox")
    assert not Notification.objects.filter(recipient=d9, read_at__isnull=True).exists()
    mayors.refresh_from_db()
    assert mayors.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(tenant):
    d9 = tenant.users["district9"]
    [n] = tell(tenant, d9, url="/directory/assets/")
    response = session(d9).get(reverse("accounts:notification_open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/directory/assets/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_a_notification_never_leaves_the_site(tenant):
    d9 = tenant.users["district9"]
    n = Notification.objects.create(organization=tenant.org, recipient=d9, subject="x",
                                    url="//evil.example/steal")  # written around notify, on purpose
    response = session(d9).get(reverse("accounts:notification_open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:inbox")


@pytest.mark.parametrize("route", ["accounts:notification_open", "accounts:notification_read"])
def test_a_colleagues_notification_is_404_and_stays_unread(tenant, route):
    [mayors] = tell(tenant, tenant.district9_mayor)
    client = session(tenant.users["district9"])  # same municipality, same organization
    response = client.post(reverse(route, args=[mayors.pk])) if route.endswith("read") else (
        client.get(reverse(route, args=[mayors.pk])))
    assert response.status_code == 404
    mayors.refresh_from_db()
    assert mayors.read_at is None


@pytest.mark.parametrize("route", ["accounts:notification_open", "accounts:notification_read"])
def test_another_tenants_notification_is_404(tenant, other_tenant, route):
    [theirs] = tell(other_tenant, other_tenant.users["admin"])
    client = session(tenant.users["admin"])
    response = client.post(reverse(route, args=[theirs.pk])) if route.endswith("read") else (
        client.get(reverse(route, args=[theirs.pk])))
    assert response.status_code == 404


def test_the_service_refuses_to_mark_anothers_notification(tenant):
    [mayors] = tell(tenant, tenant.district9_mayor)
    with pytest.raises(NotFound):
        notification_mark_read(notification=mayors, acting_user=tenant.users["district9"])
    mayors.refresh_from_db()
    assert mayors.read_at is None


def test_the_inbox_is_for_signed_in_users(client, db):
    response = client.get(reverse("accounts:inbox"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# ---------------------------------------------------------------- the API


def test_the_api_lists_ones_own_notifications_newest_first(tenant, other_tenant):
    d9 = tenant.users["district9"]
    first, second = tell(tenant, d9)[0], tell(tenant, d9)[0]
    tell(tenant, tenant.district9_mayor)
    tell(other_tenant, other_tenant.users["district9"])
    client = session(d9)
    page = client.get("/api/v1/notifications", {"limit": 1}).json()
    assert [i["id"] for i in page["items"]] == [second.pk] and page["next_cursor"]
    rest = client.get("/api/v1/notifications", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [i["id"] for i in rest["items"]] == [first.pk] and rest["next_cursor"] is None
    assert rest["items"][0]["subject"] == SUBJECT and rest["items"][0]["is_read"] is False


def test_the_api_filters_unread(tenant):
    d9 = tenant.users["district9"]
    read, unread = tell(tenant, d9)[0], tell(tenant, d9)[0]
    notification_mark_read(notification=read, acting_user=d9)
    client = session(d9)
    assert [i["id"] for i in client.get("/api/v1/notifications", {"unread": "true"}).json()["items"]] == [
        unread.pk]
    assert [i["id"] for i in client.get("/api/v1/notifications", {"unread": "false"}).json()["items"]] == [
        read.pk]
    assert client.get("/api/v1/notifications", {"unread": "maybe"}).status_code == 422


def test_the_api_marks_one_read(tenant):
    d9 = tenant.users["district9"]
    [n] = tell(tenant, d9)
    response = session(d9).post(f"/api/v1/notifications/{n.pk}/read", content_type="application/json")
    assert response.status_code == 200
    assert response.json()["id"] == n.pk and response.json()["is_read"] is True
    n.refresh_from_db()
    assert n.read_at is not None


def test_the_api_does_not_mark_a_colleagues_notification(tenant):
    [mayors] = tell(tenant, tenant.district9_mayor)
    response = session(tenant.users["district9"]).post(f"/api/v1/notifications/{mayors.pk}/read")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    mayors.refresh_from_db()
    assert mayors.read_at is None


def test_the_api_marks_all_read(tenant):
    d9 = tenant.users["district9"]
    tell(tenant, d9)
    tell(tenant, d9)
    [mayors] = tell(tenant, tenant.district9_mayor)
    response = session(d9).post("/api/v1/notifications/read-all", json.dumps({}),
                                content_type="application/json")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    mayors.refresh_from_db()
    assert mayors.read_at is None
