"""Generated spellings of dates, shared by the tests of every surface that reads a typed date."""

import datetime as dt

import jdatetime
from hypothesis import strategies as st

from hamyar.core.jalali import FIRST_DAY, GREGORIAN_YEARS, JALALI_YEARS, LAST_DAY

DIGIT_SETS = (
    str.maketrans("", ""),
    str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
)
# What a right-to-left field, a paste or a phone keyboard leaves around the text.
AROUND = ("", " ", "  ", "\t", "\u200f", "\u200e", "\u202b", "\u202c", "\u2067", "\ufeff", "\u061c", "\xa0")
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


@st.composite
def spelled(draw, year: int, month: int, day: int) -> str:
    """year/month/day in any accepted spelling: separator, zero padding, spaces, digits, marks."""
    sep = draw(st.sampled_from("/-."))
    gap = draw(st.sampled_from(["", " "]))
    month_text = f"{month:02d}" if draw(st.booleans()) else str(month)
    day_text = f"{day:02d}" if draw(st.booleans()) else str(day)
    text = f"{year:04d}{gap}{sep}{gap}{month_text}{gap}{sep}{gap}{day_text}"
    text = text.translate(draw(st.sampled_from(DIGIT_SETS)))
    return draw(st.sampled_from(AROUND)) + text + draw(st.sampled_from(AROUND))


@st.composite
def jalali_spelling(draw, within=days) -> tuple[dt.date, str]:
    day = draw(within)
    j = jdatetime.date.fromgregorian(date=day)
    return day, draw(spelled(j.year, j.month, j.day))


@st.composite
def gregorian_spelling(draw, within=days) -> tuple[dt.date, str]:
    day = draw(within)
    return day, draw(spelled(day.year, day.month, day.day))


def spelling_of(day: dt.date):
    """Any accepted spelling of `day`, in either calendar."""
    return st.one_of(jalali_spelling(st.just(day)), gregorian_spelling(st.just(day))).map(lambda c: c[1])


@st.composite
def impossible_jalali(draw) -> str:
    year = draw(st.integers(*JALALI_YEARS))
    month, day = draw(st.sampled_from([
        (draw(st.integers(7, 11)), 31),
        (12, 30 if not jdatetime.date(year, 1, 1).isleap() else 31),
        (draw(st.integers(1, 6)), 32),
        (13, 1), (0, 5), (draw(st.integers(1, 12)), 0),
    ]))
    return draw(spelled(year, month, day))


@st.composite
def impossible_gregorian(draw) -> str:
    year = draw(st.integers(1922, 2121))
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    month, day = draw(st.sampled_from([
        (2, 30 if leap else 29), (draw(st.sampled_from([4, 6, 9, 11])), 31), (13, 1), (0, 1), (5, 0), (1, 32),
    ]))
    return draw(spelled(year, month, day))


def outside_windows(year: int) -> bool:
    jalali, gregorian = JALALI_YEARS, GREGORIAN_YEARS
    return not (jalali[0] <= year <= jalali[1] or gregorian[0] <= year <= gregorian[1])


out_of_window = st.builds(
    lambda y, m, d: (y, m, d), st.integers(1000, 9999).filter(outside_windows), st.integers(1, 12),
    st.integers(1, 28),
).flatmap(lambda ymd: spelled(*ymd))


@st.composite
def day_first(draw) -> str:
    """07/12/2026, 16/09/1405 or 05/09/16: the day or a two-digit year first."""
    day = draw(days)
    j = jdatetime.date.fromgregorian(date=day)
    sep = draw(st.sampled_from("/-."))
    text = draw(st.sampled_from([
        f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}",
        f"{j.day:02d}{sep}{j.month:02d}{sep}{j.year}",
        f"{j.year % 100:02d}{sep}{j.month:02d}{sep}{j.day:02d}",
    ]))
    return text.translate(draw(st.sampled_from(DIGIT_SETS)))


# Text that is not a day: refused wherever a date is read.
bad_date_text = st.one_of(
    out_of_window, impossible_jalali(), impossible_gregorian(), day_first(),
    st.text(min_size=1, max_size=12).filter(lambda t: t.strip() and not any(c.isdigit() for c in t)),
    st.sampled_from(["2648-02-21", "1405/12/30", "2026-02-30", "02/12/2026", "1405/09", "2026-12-02T00:00"]),
)
