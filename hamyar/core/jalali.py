"""Jalali (Solar Hijri) dates at the edge: parsing what a clerk types, and display."""

import re
from datetime import date, datetime

import jdatetime
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .text import to_latin_digits, to_persian_digits

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)

MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)

# The one spelling of a typed date: a four-digit year first, then month and day, split by the same
# "/", "-" or "." (spaces around it allowed). Digits may be Persian, Arabic-Indic or Latin.
_DATE = re.compile(r"^(\d{4}) *([/\-.]) *(\d{1,2}) *\2 *(\d{1,2})$", re.ASCII)
_MARKS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")

# The years a clerk can mean. Jalali 1300–1500 and the Gregorian days of the same span, so every day in
# the window has exactly one Jalali and one Gregorian spelling, and no year belongs to both calendars.
JALALI_YEARS = (1300, 1500)
FIRST_DAY = date(1921, 3, 21)  # 1300/01/01
LAST_DAY = date(2122, 3, 20)  # 1500/12/29
GREGORIAN_YEARS = (FIRST_DAY.year, LAST_DAY.year)

MESSAGES = {
    "format": _("Enter the date as 1405/09/16 (Jalali) or 2026-12-07 (Gregorian): the four-digit year "
                "first, then the month and the day."),
    "year": _("The year %(year)s is neither a Jalali year from 1300 to 1500 nor a Gregorian year from 1921 "
              "to 2122. Enter the date as 1405/09/16 (Jalali) or 2026-12-07 (Gregorian)."),
    "impossible_jalali": _("%(value)s does not exist in the Jalali calendar (that month has fewer days). "
                           "Enter the date as 1405/09/16."),
    "impossible_gregorian": _("%(value)s does not exist in the Gregorian calendar (that month has fewer "
                              "days). Enter the date as 2026-12-07."),
    "outside": _("The date must be between 1300/01/01 (1921-03-21) and 1500/12/29 (2122-03-20)."),
    "jalali_only": _("Enter the date in the Jalali calendar, as 1405/09/16."),
}


class JalaliDateError(ValueError):
    """The text is not a date that exists; `code` says why, `message` says it to a clerk."""

    def __init__(self, code: str, *, value: str = "", year: int | None = None):
        self.code, self.value, self.year = code, value, year
        super().__init__(code)

    # "impossible" is the old code for a day that does not exist; callers compare it.
    def __str__(self) -> str:
        return "impossible" if self.code.startswith("impossible") else self.code

    @property
    def message(self) -> str:
        """The Persian (or English) sentence naming the expected form, in the active language."""
        params = {"value": self.value, "year": self.year}
        if (get_language() or "fa").startswith("fa"):
            params = {key: to_persian_digits(part) for key, part in params.items()}
        return str(MESSAGES[self.code]) % params


def clean_date_text(value: object) -> str:
    """What was typed, with Latin digits, without direction marks and outer spaces."""
    text = _MARKS.sub("", to_latin_digits(str(value if value is not None else "")))
    return _SPACES.sub(" ", text).strip()


def parse_date(value: object, *, calendar: str = "") -> date:
    """The one reading of a typed date, for pages, the API and sheets alike → a Gregorian `date`.

    The first group is a four-digit year: 1300–1500 is Jalali (۱۴۰۵/۰۹/۱۶), 1921–2122 is Gregorian
    (2026-12-07, 2026/12/07); "/", "-" or "." separate the parts. Anything else — a two-digit year, the
    day first, a year in neither window, a day that does not exist — raises JalaliDateError, never a
    guess. `calendar="jalali"` refuses a Gregorian date (for code that knows it holds a Jalali one).
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not FIRST_DAY <= value <= LAST_DAY:
            raise JalaliDateError("outside")
        return value
    text = clean_date_text(value)
    match = _DATE.match(text)
    if not match:
        raise JalaliDateError("format", value=text)
    year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
    if JALALI_YEARS[0] <= year <= JALALI_YEARS[1]:
        try:
            return jdatetime.date(year, month, day).togregorian()
        except (ValueError, OverflowError):
            raise JalaliDateError("impossible_jalali", value=text) from None
    if GREGORIAN_YEARS[0] <= year <= GREGORIAN_YEARS[1]:
        if calendar == "jalali":
            raise JalaliDateError("jalali_only", value=text)
        try:
            result = date(year, month, day)
        except ValueError:
            raise JalaliDateError("impossible_gregorian", value=text) from None
        if not FIRST_DAY <= result <= LAST_DAY:
            raise JalaliDateError("outside", value=text)
        return result
    raise JalaliDateError("year", value=text, year=year)


def parse_jalali_date(value: str) -> date:
    """۱۴۰۵/۰۹/۰۳, 1405-09-03 or 1405.9.3 → the Gregorian date; `parse_date` restricted to Jalali."""
    return parse_date(value, calendar="jalali")


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


# ---------------------------------------------------------------- Jalali months as one number

# A Jalali month as one number, year * 100 + month (140509 is Azar 1405): the rollups' month, and the
# `month` filter of the needs and orders lists that a dashboard figure links to.
MONTH_MESSAGE = _("Enter a Jalali month as six digits, the year then the month: 140509 for Azar 1405.")


def month_of(value: date | datetime) -> int:
    """The Jalali month of a day or moment (in Tehran) as one number: 140509."""
    j = to_jalali(value)
    return j.year * 100 + j.month


def is_month(value: int) -> bool:
    year, month = divmod(value, 100)
    return JALALI_YEARS[0] <= year <= JALALI_YEARS[1] and 1 <= month <= 12


def add_months(month: int, count: int) -> int:
    """The month `count` months after (before, when negative) `month`: add_months(140501, -1) == 140412."""
    index = (month // 100) * 12 + month % 100 - 1 + count
    return (index // 12) * 100 + index % 12 + 1


def month_start(month: int) -> datetime:
    """The first moment of a Jalali month in Tehran (aware): where a month's rows begin."""
    year, number = divmod(month, 100)
    first = jdatetime.date(year, number, 1).togregorian()
    return timezone.make_aware(datetime(first.year, first.month, first.day))


def month_label(month: int, *, persian_digits: bool = True) -> str:
    """آذر ۱۴۰۵ (or Azar 1405)."""
    year, number = divmod(month, 100)
    if persian_digits:
        return f"{MONTHS_FA[number - 1]} {to_persian_digits(year)}"
    return f"{MONTHS_EN[number - 1]} {year}"
