"""One Persian text normalizer, used on every write and every search."""

import re
import unicodedata

ZWNJ = "\u200c"

# Letters typed from Arabic keyboards (or pasted from Arabic text) that Persian
# writes with its own code points: the stored form uses the Persian one.
_LETTERS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf
        "ھ": "ه",  # heh doachashmee (Urdu keyboards)
        "ۀ": "ه",  # the ezafe hamza is optional; typed as a mark it goes with the diacritics too
        "ـ": None,  # tatweel (kashida)
    }
)
# Hamza forms and teh marbuta are correct Persian spelling (مسئول، مؤسسه، تأمین،
# دایرةالمعارف), so they are kept in stored text; only the search key folds them, so
# that "موسسه" finds "مؤسسه".
_SEARCH_FOLD = str.maketrans({"ئ": "ی", "أ": "ا", "إ": "ا", "ٱ": "ا", "آ": "ا", "ؤ": "و", "ة": "ه"})
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Harakat, tanwin, shadda, sukun, superscript alef and Quranic marks; a lone
# hamza above/below (U+0654/U+0655) left after NFC composition goes with them.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
# Zero-width and direction marks other than ZWNJ.
_INVISIBLES = re.compile("[\u00ad\u200b\u200d\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_ZWNJ_RUN = re.compile(f"{ZWNJ}+")
# A ZWNJ joins two letters; anywhere else (beside a space, digit, punctuation or
# at either end) it is noise.
_LETTER = r"[^\W\d_]"
_STRAY_ZWNJ = re.compile(f"(?<!{_LETTER}){ZWNJ}|{ZWNJ}(?!{_LETTER})")
# C0 and C1 control characters other than tab, line feed and carriage return (which the spacing
# rules below turn into a space or a line break), DEL, lone surrogates (a JSON "\\ud800" decodes to
# one) and the Unicode noncharacters: nothing a person types, and openpyxl, PostgreSQL and XML refuse
# some of them.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)
_SPACES = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def to_latin_digits(value: str) -> str:
    """Persian and Arabic-Indic digits become 0-9."""
    return value.translate(_DIGITS)


_ID = re.compile("[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """A row id from a query string or a form field (any digit set), else None.

    `str.isdigit()` is no guard for `int()`: it is true for ² and ①, which `int()` refuses.
    """
    text = to_latin_digits(str(value or "")).strip()
    return int(text) if _ID.fullmatch(text) else None


def to_persian_digits(value: object) -> str:
    """0-9 become ۰-۹, for display."""
    return str(value).translate(_TO_PERSIAN_DIGITS)


def strip_controls(value: str) -> str:
    """The text without control characters (tab and line breaks kept), lone surrogates or noncharacters.

    The part of `normalize` that is safe for everything typed, passwords and codes included.
    """
    return _CONTROLS.sub("", value)


def normalize(value: str | None, *, multiline: bool = False) -> str:
    """The canonical stored form of Persian text.

    Arabic letter variants become Persian, all digits become Latin, diacritics and
    tatweel go, control characters go (see `strip_controls`), runs of spaces become one, and ZWNJ
    stays only between two letters.
    With `multiline` (descriptions, notes) line breaks are kept, at most one blank
    line in a row; otherwise every run of whitespace, newlines included, is one space.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", strip_controls(str(value)))
    text = _INVISIBLES.sub("", text)
    text = _DIACRITICS.sub("", text).translate(_LETTERS).translate(_DIGITS)
    text = _ZWNJ_RUN.sub(ZWNJ, text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _LINE_SPACES.sub(" ", _STRAY_ZWNJ.sub("", text))
        text = "\n".join(line.strip(" ") for line in text.split("\n"))
        text = _BLANK_LINES.sub("\n\n", text)
        return text.strip("\n")
    return _SPACES.sub(" ", _STRAY_ZWNJ.sub("", text)).strip(" ")


def search_key(value: str | None) -> str:
    """A form for matching what a clerk types: normalized, case-folded, ZWNJ and hamza forms folded.

    "می‌شود" and "میشود" get one key, as do "مؤسسه" and "موسسه"; a search that
    must also match "می شود" compares keys with spaces removed as well.
    """
    return normalize(value).replace(ZWNJ, "").translate(_SEARCH_FOLD).casefold()
