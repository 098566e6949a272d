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

MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)

_DATE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$", re.ASCII)
_MARKS = re.compile("[\u200c-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class JalaliDateError(ValueError):
    """The text is not a Jalali date that exists."""


def parse_jalali_date(value: str) -> date:
    """۱۴۰۵/۰۹/۰۳, 1405-09-03 or 1405.9.3 → the Gregorian date; impossible dates raise."""
    # Direction marks that a right-to-left input or a paste slips in are not part of the date.
    text = _MARKS.sub("", to_latin_digits(str(value or "")))
    match = _DATE.match(text)
    if not match:
        raise JalaliDateError("format")
    year, month, day = (int(part) for part in match.groups())
    try:
        return jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError) as error:
        raise JalaliDateError("impossible") from error


def to_jalali(value: date | datetime) -> jdatetime.date | jdatetime.datetime:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return jdatetime.datetime.fromgregorian(datetime=value)
    return jdatetime.date.fromgregorian(date=value)


def format_jalali_date(value: date | datetime | None, *, persian_digits: bool = True,
                       long: bool = False) -> str:
    """۱۴۰۵/۰۹/۰۳ (or ۳ آذر ۱۴۰۵ when long; 1405/09/03 and 3 Azar 1405 in Latin digits), in Tehran time."""
    if value is None:
        return ""
    j = to_jalali(value)
    months = MONTHS_FA if persian_digits else MONTHS_EN
    text = f"{j.day} {months[j.month - 1]} {j.year}" if long else f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return to_persian_digits(text) if persian_digits else text


def format_jalali_datetime(value: datetime | None, *, persian_digits: bool = True) -> str:
    if value is None:
        return ""
    j = to_jalali(value)
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d} {j.hour:02d}:{j.minute:02d}"
    return to_persian_digits(text) if persian_digits else text
