"""The one date parser, fed generated spellings: every way a clerk writes a day is that day, in either
calendar; everything else is refused with a message naming the expected form, never guessed."""

import datetime as dt

import jdatetime
import pytest
from django import forms
from django.utils.translation import override
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from hamyar.core.apikit import DateInput
from hamyar.core.forms import JalaliDateField
from hamyar.core.jalali import (
    FIRST_DAY,
    LAST_DAY,
    JalaliDateError,
    clean_date_text,
    format_jalali_date,
    parse_date,
)
from hamyar.core.tests.strategies import (
    DIGIT_SETS,
    days,
    gregorian_spelling,
    impossible_gregorian,
    impossible_jalali,
    jalali_spelling,
    outside_windows,
    spelled,
)

DATE_API = TypeAdapter(DateInput)
# A shared, busy machine: no per-example deadline; the examples are cheap anyway.
QUICK = settings(deadline=None)


def _outcome(read, text):
    """The day read, or "refused"; any other exception fails the test."""
    try:
        return read(text)
    except (JalaliDateError, ValidationError, forms.ValidationError):
        return "refused"


# ---------------------------------------------------------------- what is accepted


@QUICK
@given(jalali_spelling())
@example((dt.date(2026, 12, 7), "۱۴۰۵/۰۹/۱۶"))
@example((dt.date(2025, 3, 20), "1403/12/30"))  # Esfand 30 of a leap year
def test_every_spelling_of_a_jalali_day_is_that_day(case):
    day, text = case
    assert parse_date(text) == day


@QUICK
@given(gregorian_spelling())
@example((dt.date(2026, 12, 2), "2026/12/02"))  # the example: not Jalali year 2026
@example((dt.date(2024, 2, 29), "2024-02-29"))
def test_every_spelling_of_a_gregorian_day_is_that_day(case):
    day, text = case
    assert parse_date(text) == day


@QUICK
@given(days)
def test_the_shown_jalali_date_and_the_iso_date_read_back_as_the_same_day(day):
    assert parse_date(format_jalali_date(day)) == parse_date(day.isoformat()) == day
    assert parse_date(format_jalali_date(day, persian_digits=False)) == day


# ---------------------------------------------------------------- what is refused


@QUICK
@given(
    st.integers(1000, 9999).filter(outside_windows),
    st.integers(1, 12), st.integers(1, 28), st.data(),
)
@example(2648, 2, 21, None)  # what 2026-12-02 used to be stored as
def test_a_year_outside_both_windows_is_refused_naming_the_expected_form(year, month, day, data):
    text = data.draw(spelled(year, month, day)) if data else f"{year}-{month:02d}-{day:02d}"
    with pytest.raises(JalaliDateError) as refused:
        parse_date(text)
    assert refused.value.code == "year"
    with override("fa"):
        message = refused.value.message
    assert "۱۴۰۵/۰۹/۱۶" in message and "2026-12-07" in message


@QUICK
@given(days, st.data())
def test_day_first_and_two_digit_years_are_refused_not_guessed(day, data):
    sep = data.draw(st.sampled_from("/-."))
    j = jdatetime.date.fromgregorian(date=day)
    for text in (f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}",  # 07/12/2026
                 f"{j.day:02d}{sep}{j.month:02d}{sep}{j.year}",  # 16/09/1405
                 f"{j.year % 100:02d}{sep}{j.month:02d}{sep}{j.day:02d}",  # 05/09/16
                 f"{day.year}{sep}{day.month:02d}",  # no day
                 f"{day.isoformat()}T00:00:00"):  # a timestamp is not a date
        text = text.translate(data.draw(st.sampled_from(DIGIT_SETS)))
        with pytest.raises(JalaliDateError) as refused:
            parse_date(text)
        assert refused.value.code == "format", text


@QUICK
@given(impossible_jalali())
@example("1405/12/30")
def test_a_jalali_day_that_does_not_exist_is_refused(text):
    with pytest.raises(JalaliDateError) as refused:
        parse_date(text)
    assert refused.value.code == "impossible_jalali"
    with override("fa"):
        assert "وجود ندارد" in refused.value.message


