"""The price sheet's columns, units and yes/no words, and how a header or a label is compared."""

import functools
import re
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import get_language

from hamyar.core.text import search_key

from ..choices import Unit

MAX_ROWS = 100_000
MAX_PRICE = 10**15  # a thousand trillion Rial: beyond any single item's price
MAX_QUANTITY = 10**9
MAX_LEAD_TIME_DAYS = 3650  # the model's item_lead_time_sane constraint
MAX_CODE_LENGTH = 40
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
# Keep the stored list bounded even for a sheet where every cell is wrong.
MAX_RECORDED_ERRORS = 200_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    fa: str
    en: str
    required: bool
    aliases: tuple[str, ...] = ()
    width: int = 14

    def header(self) -> str:
        """The header in the reader's language (for error lists); sheets are always written in Persian."""
        return self.fa if (get_language() or "fa").startswith("fa") else self.en


COLUMNS: tuple[Column, ...] = (
    Column("code", "کد کالا", "Item code", True, ("کد", "code", "sku", "کدکالا"), 14),
    Column("name", "نام کالا", "Name", True, ("نام", "name", "item name", "نام کالا/خدمت"), 36),
    Column("domain", "کد حوزه", "Domain code", True, ("حوزه", "حوزه خدمت", "domain"), 18),
    Column("unit", "واحد", "Unit", True, ("واحد سنجش", "unit of measure"), 12),
    Column("lead_time_days", "زمان تحویل (روز)", "Lead time (days)", False,
           ("زمان تحویل", "مدت تحویل", "lead time"), 14),
    Column("min_quantity", "از تعداد", "Min quantity", False,
           ("حداقل تعداد", "از مقدار", "from quantity", "minimum quantity"), 11),
    Column("unit_price", "قیمت واحد (ریال)", "Unit price (Rial)", True,
           ("قیمت واحد", "قیمت", "price", "unit price", "قیمت (ریال)"), 18),
    Column("in_stock", "موجود", "In stock", False, ("موجودی", "stock"), 9),
    Column("description", "توضیحات", "Description", False, ("شرح", "description"), 36),
    Column("attributes", "ویژگی‌ها", "Attributes", False, ("مشخصات", "ویژگی", "attributes"), 36),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)
# Item details that a later tier row of the same code may leave blank.
ITEM_KEYS = ("name", "domain", "unit", "lead_time_days", "in_stock", "description", "attributes")

# The Persian label written to sheets; the sheet is Persian whatever the reader's language.
UNIT_FA: dict[str, str] = {
    Unit.PIECE: "عدد",
    Unit.SET: "دست",
    Unit.DEVICE: "دستگاه",
    Unit.METER: "متر",
    Unit.SQUARE_METER: "متر مربع",
    Unit.CUBIC_METER: "متر مکعب",
    Unit.KILOGRAM: "کیلوگرم",
    Unit.TONNE: "تن",
    Unit.LITRE: "لیتر",
    Unit.HOUR: "ساعت",
    Unit.DAY: "روز",
    Unit.MONTH: "ماه",
    Unit.SERVICE: "خدمت",
}
_UNIT_SYNONYMS: dict[str, tuple[str, ...]] = {
    Unit.PIECE: ("pcs", "pc", "each", "دانه", "دانه ای", "عددی"),
    Unit.SET: ("ست", "سری"),
    Unit.METER: ("meter", "متر طول", "متر طولی", "مترطول"),
    Unit.SQUARE_METER: ("m²", "sqm", "square meter", "م2", "مترمربع"),
    Unit.CUBIC_METER: ("m³", "cubic meter", "م3", "مترمکعب"),
    Unit.KILOGRAM: ("کیلو", "kilo", "kilogramme"),
    Unit.TONNE: ("ton", "tonne", "تن"),
    Unit.LITRE: ("liter", "لیتر"),
    Unit.HOUR: ("h", "hr", "نفرساعت", "نفر ساعت"),
    Unit.DAY: ("نفر روز", "نفرروز"),
    Unit.MONTH: ("mo",),
    Unit.SERVICE: ("سرویس", "خدمات"),
}
YES, NO = "بله", "خیر"
TRUE_WORDS = {"بله", "آری", "اری", "دارد", "موجود", "هست", "yes", "y", "true", "1", "✓", "✔", "x", "*"}
FALSE_WORDS = {"خیر", "نه", "ندارد", "ناموجود", "نیست", "no", "n", "false", "0", "-", "×", "✗"}
ATTRIBUTE_SEPARATOR = "؛ "


def label_key(text: Any) -> str:
    """A header or label as compared: normalized, case-folded, without spaces, ZWNJ or brackets."""
    return re.sub(r"[\s()\[\]{}\-_.:/]+", "", search_key(str(text or "")))


HEADER_KEYS: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.fa, _column.en, _column.key, *_column.aliases):
        HEADER_KEYS.setdefault(label_key(_alias), _column.key)



@functools.cache
def _unit_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    with translation.override("en"):  # the English labels, whatever the page's language
        for unit in Unit:
            for alias in (unit.value, str(unit.label), UNIT_FA[unit], *_UNIT_SYNONYMS.get(unit, ())):
                keys.setdefault(label_key(alias), unit.value)
    return keys


def unit_from_text(value: Any) -> str | None:
    """The unit code for a code, an English or Persian label (عدد, متر مربع, m2…), or None."""
    return _unit_keys().get(label_key(value))
