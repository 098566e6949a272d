"""Display filters for every template: Jalali dates, Persian digits, Rial with Toman."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from hamyar.core import jalali, money
from hamyar.core.text import to_persian_digits

register = template.Library()


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@register.filter
def jdate(value):
    """A date or datetime as a Jalali date: ۱۴۰۵/۰۹/۰۳."""
    return jalali.format_jalali_date(value, persian_digits=_persian())


@register.filter
def jdate_long(value):
    """۳ آذر ۱۴۰۵."""
    return jalali.format_jalali_date(value, persian_digits=_persian(), long=True)


@register.filter
def jdatetime(value):
    """A datetime in Tehran time as Jalali: ۱۴۰۵/۰۹/۰۳ ۱۴:۳۰."""
    return jalali.format_jalali_datetime(value, persian_digits=_persian())


@register.filter
def fa_digits(value):
    if value is None or value == "":
        return value
    return to_persian_digits(value) if _persian() else value


@register.filter
def num(value):
    """A number with thousands separators, in Persian digits when the page is Persian."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return money.group_thousands(value, persian_digits=_persian())
    return fa_digits(value)


@register.filter
def rial(value):
    """An amount in Rial with the Toman figure beside it."""
    if value is None or value == "":
        return "—"
    persian = _persian()
    return format_html(
        '<span class="money">{}</span> <small class="text-body-secondary">({})</small>',
        money.format_rial(value, persian_digits=persian),
        money.format_toman(value, persian_digits=persian),
    )
