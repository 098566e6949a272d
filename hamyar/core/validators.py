"""Validators for Iranian identifiers, each with a message a clerk understands.

They accept Persian and Arabic-Indic digits; services store the Latin-digit form
(see `clean_digits`).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import to_latin_digits


def clean_digits(value: str) -> str:
    """Digits as stored: Latin, without spaces, dashes or other separators."""
    return re.sub(r"[\s\-_/.]", "", to_latin_digits(str(value or "")))


def is_national_code(value: str) -> bool:
    """The 10-digit personal national code (کد ملی) with its check digit."""
    code = clean_digits(value)
    if not re.fullmatch(r"\d{10}", code) or len(set(code)) == 1:
        return False
    check = int(code[9])
    remainder = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    return check == remainder if remainder < 2 else check == 11 - remainder


def is_legal_national_id(value: str) -> bool:
    """The 11-digit national ID of a legal entity (شناسه ملی) with its check digit."""
    code = clean_digits(value)
    if not re.fullmatch(r"\d{11}", code) or len(set(code)) == 1:
        return False
    base = int(code[9]) + 2
    weights = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
    remainder = sum((int(code[i]) + base) * weights[i] for i in range(10)) % 11
    return int(code[10]) == (0 if remainder == 10 else remainder)


def is_sheba(value: str) -> bool:
    """An Iranian IBAN (شبا): IR and 24 digits whose ISO 7064 mod-97 check is 1."""
    code = clean_digits(value).upper()
    if not re.fullmatch(r"IR\d{24}", code):
        return False
    rearranged = code[4:] + "1827" + code[2:4]  # I=18, R=27
    return int(rearranged) % 97 == 1


def normalize_mobile(value: str) -> str:
    """+98 912…, 0098912…, 912… and ۰۹۱۲… all become 0912…."""
    digits = clean_digits(value).lstrip("+")
    if digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    return digits


def is_mobile(value: str) -> bool:
    return re.fullmatch(r"09\d{9}", normalize_mobile(value)) is not None


# Iranian postal codes: 10 digits; no 0 or 2 in the first four, no 0, 2 or 5 in
# the fifth, no 2 in the last five, and never four of one digit to start.
_POSTAL_CODE = re.compile(r"(?!(\d)\1{3})[13-9]{4}[1346-9][013-9]{5}")


def is_postal_code(value: str) -> bool:
    return _POSTAL_CODE.fullmatch(clean_digits(value)) is not None


def validate_national_code(value: str) -> None:
    if not is_national_code(value):
        raise ValidationError(
            _("The national code must be 10 digits with a valid check digit."),
            code="national_code",
        )


def validate_legal_national_id(value: str) -> None:
    if not is_legal_national_id(value):
        raise ValidationError(
            _("The national ID of a legal entity must be 11 digits with a valid check digit."),
            code="legal_national_id",
        )


def validate_sheba(value: str) -> None:
    if not is_sheba(value):
        raise ValidationError(
            _("The Sheba number must be IR followed by 24 digits, and its check digits must match."),
            code="sheba",
        )


def validate_mobile(value: str) -> None:
    if not is_mobile(value):
        raise ValidationError(
            _("The mobile number must look like 09121234567."), code="mobile"
        )


def validate_postal_code(value: str) -> None:
    if not is_postal_code(value):
        raise ValidationError(
            _("The postal code must be 10 digits, as printed on a postal address."),
            code="postal_code",
        )
