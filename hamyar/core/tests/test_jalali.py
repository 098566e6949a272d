"""Jalali dates: what a clerk types, what is stored, and what a form shows."""

import datetime as dt

import pytest
from django import forms
from django.utils.translation import override

from hamyar.core.forms import JalaliDateField, PersianCharField
from hamyar.core.jalali import (
    JalaliDateError,
    format_jalali_date,
    format_jalali_datetime,
    parse_jalali_date,
)
from hamyar.core.text import ZWNJ

AZAR_3_1405 = dt.date(2026, 11, 24)


def test_persian_digits_with_slashes_and_latin_digits_with_dashes_parse_alike():
    assert parse_jalali_date("۱۴۰۵/۰۹/۰۳") == parse_jalali_date("1405-09-03") == AZAR_3_1405


@pytest.mark.parametrize(
    "text", ["1405/9/3", "1405.09.03", " ۱۴۰۵ / ۹ / ۳ ", "\u200f۱۴۰۵/۰۹/۰۳\u200e", "١٤٠٥/٠٩/٠٣"]
)
def test_other_spellings_of_the_same_date_parse(text):
    assert parse_jalali_date(text) == AZAR_3_1405


def test_esfand_30_exists_in_a_leap_year():
    assert parse_jalali_date("۱۴۰۳/۱۲/۳۰") == dt.date(2025, 3, 20)


@pytest.mark.parametrize(
    "text", ["۱۴۰۵/۱۲/۳۰", "1405/13/01", "1405/09/32", "1405/00/10", "1405/07/31"]
)
def test_dates_that_do_not_exist_are_impossible(text):
    with pytest.raises(JalaliDateError, match="impossible"):
        parse_jalali_date(text)


def test_a_year_outside_both_windows_is_refused_not_guessed():
    with pytest.raises(JalaliDateError, match="year"):
        parse_jalali_date("0000/01/01")


@pytest.mark.parametrize("text", ["", "garbage", "1405/09", "05/09/03", "1405/09/03/01", "۱۴۰۵ آذر ۳", None])
def test_text_that_is_not_a_date_is_a_format_error(text):
    with pytest.raises(JalaliDateError, match="format"):
        parse_jalali_date(text)


def test_format_in_persian_and_latin_digits():
    assert format_jalali_date(AZAR_3_1405) == "۱۴۰۵/۰۹/۰۳"
    assert format_jalali_date(AZAR_3_1405, persian_digits=False) == "1405/09/03"
    assert format_jalali_date(AZAR_3_1405, long=True) == "۳ آذر ۱۴۰۵"
    assert format_jalali_date(None) == ""


def test_datetimes_are_shown_in_tehran_time():
    # 21:00 UTC on 23 November is 00:30 on 24 November in Tehran: already 3 Azar.
    moment = dt.datetime(2026, 11, 23, 21, 0, tzinfo=dt.UTC)
    assert format_jalali_date(moment) == "۱۴۰۵/۰۹/۰۳"
    assert format_jalali_datetime(moment, persian_digits=False) == "1405/09/03 00:30"


class DueForm(forms.Form):
    due = JalaliDateField()
    later = JalaliDateField(required=False)
    title = PersianCharField(max_length=20, required=False)


@pytest.mark.parametrize("typed", ["۱۴۰۵/۰۹/۰۳", "1405-09-03"])
def test_the_field_accepts_both_forms_and_cleans_to_a_date(typed):
    form = DueForm(data={"due": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == AZAR_3_1405
    assert form.cleaned_data["later"] is None


def test_the_field_shows_its_initial_date_in_jalali_with_persian_digits():
    with override("fa"):
        html = str(DueForm(initial={"due": AZAR_3_1405})["due"])
    assert 'value="۱۴۰۵/۰۹/۰۳"' in html
    assert 'dir="ltr"' in html


def test_the_field_shows_latin_digits_on_an_english_page():
    with override("en"):
        assert 'value="1405/09/03"' in str(DueForm(initial={"due": AZAR_3_1405})["due"])


def test_a_bound_field_shows_what_was_typed():
    form = DueForm(data={"due": "۱۴۰۵/۱۲/۳۰"})
    assert 'value="۱۴۰۵/۱۲/۳۰"' in str(form["due"])


def test_an_impossible_date_is_refused_with_a_persian_message_saying_it_does_not_exist():
    with override("fa"):
        form = DueForm(data={"due": "۱۴۰۵/۱۲/۳۰"})
        assert not form.is_valid()
        [message] = form.errors["due"]
    assert form.errors.as_data()["due"][0].code == "impossible"
    assert "وجود ندارد" in message


def test_a_wrong_format_is_refused_with_a_persian_message_showing_the_format():
    with override("fa"):
        form = DueForm(data={"due": "سوم آذر"})
        assert not form.is_valid()
        [message] = form.errors["due"]
    assert form.errors.as_data()["due"][0].code == "invalid"
    assert "۱۴۰۵/۰۹/۱۶" in message and "2026-12-07" in message


def test_the_two_messages_differ_in_english_too():
    with override("en"):
        wrong = DueForm(data={"due": "x"})
        impossible = DueForm(data={"due": "1405/13/01"})
        assert not wrong.is_valid() and not impossible.is_valid()
        assert list(wrong.errors["due"]) != list(impossible.errors["due"])
        assert "does not exist" in impossible.errors["due"][0]


def test_an_unchanged_initial_date_is_not_a_change():
    form = DueForm(initial={"due": AZAR_3_1405}, data={"due": "۱۴۰۵/۰۹/۰۳"})
    assert "due" not in form.changed_data
    form = DueForm(initial={"due": AZAR_3_1405}, data={"due": "۱۴۰۵/۰۹/۰۴"})
    assert "due" in form.changed_data


def test_persian_char_field_normalizes_what_is_typed():
    form = DueForm(data={"due": "1405/09/03", "title": f"  پارك {ZWNJ}{ZWNJ} علي  ۹ "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "پارک علی 9"


def test_persian_char_field_counts_length_after_normalizing():
    form = DueForm(data={"due": "1405/09/03", "title": "پارک" + " " * 40 + "ملت"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "پارک ملت"
