"""Iranian identifiers: valid samples are computed with the published check-digit algorithms."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from hamyar.core.text import to_persian_digits
from hamyar.core.validators import (
    clean_digits,
    is_legal_national_id,
    is_mobile,
    is_national_code,
    is_postal_code,
    is_sheba,
    normalize_mobile,
    validate_legal_national_id,
    validate_mobile,
    validate_national_code,
    validate_postal_code,
    validate_sheba,
)

# کد ملی: check = r if r < 2 else 11 - r, with r = Σ digit_i × (10 − i) mod 11.
VALID_NATIONAL_CODES = ["0012345679", "0123456789", "1234567891", "9876543210", "0060080043"]
# شناسه ملی: d = 10th digit + 2; r = Σ (digit_i + d) × (29,27,23,19,17,29,27,23,19,17)_i mod 11; 10 → 0.
VALID_LEGAL_IDS = ["10100012342", "14007650912", "10862397500", "10320000017"]
# شبا: ISO 13616, (BBAN + "IR" as 1827 + check digits) mod 97 == 1; the first is the published example.
VALID_SHEBAS = [
    "IR062960000000100324200001",
    "IR050170000000123456789012",
    "IR400550000000000012345678",
    "IR640120020000009520896080",
]


@pytest.mark.parametrize("code", VALID_NATIONAL_CODES)
def test_valid_national_codes_pass(code):
    assert is_national_code(code)
    assert is_national_code(to_persian_digits(code))
    validate_national_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "0012345678",  # wrong check digit
        "1234567890",  # wrong check digit
        "1111111111",  # one digit repeated, though its checksum holds
        "0000000000",
        "123456789",  # nine digits
        "01234567890",  # eleven digits
        "01234a6789",
        "",
    ],
)
def test_invalid_national_codes_fail(code):
    assert not is_national_code(code)
    with pytest.raises(ValidationError):
        validate_national_code(code)


def test_national_code_accepts_persian_digits_and_separators():
    assert is_national_code("۰۱۲۳۴۵۶۷۸۹")
    assert is_national_code("٠١٢٣٤٥٦٧٨٩")
    assert is_national_code("012-345678-9")


@pytest.mark.parametrize("code", VALID_LEGAL_IDS)
def test_valid_legal_national_ids_pass(code):
    assert is_legal_national_id(code)
    assert is_legal_national_id(to_persian_digits(code))
    validate_legal_national_id(code)


@pytest.mark.parametrize(
    "code",
    ["10100012341", "14007650913", "11111111111", "1010001234", "101000123420", "1010001234x", ""],
)
def test_invalid_legal_national_ids_fail(code):
    assert not is_legal_national_id(code)
    with pytest.raises(ValidationError):
        validate_legal_national_id(code)


@pytest.mark.parametrize("sheba", VALID_SHEBAS)
def test_valid_shebas_pass(sheba):
    assert is_sheba(sheba)
    validate_sheba(sheba)


def test_sheba_accepts_spaces_lowercase_and_persian_digits():
    assert is_sheba("IR06 2960 0000 0010 0324 2000 01")
    assert is_sheba("ir062960000000100324200001")
    assert is_sheba("IR" + to_persian_digits("062960000000100324200001"))


@pytest.mark.parametrize(
    "sheba",
    [
        "IR072960000000100324200001",  # check digits off by one
        "IR062960000000100324200002",  # one account digit changed
        "IR06296000000010032420000",  # 23 digits
        "DE062960000000100324200001",  # not Iranian
        "062960000000100324200001",  # no country code
        "",
    ],
)
def test_invalid_shebas_fail(sheba):
    assert not is_sheba(sheba)
    with pytest.raises(ValidationError):
        validate_sheba(sheba)


@pytest.mark.parametrize(
    "mobile",
    ["09121234567", "+989121234567", "00989121234567", "989121234567", "9121234567",
     "۰۹۱۲۱۲۳۴۵۶۷", "0912 123 4567", "0912-123-4567"],
)
def test_mobile_forms_normalize_to_09(mobile):
    assert normalize_mobile(mobile) == "09121234567"
    assert is_mobile(mobile)
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["0912123456", "091212345678", "08121234567", "05112345678", "abc", ""])
def test_invalid_mobiles_fail(mobile):
    assert not is_mobile(mobile)
    with pytest.raises(ValidationError):
        validate_mobile(mobile)


@pytest.mark.parametrize("code", ["9177948974", "1439813141", "۹۱۷۷۹۴۸۹۷۴", "91779-48974"])
def test_valid_postal_codes_pass(code):
    assert is_postal_code(code)
    validate_postal_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "0177948974",  # 0 in the first four digits
        "9127948974",  # 2 in the first four digits
        "9177548974",  # 5 as the fifth digit
        "9177948924",  # 2 in the last five
        "1111948974",  # four of one digit to start
        "917794897",  # nine digits
        "",
    ],
)
def test_invalid_postal_codes_fail(code):
    assert not is_postal_code(code)
    with pytest.raises(ValidationError):
        validate_postal_code(code)


def test_clean_digits_keeps_only_latin_digits_and_letters():
    assert clean_digits(" ۱۲۳-۴۵۶/۷۸.۹_0 ") == "1234567890"
    assert clean_digits(None) == ""


@pytest.mark.parametrize(
    ("validator", "bad", "persian_word"),
    [
        (validate_national_code, "123", "کد ملی"),
        (validate_legal_national_id, "123", "شناسه ملی"),
        (validate_sheba, "IR00", "شبا"),
        (validate_mobile, "123", "موبایل"),
        (validate_postal_code, "123", "کد پستی"),
    ],
)
def test_messages_are_persian_on_a_persian_page_and_english_on_an_english_one(validator, bad, persian_word):
    def message(language: str) -> str:
        with override(language), pytest.raises(ValidationError) as error:
            validator(bad)
        with override(language):  # the message is lazy: it speaks the language active when read
            return error.value.messages[0]

    assert persian_word in message("fa")
    assert persian_word not in message("en")
    assert message("en").isascii()
