"""API tokens expire by default; a session ends after an idle time. Both are settings."""

from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from hamyar.accounts.models import ApiToken
from hamyar.accounts.services import api_token_create


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_made_without_an_expiry_expires_after_the_default_lifetime(tenant, settings):
    settings.HAMYAR_API_TOKEN_DAYS = 90
    before = timezone.now()
    token, secret = api_token_create(acting_user=tenant.users["admin"], name="انبار")
    assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 200


def test_the_default_lifetime_is_a_setting(tenant, settings):
    settings.HAMYAR_API_TOKEN_DAYS = 7
    token, _secret = api_token_create(acting_user=tenant.users["admin"], name="کوتاه")
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)


def test_a_token_past_its_default_lifetime_gets_401(tenant):
    token, secret = api_token_create(acting_user=tenant.users["admin"], name="قدیمی")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_token_made_on_its_page_without_days_gets_the_default_lifetime(client, tenant):
    client.force_login(tenant.users["admin"])
    response = client.post("/accounts/tokens/", {"name": "گزارش‌ساز", "days": ""})
    assert response.status_code == 201
    token = ApiToken.objects.get(name="گزارش‌ساز")
    assert token.expires_at - timezone.now() > timedelta(days=settings.HAMYAR_API_TOKEN_DAYS - 1)


def test_a_session_ends_after_the_idle_time_and_requests_renew_it(client, tenant, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    client.post("/accounts/login/", {"username": tenant.users["district9"].username, "password": PASSWORD})
    first = client.session.get_expiry_date()
    assert timedelta(hours=7, minutes=59) < first - timezone.now() <= timedelta(hours=8)
    # Within the renewal interval a page writes nothing: no new cookie.
    response = client.get("/")
    assert response.status_code == 200 and settings.SESSION_COOKIE_NAME not in response.cookies
    # Past it, the next request renews the session: a fresh idle time, sent again in the cookie.
    settings.HAMYAR_SESSION_RENEW_SECONDS = 0
    response = client.get("/")
    assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == settings.SESSION_COOKIE_AGE
    assert client.session.get_expiry_date() >= first
    # Once the idle time has passed the session is gone: the next page asks to sign in.
    session = client.session
    session.set_expiry(timezone.now() - timedelta(seconds=1))
    session.save()
    assert client.get("/").status_code == 302


def test_the_idle_time_is_a_setting(client, tenant, settings):
    settings.SESSION_COOKIE_AGE = 600
    client.force_login(tenant.users["district9"])
    assert timedelta(minutes=9) < client.session.get_expiry_date() - timezone.now() <= timedelta(minutes=10)
