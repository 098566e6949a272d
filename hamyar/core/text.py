"""One Persian text normalizer, used on every write and every search."""

import re
import unicodedata

ZWNJ = "\u200c"

_LETTERS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # Alef maksura
        "ئ": "ی",
        "ك": "ک",  # Arabic kaf
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ـ": None,  # tatweel (kashida)
    }
)
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Harakat, tanwin, shadda, sukun, superscript alef.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
# Zero-width and direction marks other than ZWNJ.
_INVISIBLES = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
_ZWNJ_RUN = re.compile(f"\\s*{ZWNJ}[\\s{ZWNJ}]*")


def to_latin_digits(value: str) -> str:
    """Persian and Arabic-Indic digits become 0-9."""
    return value.translate(_DIGITS)


def to_persian_digits(value: object) -> str:
    """0-9 become ۰-۹, for display."""
    return str(value).translate(_TO_PERSIAN_DIGITS)


def normalize(value: str | None) -> str:
    """The canonical stored form of Persian text.

    Arabic letter variants become Persian, all digits become Latin, diacritics and
    tatweel go, runs of spaces become one, and ZWNJ stays only between two letters.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _INVISIBLES.sub("", text)
    text = _DIACRITICS.sub("", text).translate(_LETTERS).translate(_DIGITS)
    text = _ZWNJ_RUN.sub(ZWNJ, text)
    text = _SPACES.sub(" ", text).strip(" " + ZWNJ)
    return text


def search_key(value: str | None) -> str:
    """A form for matching what a clerk types: normalized, case-folded, ZWNJ dropped.

    "می‌شود" and "میشود" get one key; a search that must also match "می شود"
    compares keys with spaces removed as well.
    """
    return normalize(value).replace(ZWNJ, "").casefold()
