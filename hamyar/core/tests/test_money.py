"""Rial with Toman beside it, numbers and Jalali dates, as every template shows them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import override

from hamyar.core.money import format_rial, format_toman, group_thousands, rial_to_toman, vat_amount


def test_thousands_are_grouped_with_the_persian_separator():
    assert group_thousands(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert group_thousands(1234567, persian_digits=False) == "1,234,567"
    assert group_thousands(999) == "۹۹۹"


def test_rial_in_persian_and_english():
    assert format_rial(12_500_000) == "۱۲٬۵۰۰٬۰۰۰ ریال"
    assert format_rial(12_500_000, persian_digits=False) == "12,500,000 Rial"


def test_toman_is_a_tenth_of_the_rial_figure():
    assert format_toman(12_500_000) == "۱٬۲۵۰٬۰۰۰ تومان"
    assert format_toman(12_500_000, persian_digits=False) == "1,250,000 Toman"


def test_zero_is_shown_as_zero():
    assert format_rial(0) == "۰ ریال"
    assert format_toman(0, persian_digits=False) == "0 Toman"


def test_negative_amounts_keep_their_sign():
    assert format_rial(-1_234_500, persian_digits=False) == "-1,234,500 Rial"
    assert format_toman(-1_234_500, persian_digits=False) == "-123,450 Toman"
    assert format_rial(-1_000) == "-۱٬۰۰۰ ریال"


def test_a_remainder_below_one_toman_is_dropped_toward_zero_on_both_signs():
    assert rial_to_toman(19) == 1
    assert rial_to_toman(-19) == -1
    assert rial_to_toman(9) == 0
    assert rial_to_toman(-9) == 0


def test_no_amount_is_shown_as_nothing():
    assert format_rial(None) == ""
    assert format_toman(None) == ""


def render(source: str, language: str, **context) -> str:
    with override(language):
        return Template(source).render(Context(context)).strip()


# 21:00 UTC on 23 November 2026 is 00:30 on 3 Azar 1405 in Tehran.
MOMENT = dt.datetime(2026, 11, 23, 21, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("source", "value", "fa", "en"),
    [
        ("{{ v|jdate }}", DAY, "۱۴۰۵/۰۹/۰۳", "1405/09/03"),
        ("{{ v|jdate }}", MOMENT, "۱۴۰۵/۰۹/۰۳", "1405/09/03"),
        ("{{ v|jdate_long }}", DAY, "۳ آذر ۱۴۰۵", "3 Azar 1405"),
        ("{{ v|jdatetime }}", MOMENT, "۱۴۰۵/۰۹/۰۳ ۰۰:۳۰", "1405/09/03 00:30"),
        ("{{ v|num }}", 365000, "۳۶۵٬۰۰۰", "365,000"),
        ("{{ v|num }}", 0, "۰", "0"),
        ("{{ v|num }}", -4400, "-۴٬۴۰۰", "-4,400"),
        ("{{ v|num }}", Decimal("4400.50"), "۴٬۴۰۰٫۵", "4,400.5"),
        ("{{ v|num }}", 2.5, "۲٫۵", "2.5"),
        ("{{ v|num }}", None, "—", "—"),
        ("{{ v|fa_digits }}", "منطقه 9", "منطقه ۹", "منطقه 9"),
        ("{{ v|fa_digits }}", 1405, "۱۴۰۵", "1405"),
    ],
)
def test_filters_in_both_languages(source, value, fa, en):
    assert render(source, "fa", v=value) == fa
    assert render(source, "en", v=value) == en


def test_rial_filter_shows_toman_beside_rial_in_persian():
    html = render("{{ v|rial }}", "fa", v=12_500_000)
    assert html == (
        '<span class="money">۱۲٬۵۰۰٬۰۰۰ ریال</span> '
        '<small class="text-body-secondary">(۱٬۲۵۰٬۰۰۰ تومان)</small>'
    )


def test_rial_filter_in_english():
    html = render("{{ v|rial }}", "en", v=12_500_000)
    assert "12,500,000 Rial" in html and "(1,250,000 Toman)" in html


def test_rial_filter_with_zero_negative_and_nothing():
    assert "۰ ریال" in render("{{ v|rial }}", "fa", v=0)
    assert "-1,234,500 Rial" in render("{{ v|rial }}", "en", v=-1_234_500)
    assert "(-123,450 Toman)" in render("{{ v|rial }}", "en", v=-1_234_500)
    assert render("{{ v|rial }}", "fa", v=None) == "—"


def test_filters_given_the_wrong_kind_of_value_do_not_break_the_page():
    assert render("{{ v|jdate }}", "fa", v="not a date") == "not a date"
    assert render("{{ v|jdate }}", "fa", v=None) == ""
    assert render("{{ v|rial }}", "fa", v="n/a") == "n/a"


def test_digit_filters_escape_unsafe_text_and_keep_safe_html():
    assert render("{{ v|fa_digits }}", "fa", v="<b>1</b>") == "&lt;b&gt;۱&lt;/b&gt;"
    assert render("{{ v|fa_digits }}", "fa", v=mark_safe("<b>1</b>")) == "<b>۱</b>"


@pytest.mark.parametrize(("amount", "percent", "expected"), [
    (1_000_000, 10, 100_000),
    (15, 10, 2),          # 1.5 Rial: half goes up
    (14, 10, 1),          # 1.4 Rial: down
    (25, "9", 2),         # 2.25 Rial
    (5, "10", 1),         # 0.5 Rial: up
    (4, "10", 0),
    (0, 10, 0),
    (7_800_000_000, 10, 780_000_000),
    (333, "9.5", 32),     # 31.635
])
def test_vat_is_rounded_half_up_to_whole_rial(amount, percent, expected):
    assert vat_amount(amount, percent) == expected
