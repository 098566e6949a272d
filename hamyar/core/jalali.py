"""Jalali (Solar Hijri) dates at the edge: parsing what a clerk types, and display."""

import re
from datetime import date, datetime

import jdatetime
from django.utils import timezone

from .text import to_latin_digits, to_persian_digits

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)

_DATE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")


class JalaliDateError(ValueError):
    """The text is not a Jalali date that exists."""


def parse_jalali_date(value: str) -> date:
    """۱۴۰۵/۰۹/۰۳, 1405-09-03 or 1405.9.3 → the Gregorian date; impossible dates raise."""
    match = _DATE.match(to_latin_digits(str(value or "")))
    if not match:
        raise JalaliDateError("format")
    year, month, day = (int(part) for part in match.groups())
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as error:
        raise JalaliDateError("impossible") from error


def to_jalali(value: date | datetime) -> jdatetime.date | jdatetime.datetime:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return jdatetime.datetime.fromgregorian(datetime=value)
    return jdatetime.date.fromgregorian(date=value)


def format_jalali_date(value: date | datetime | None, *, persian_digits: bool = True,
                       long: bool = False) -> str:
    """1405/09/03 (or ۳ آذر ۱۴۰۵ when long), in Tehran time for datetimes."""
    if value is None:
        return ""
    j = to_jalali(value)
    text = f"{j.day} {MONTHS_FA[j.month - 1]} {j.year}" if long else f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return to_persian_digits(text) if persian_digits else text


def format_jalali_datetime(value: datetime | None, *, persian_digits: bool = True) -> str:
    if value is None:
        return ""
    j = to_jalali(value)
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d} {j.hour:02d}:{j.minute:02d}"
    return to_persian_digits(text) if persian_digits else text
