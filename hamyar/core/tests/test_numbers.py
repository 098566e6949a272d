"""The one number parser, fed generated spellings: a number written with any digits and correct thousands
separators is that number; a misplaced separator (۱٬۲۳, 1,2345, 12,,345) is refused, never read as 123."""

from decimal import Decimal

import pytest
from django import forms
from django.utils.translation import override
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from hamyar.core.apikit import decimal_input, whole_input
from hamyar.core.forms import PersianDecimalField, PersianIntegerField
from hamyar.core.numbers import NumberError, clean_number_text, parse_decimal, parse_whole

QUICK = settings(deadline=None)
DIGIT_SETS = (
    str.maketrans("", ""),
    str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
)
GROUP_MARKS = ("٬", ",", "،", "'", " ", "\u00a0")
AROUND = ("", " ", "\u200f", "\u200e", "\u202b", "\ufeff")


def _grouped(digits: str, mark: str) -> str:
    head = len(digits) % 3 or 3
    return mark.join([digits[:head], *(digits[i:i + 3] for i in range(head, len(digits), 3))])


@st.composite
def whole_spelling(draw) -> tuple[int, str]:
    number = draw(st.integers(-(10**15), 10**15))
    digits = str(abs(number))
    mark = draw(st.sampled_from(("", *GROUP_MARKS)))
    text = _grouped(digits, mark) if mark else digits
    if number < 0:
        text = draw(st.sampled_from(["-" + text, "\u2212" + text, text + "-"]))
    text = text.translate(draw(st.sampled_from(DIGIT_SETS)))
    return number, draw(st.sampled_from(AROUND)) + text + draw(st.sampled_from(AROUND))


@st.composite
def decimal_spelling(draw) -> tuple[Decimal, str]:
    number = draw(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
    whole, _, fraction = f"{number:f}".partition(".")
    mark = draw(st.sampled_from(("", *GROUP_MARKS)))
    text = (_grouped(whole, mark) if mark else whole) + draw(st.sampled_from("٫./")) + (fraction or "0")
    return number, text.translate(draw(st.sampled_from(DIGIT_SETS)))


@st.composite
def misgrouped(draw) -> str:
    """Digits with separators somewhere a thousands separator cannot be."""
    digits = draw(st.text(alphabet="0123456789", min_size=2, max_size=13)).lstrip("0") or "12"
    if len(digits) < 2:
        digits += "3"
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), min_size=1, max_size=4)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    aligned = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if aligned:  # make it wrong: a doubled separator
        groups.insert(1, "")
    mark = draw(st.sampled_from(GROUP_MARKS[:3]))
    return mark.join(groups).translate(draw(st.sampled_from(DIGIT_SETS)))


# ---------------------------------------------------------------- the parser


@QUICK
@given(whole_spelling())
@example((1_250_000, "۱٬۲۵۰٬۰۰۰"))
@example((1_250_000, "1.250.000"))
@example((-500, "۵۰۰-"))
def test_every_spelling_of_a_whole_number_is_that_number(case):
    number, text = case
    assert parse_whole(text) == number


@QUICK
@given(decimal_spelling())
@example((Decimal("45.5"), "۴۵٫۵"))
@example((Decimal("1200.25"), "۱٬۲۰۰٫۲۵"))
def test_every_spelling_of_a_decimal_is_that_decimal(case):
    number, text = case
    assert parse_decimal(text) == number


@QUICK
@given(misgrouped())
@example("۱٬۲۳")
@example("1,2345")
@example("12,,345")
@example("0,123")
@example("1,234,56")
def test_a_misplaced_thousands_separator_is_refused_not_dropped(text):
    with pytest.raises(NumberError) as refused:
        parse_decimal(text)
    assert refused.value.code == "grouping"
    with override("fa"):
        assert "۱٬۲۵۰٬۰۰۰" in refused.value.message


@pytest.mark.parametrize("text", ["1_000", "1e3", "0x10", "NaN", "Infinity", "۱۲ آذر", "--5", "", "٫",
                                  "1.2.3", "1٫2.3", "12,345.6,7"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(NumberError):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["1.5", "۱٫۵", "12/5"])
def test_a_fraction_where_a_whole_number_belongs_is_refused_not_rounded(text):
    with pytest.raises(NumberError) as refused:
        parse_whole(text)
    assert refused.value.code == "whole"


def test_units_a_column_or_a_field_allows_are_dropped():
    assert parse_whole("۱٬۲۵۰٬۰۰۰ ریال", units=("ریال",)) == 1_250_000
    assert parse_decimal("۴۵٫۵٪", units=("%", "٪")) == Decimal("45.5")
    with pytest.raises(NumberError):
        parse_whole("۱٬۲۵۰ تومان", units=("ریال",))


@QUICK
@given(st.text(max_size=20) | st.text(alphabet="0123456789۰۱۲۳۴۵۶۷۸۹٬,،٫./- ", max_size=16))
def test_any_text_is_a_number_or_a_clear_refusal(text):
    try:
        value = parse_decimal(text)
    except NumberError as error:
        assert error.code in {"format", "grouping"}
        return
    assert value.is_finite()


# ---------------------------------------------------------------- every reader reads alike


class AmountForm(forms.Form):
    amount = PersianIntegerField(required=False)
    weight = PersianDecimalField(required=False, max_digits=14, decimal_places=2, units=("%", "٪"))


@QUICK
@given(st.one_of(whole_spelling().map(lambda c: c[1]), misgrouped(), st.text(max_size=12)))
def test_the_form_fields_and_the_api_types_read_exactly_as_the_parser_does(text):
    try:
        expected = parse_whole(text)
    except NumberError:
        expected = "refused"
    form = AmountForm(data={"amount": text})
    # Blank text (spaces, direction marks) is "no number" on a form; everything else reads alike.
    blank = not clean_number_text(text)
    assert form.is_valid() == (blank or expected != "refused")
    if form.is_valid():
        assert form.cleaned_data["amount"] == (None if blank else expected)
    try:
        from_api = TypeAdapter(whole_input()).validate_python(text)
    except ValidationError:
        from_api = "refused"
    assert from_api == expected


def test_the_issue_example_is_refused_on_a_form_with_a_persian_message():
    with override("fa"):
        form = AmountForm(data={"amount": "۱٬۲۳", "weight": "۱٬۲۳"})
        assert not form.is_valid()
        assert "جداکننده" in form.errors["amount"][0] and "جداکننده" in form.errors["weight"][0]
    form = AmountForm(data={"amount": "۱٬۲۳۴", "weight": "۴۵٫۵٪"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["amount"], form.cleaned_data["weight"]) == (1234, Decimal("45.5"))


def test_the_api_decimal_takes_json_numbers_and_typed_text_alike():
    adapter = TypeAdapter(decimal_input())
    assert adapter.validate_python(12.5) == adapter.validate_python("۱۲٫۵") == Decimal("12.5")
    for text in ("1_0", "1e1", "۱٬۲۳"):
        with pytest.raises(ValidationError) as refused:
            adapter.validate_python(text)
        assert refused.value.errors()[0]["type"] == "number_input"
