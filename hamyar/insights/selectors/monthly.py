"""The Jalali months the dashboards read their cells by (`year * 100 + month`, as in insights.models), and
how a month is named on a page and in a sheet."""

import datetime as dt

import jdatetime
from django.utils import timezone
from django.utils.translation import get_language

from hamyar.core.jalali import MONTHS_EN, MONTHS_FA
from hamyar.core.text import to_persian_digits

__all__ = ["last_months", "month_label", "month_start"]


def last_months(count: int = 12, *, today: dt.date | None = None) -> list[int]:
    """The `count` Jalali months up to and including this one, the oldest first: [140310, …, 140409]."""
    day = jdatetime.date.fromgregorian(date=today or timezone.localdate())
    year, month = day.year, day.month
    months = []
    for _ in range(count):
        months.append(year * 100 + month)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_start(month: int) -> dt.date:
    """The Gregorian day the Jalali month begins (140501 → 2026-03-21)."""
    return jdatetime.date(month // 100, month % 100, 1).togregorian()


def month_label(month: int) -> str:
    """«آذر ۱۴۰۵» on a Persian page, «Azar 1405» on an English one."""
    year, number = divmod(month, 100)
    if (get_language() or "fa").startswith("fa"):
        return f"{MONTHS_FA[number - 1]} {to_persian_digits(str(year))}"
    return f"{MONTHS_EN[number - 1]} {year}"
