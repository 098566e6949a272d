"""Display filters for every template: Jalali dates, Persian digits, Rial with Toman.

A filter given something it cannot format shows it unchanged rather than
breaking the page.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from hamyar.core import jalali, money
from hamyar.core.text import to_persian_digits

register = template.Library()

EMPTY = "—"


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@register.filter
def jdate(value: Any) -> Any:
    """A date or datetime as a Jalali date: ۱۴۰۵/۰۹/۰۳."""
    if not isinstance(value, date):
        return value if value not in (None, "") else ""
    return jalali.format_jalali_date(value, persian_digits=_persian())


@register.filter
def jdate_long(value: Any) -> Any:
    """۳ آذر ۱۴۰۵."""
    if not isinstance(value, date):
        return value if value not in (None, "") else ""
    return jalali.format_jalali_date(value, persian_digits=_persian(), long=True)


@register.filter
def jdatetime(value: Any) -> Any:
    """A datetime in Tehran time as Jalali: ۱۴۰۵/۰۹/۰۳ ۱۴:۳۰; a bare date as jdate."""
    if isinstance(value, datetime):
        return jalali.format_jalali_datetime(value, persian_digits=_persian())
    return jdate(value)


@register.filter(is_safe=True)
def fa_digits(value: Any) -> Any:
    """Latin digits as Persian digits on a Persian page; unchanged otherwise."""
    if value is None or value == "":
        return value
    return to_persian_digits(value) if _persian() else value


@register.filter(is_safe=True)
def num(value: Any) -> Any:
    """A number with thousands separators; Persian digits (and ٫ as decimal point) on a Persian page."""
    if value is None or value == "":
        return EMPTY
    persian = _persian()
    if isinstance(value, bool):
        return fa_digits(int(value))
    if isinstance(value, int):
        return money.group_thousands(value, persian_digits=persian)
    if isinstance(value, float | Decimal):
        try:
            text = f"{Decimal(str(value)).normalize():,f}"
        except InvalidOperation:  # NaN, infinity
            return str(value)
        if persian:
            text = to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
        return text
    return fa_digits(value)


@register.filter
def rial(value: Any) -> Any:
    """An amount in Rial with the Toman figure beside it."""
    if value is None or value == "":
        return EMPTY
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return value
    persian = _persian()
    return format_html(
        '<span class="money">{}</span> <small class="text-body-secondary">({})</small>',
        money.format_rial(amount, persian_digits=persian),
        money.format_toman(amount, persian_digits=persian),
    )


@register.filter
def bar_width(value: Any) -> str:
    """A bar's width as a class of web/bars.css, 0–100 in whole percents: `w-pct-37`.

    The Content-Security-Policy forbids style attributes, so a width computed on the server is a class.
    """
    return f"w-pct-{_whole_percent(value)}"


@register.filter
def bar_start(value: Any) -> str:
    """A marker's place along a bar (its inline start) as a class of web/bars.css: `start-pct-37`."""
    return f"start-pct-{_whole_percent(value)}"


def _whole_percent(value: Any) -> int:
    try:
        return max(0, min(100, round(float(value))))
    except (TypeError, ValueError, OverflowError):
        return 0
