"""The price-sheet import reads dates and numbers with the one parser of each kind: generated spellings
of a day or an amount mean what they mean on every other surface, and misplaced separators are refused."""

from decimal import Decimal

import pytest
from django.utils.translation import override
from hypothesis import given, settings
from hypothesis import strategies as st

from hamyar.catalog import sheets
from hamyar.catalog.services.price_imports import _as_date
from hamyar.core.errors import InvalidInput
from hamyar.core.jalali import parse_date
from hamyar.core.numbers import parse_decimal
from hamyar.core.tests.strategies import bad_date_text, gregorian_spelling, jalali_spelling

QUICK = settings(deadline=None)


@QUICK
@given(st.one_of(jalali_spelling(), gregorian_spelling()))
def test_a_sheet_date_is_the_day_the_one_parser_reads(case):
    day, text = case
    assert _as_date(text, "valid_from", required=True) == parse_date(text) == day


@QUICK
@given(bad_date_text)
def test_a_sheet_date_that_is_not_a_day_is_refused_on_its_field_in_persian(text):
    with override("fa"), pytest.raises(InvalidInput) as refused:
        _as_date(text, "valid_until", required=False)
    [message] = refused.value.extra["fields"]["valid_until"]
    assert "۱۴۰۵/۰۹/۱۶" in message or "2026-12-07" in message or "۱۳۰۰/۰۱/۰۱" in message


@QUICK
@given(st.integers(0, 10**12), st.sampled_from(["٬", ",", "،", ""]), st.sampled_from(["", " ریال", "ریال"]))
def test_a_sheet_amount_reads_as_the_one_number_parser_reads_it(amount, mark, unit):
    text = f"{amount:,}".replace(",", mark) + unit
    assert sheets.parse_whole(text) == amount == parse_decimal(text, units=("ریال",))


@pytest.mark.parametrize("text", ["۱٬۲۳", "1,2345", "12,,345", "۱۲۵۰٬۰۰"])
def test_a_sheet_amount_with_misplaced_separators_is_refused_not_read_as_another_number(text):
    with pytest.raises(sheets.CellError) as refused:
        sheets.parse_number(text)
    assert refused.value.code == "misgrouped"
    with override("fa"):
        assert "جداکننده" in sheets.error_text(sheets.SheetError("misgrouped", params=refused.value.params))


def test_a_sheet_keeps_reading_excel_numbers_as_they_are():
    assert sheets.parse_number(1250000) == 1250000
    assert sheets.parse_number(12.5) == Decimal("12.5")
    assert sheets.parse_whole(1250000.0) == 1250000
