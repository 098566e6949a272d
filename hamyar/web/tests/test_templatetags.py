"""The shell's display filters: unknown stays "—", digits follow the page's language."""

import datetime as dt
from decimal import Decimal

from django.utils import translation

from hamyar.web.templatetags.hamyar_web import dec, jdate_full, pct


def test_dec_shows_unknown_as_a_dash():
    assert dec(None) == "—"


def test_dec_uses_persian_digits_and_separators():
    with translation.override("fa"):
        assert dec(Decimal("4400.0")) == "۴٬۴۰۰"
        assert dec(120.549, 2) == "۱۲۰٫۵۵"
    with translation.override("en"):
        assert dec(120.549, 2) == "120.55"


def test_pct():
    with translation.override("fa"):
        assert pct(Decimal("5.00"), 2) == "۵٪"
        assert pct(None) == "—"


def test_header_date_is_jalali_with_weekday():
    # 1 Farvardin 1405 (Nowruz) is Saturday 21 March 2026.
    with translation.override("fa"):
        assert jdate_full(dt.date(2026, 3, 21)) == "شنبه ۱ فروردین ۱۴۰۵"
    with translation.override("en"):
        assert jdate_full(dt.date(2026, 3, 21)) == "Saturday 1 Farvardin 1405"
