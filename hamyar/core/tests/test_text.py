"""The one Persian normalizer: what is stored, and what a search matches."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamyar.core.text import ZWNJ, normalize, parse_id, search_key, to_latin_digits, to_persian_digits


def test_arabic_yeh_and_kaf_become_persian():
    assert normalize("علي كريمي") == "علی کریمی"
    assert normalize("مصطفى") == "مصطفی"  # alef maksura


def test_persian_and_arabic_indic_digits_become_latin():
    assert normalize("منطقه ۹ و ٩ و 9") == "منطقه 9 و 9 و 9"
    assert to_latin_digits("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩") == "01234567890123456789"


def test_latin_digits_become_persian_for_display():
    assert to_persian_digits(1405) == "۱۴۰۵"
    assert to_persian_digits("09-12") == "۰۹-۱۲"


def test_zwnj_between_letters_is_kept():
    assert normalize(f"می{ZWNJ}شود") == f"می{ZWNJ}شود"


def test_zwnj_runs_collapse_to_one():
    assert normalize(f"می{ZWNJ}{ZWNJ}{ZWNJ}شود") == f"می{ZWNJ}شود"


def test_leading_and_trailing_zwnj_are_removed():
    assert normalize(f"{ZWNJ}پارک{ZWNJ}") == "پارک"


def test_zwnj_beside_a_space_digit_or_punctuation_is_removed():
    assert normalize(f"کتاب {ZWNJ} ها") == "کتاب ها"
    assert normalize(f"کتاب{ZWNJ} ها") == "کتاب ها"
    assert normalize(f"منطقه{ZWNJ}۹") == "منطقه9"
    assert normalize(f"پارک{ZWNJ}،") == "پارک،"


def test_runs_of_spaces_become_one_and_ends_are_trimmed():
    assert normalize("  پارک \t\u00a0 وکیل‌آباد \n ") == "پارک وکیل‌آباد"


def test_multiline_text_keeps_its_line_breaks():
    text = "بند اول  \r\n\r\n\r\n\r\n  بند   دوم\n"
    assert normalize(text, multiline=True) == "بند اول\n\nبند دوم"
    assert normalize(text) == "بند اول بند دوم"


def test_diacritics_and_tatweel_are_removed():
    assert normalize("مُحَمَّدٌ") == "محمد"
    assert normalize("بـــــاغ") == "باغ"


def test_direction_marks_and_zero_width_spaces_are_removed():
    assert normalize("\u200fمشهد\u200e\u200b\ufeff") == "مشهد"


@pytest.mark.parametrize("word", ["مسئول", "مؤسسه", "تأمین", "رئیس"])
def test_hamza_spellings_are_kept_in_stored_text(word):
    assert normalize(word) == word


def test_empty_and_none_normalize_to_empty():
    assert normalize(None) == ""
    assert normalize("") == ""
    assert normalize(f" {ZWNJ} ") == ""


def test_normalizing_twice_changes_nothing():
    once = normalize(f" علي {ZWNJ}{ZWNJ}كريمي   ۱۲۳ مُحَمَّد ")
    assert normalize(once) == once


def test_search_key_ignores_zwnj():
    assert search_key("می‌شود") == search_key("میشود")


def test_search_key_matches_arabic_typed_and_persian_typed_text():
    assert search_key("نيمكت سازان") == search_key("نیمکت‌سازان".replace(ZWNJ, " "))
    assert search_key("كوه پارك") == search_key("کوه پارک")


def test_search_key_folds_hamza_forms_and_case():
    assert search_key("مؤسسه") == search_key("موسسه")
    assert search_key("Vakilabad PARK") == search_key("vakilabad park")


def test_search_key_keeps_different_words_apart():
    assert search_key("پارک") != search_key("باغ")


DIGIT_SETS = ["0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"]


@given(st.integers(min_value=0, max_value=10**18 - 1), st.sampled_from(DIGIT_SETS))
def test_parse_id_reads_an_id_in_any_digit_set(number, digits):
    assert parse_id(str(number).translate(str.maketrans("0123456789", digits))) == number


@given(st.text(st.characters(categories=["Nd", "No", "Nl", "P", "S", "Zs"]), min_size=1, max_size=25))
def test_parse_id_never_raises_and_reads_only_plain_digits(text):
    result = parse_id(text)
    plain = to_latin_digits(text).strip()
    if result is None:
        assert not (plain.isascii() and plain.isdigit() and len(plain) <= 18)
    else:
        assert int(plain) == result


def test_parse_id_refuses_what_isdigit_lets_through():
    assert [parse_id(v) for v in ["²", "①", "1²", "", None, "-1", "1.0", "9" * 19]] == [None] * 8
