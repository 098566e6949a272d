"""A cell read as a clerk typed it: numbers with Persian digits and separators, yes/no, attributes."""

import re
from decimal import Decimal
from typing import Any

from hamyar.core.numbers import NumberError, parse_decimal
from hamyar.core.text import normalize, search_key

from .columns import ATTRIBUTE_SEPARATOR, FALSE_WORDS, TRUE_WORDS


class CellError(ValueError):
    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(code)


# What a price column may carry after the amount; dropped before the number is read.
_AMOUNT_UNITS = ("ریال", "ريال", "rials", "rial", "irr")


def shown_value(value: Any) -> str:
    text = normalize(str(value))
    return text if len(text) <= 40 else text[:40] + "…"


def parse_number(value: Any) -> Decimal:
    """A number from a cell: Excel numbers, or text read by the one number parser (`core.numbers`).

    "۱٬۲۵۰٬۰۰۰", "1,250,000", "1.250.000", "۱۲۵۰۰۰۰ ریال" and "-۵" all parse; "1.5" is one and a half
    (whole-number columns refuse it rather than guess); "۱٬۲۳" is refused, never read as 123.
    """
    try:
        return parse_decimal(value, units=_AMOUNT_UNITS)
    except NumberError as error:
        code = "misgrouped" if error.code == "grouping" else "not_a_number"
        raise CellError(code, value=shown_value(value)) from None


def parse_whole(value: Any) -> int:
    number = parse_number(value)
    if number != number.to_integral_value():
        raise CellError("not_whole", value=shown_value(value))
    return int(number)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = search_key(str(value)).replace(" ", "")
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("bad_boolean", value=shown_value(value))


def parse_attributes(value: Any) -> dict[str, str]:
    """"جنس: فولاد؛ طول: ۱۸۰" → {"جنس": "فولاد", "طول": "180"}; ";" and new lines also separate pairs."""
    result: dict[str, str] = {}
    for part in re.split(r"[؛;\n]", str(value)):
        if not normalize(part):
            continue
        match = re.match(r"^([^:：=]*)[:：=](.*)$", part, flags=re.DOTALL)
        if match is None or not normalize(match.group(1)):
            raise CellError("bad_attributes")
        result[normalize(match.group(1))] = normalize(match.group(2))
    return result


def format_attributes(attributes: dict | None) -> str:
    return ATTRIBUTE_SEPARATOR.join(f"{k}: {v}" for k, v in (attributes or {}).items())


def cell_text(value: Any, *, multiline: bool = False) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number comes back as 1001.0
    return normalize(str(value), multiline=multiline) if value is not None else ""
