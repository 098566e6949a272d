"""The one reading of a typed number (amounts, quantities, prices, percentages): pages, API and sheets.

A clerk types Persian (۱۲۳), Arabic-Indic (١٢٣) or Latin digits, may group thousands with «٬», «،», «,»,
an apostrophe or a space, and writes a fraction with «٫», «.» or «/». Grouping is only read as grouping
when every group after the first has exactly three digits: `۱٬۲۳` or `1,2345` is refused rather than read
as 123 or 12345, since the clerk may have meant 1.23 or mistyped a digit — a wrong amount in a ledger is
worse than a question.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .text import to_latin_digits

# Marks a right-to-left field or a paste slips in; never part of the number.
_MARKS = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_GROUP_MARKS = "٬،,'’ \u00a0\u202f\u2009"
_DECIMAL_MARKS = "٫./"
_MINUS = "-\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"
_PLUS = "+"
_DIGITS = re.compile(r"\d+", re.ASCII)
_NOT_A_DIGIT = re.compile(f"[^0-9{re.escape(_GROUP_MARKS)}]")
# 1.250.000: dots as thousands separators, as some sheets write them; two or more groups of three make it
# unambiguous (a decimal point appears once).
_DOT_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3}){2,}", re.ASCII)

MESSAGES = {
    "format": _("Enter a number, such as 1250000 or ۱٬۲۵۰٬۰۰۰."),
    "grouping": _("The thousands separators are misplaced: each one must be followed by exactly three "
                  "digits, as in ۱٬۲۵۰٬۰۰۰. Check the number, or type it without separators."),
    "whole": _("Enter a whole number (no fraction)."),
}


class NumberError(ValueError):
    """The text is not a number as a clerk writes one; `code` says why, `message` says it to a clerk."""

    def __init__(self, code: str, value: str = ""):
        self.code, self.value = code, value
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


def clean_number_text(value: object) -> str:
    """What was typed, in Latin digits, without direction marks and outer spaces."""
    return _MARKS.sub("", to_latin_digits(str(value if value is not None else ""))).strip()


def _whole_part(text: str, original: str) -> str:
    """The integer part with its thousands separators checked and removed."""
    if _DOT_GROUPED.fullmatch(text):
        return text.replace(".", "")
    if _NOT_A_DIGIT.search(text):
        raise NumberError("format", original)
    parts = re.split(f"[{re.escape(_GROUP_MARKS)}]", text)
    if not all(_DIGITS.fullmatch(part) for part in parts):  # "12,,345": an empty group
        raise NumberError("grouping", original)
    if len(parts) > 1:
        first, rest = parts[0], parts[1:]
        # A leading zero group ("0,123") is a decimal comma written the European way, not a thousand.
        if not 1 <= len(first) <= 3 or first.startswith("0") or any(len(part) != 3 for part in rest):
            raise NumberError("grouping", original)
    return "".join(parts)


def parse_decimal(value: object, *, units: tuple[str, ...] = ()) -> Decimal:
    """A typed number → Decimal; NumberError when it is not one, or its grouping is wrong.

    `units` are words or signs allowed after (or before) the number and dropped, e.g. ("%", "٪") for a
    percentage or ("ریال",) for a sheet's amount column. A sign may lead, or trail as typed right to left.
    """
    if isinstance(value, bool):
        raise NumberError("format", str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberError("format", str(value))
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NumberError("format", str(value))
        return Decimal(repr(value))
    original = str(value if value is not None else "")
    text = clean_number_text(value)
    for unit in units:
        folded = text.casefold()
        if folded.endswith(unit.casefold()):
            text = text[: -len(unit)].strip()
        elif folded.startswith(unit.casefold()):
            text = text[len(unit):].strip()
    if not text:
        raise NumberError("format", original)
    negative = False
    if text[0] in _MINUS or text[0] == _PLUS:
        negative, text = text[0] in _MINUS, text[1:].strip()
    elif text[-1] in _MINUS:  # "۵۰۰-" as typed right to left
        negative, text = True, text[:-1].strip()
    if not text:
        raise NumberError("format", original)
    marks = [i for i, c in enumerate(text) if c in _DECIMAL_MARKS]
    if _DOT_GROUPED.fullmatch(text):
        whole, fraction = text, ""
    elif len(marks) > 1:
        raise NumberError("grouping" if len(set(text[i] for i in marks)) == 1 else "format", original)
    elif marks:
        whole, fraction = text[: marks[0]], text[marks[0] + 1:]
        if fraction and not _DIGITS.fullmatch(fraction):  # "12." is twelve, as JSON Schema's decimal allows
            raise NumberError("format", original)
    else:
        whole, fraction = text, ""
    digits = _whole_part(whole, original) if whole else "0"
    if not whole and not fraction:
        raise NumberError("format", original)
    try:
        number = Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        raise NumberError("format", original) from None
    return -number if negative else number


def parse_whole(value: object, *, units: tuple[str, ...] = ()) -> int:
    """A typed whole number (Rial, a quantity, days) → int; a fraction is refused, not rounded."""
    number = parse_decimal(value, units=units)
    if number != number.to_integral_value():
        raise NumberError("whole", str(value))
    return int(number)