@QUICK
@given(impossible_gregorian())
@example("2026-02-30")
def test_a_gregorian_day_that_does_not_exist_is_refused(text):
    with pytest.raises(JalaliDateError) as refused:
        parse_date(text)
    assert refused.value.code == "impossible_gregorian"


@QUICK
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)).filter(
    lambda d: not FIRST_DAY <= d <= LAST_DAY))
def test_a_gregorian_day_before_or_after_the_jalali_window_is_refused(day):
    if not 1921 <= day.year <= 2122:
        return  # the year itself is out: covered above
    with pytest.raises(JalaliDateError) as refused:
        parse_date(day.isoformat())
    assert refused.value.code == "outside"


# ---------------------------------------------------------------- every reader reads alike


@QUICK
@given(st.one_of(
    jalali_spelling().map(lambda c: c[1]),
    gregorian_spelling().map(lambda c: c[1]),
    impossible_jalali(),
    st.text(max_size=30),
    st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹/-. ", max_size=14),
))
def test_the_form_field_and_the_api_type_read_exactly_as_the_parser_does(text):
    expected = _outcome(parse_date, text)
    assert expected == "refused" or isinstance(expected, dt.date), expected  # never another exception
    if isinstance(expected, dt.date):
        assert FIRST_DAY <= expected <= LAST_DAY
    from_form = _outcome(JalaliDateField(required=False).clean, text)
    # Blank text (spaces, direction marks) is "no date" on a form; everything else reads alike.
    assert from_form == (None if not clean_date_text(text) else expected)
    assert _outcome(DATE_API.validate_python, text) == expected


def test_the_api_type_refuses_what_is_not_text_with_the_format_message():
    for value in (20261207, 2026.12, True, ["2026-12-07"], dt.datetime(2026, 12, 7, 10, 0)):
        with pytest.raises(ValidationError) as refused:
            DATE_API.validate_python(value)
        assert refused.value.errors()[0]["type"] == "date_input"


def test_the_refusals_speak_persian_and_name_the_form():
    with override("fa"):
        for text, code in (("02/12/2026", "format"), ("2648/02/21", "year"),
                           ("1405/12/30", "impossible_jalali"), ("2026-02-30", "impossible_gregorian"),
                           ("1921-01-01", "outside")):
            with pytest.raises(JalaliDateError) as refused:
                parse_date(text)
            assert refused.value.code == code
            message = refused.value.message
            assert any("\u0600" <= c <= "\u06ff" for c in message), message
            assert "۱۴۰۵/۰۹/۱۶" in message or "2026-12-07" in message or "۱۳۰۰/۰۱/۰۱" in message, message


# ---------------------------------------------------------------- every date of the API is read so


def _input_properties(schema: dict):
    """(where, name, property) of every request body property and query parameter of the API."""
    components = schema["components"]["schemas"]

    def resolve(node):
        return components[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield f"{method} {path}", parameter["name"], parameter["schema"]
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = resolve(content["schema"])
                for name, prop in body.get("properties", {}).items():
                    yield f"{method} {path}", name, prop


def test_every_date_an_api_client_sends_is_read_by_the_one_parser():
    from hamyar.api import api

    inputs = list(_input_properties(api.get_openapi_schema()))
    plain = [(where, name) for where, name, prop in inputs if "format': 'date'" in str(prop)]
    assert plain == [], "dates read (or documented) as ISO only, not by DateInput"
    dates = [(where, name) for where, name, prop in inputs if "1405/09/16" in str(prop)]
    named = {name for _where, name in dates}
    # The dates every app takes: needs, commerce, projects, finance, directory (agreements).
    assert {"desired_date", "valid_until", "delivered_on", "start_date", "due_date", "reported_on",
            "new_end_date", "issue_date", "paid_on", "from", "to", "period_start", "settled_on",
            "starts_on", "ends_on"} <= named
