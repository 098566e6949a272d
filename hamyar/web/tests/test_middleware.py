"""The interface stays Persian for an English-language browser until English is chosen."""

import pytest
from django.conf import settings
from django.test import override_settings

MIDDLEWARE = [
    "hamyar.web.middleware.PersianFirstLocaleMiddleware"
    if m == "django.middleware.locale.LocaleMiddleware" else m
    for m in settings.MIDDLEWARE
]

pytestmark = pytest.mark.django_db


@override_settings(MIDDLEWARE=MIDDLEWARE)
def test_an_english_browser_still_gets_persian(client):
    html = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="fa" dir="rtl">' in html


@override_settings(MIDDLEWARE=MIDDLEWARE)
def test_choosing_english_with_the_switch_gives_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en" dir="ltr">' in html


@override_settings(MIDDLEWARE=MIDDLEWARE)
def test_an_unknown_language_cookie_falls_back_to_persian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert '<html lang="fa" dir="rtl">' in client.get("/accounts/login/").content.decode()
