"""The price sheet (xlsx): its columns, reading and checking it row by row, and writing it.

One row per item tier. The item's details (name, domain, unit, …) sit on every
row; a later tier row of the same code may leave them blank. Headers are Persian
(English accepted); numbers may use Persian or Arabic digits and thousands
separators. Nothing here writes to the database: the services decide what to do
with the rows and errors found here.

Errors are stored as codes with parameters, not as text, so a page shows them in
the reader's language (`error_text`).
"""

import functools
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openpyxl
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hamyar.core.cells import safe_row, write_only_cell
from hamyar.core.numbers import NumberError, parse_decimal
from hamyar.core.text import normalize, search_key

from .choices import Unit

MAX_FILE_BYTES = 10 * 1024 * 1024
# A 10 MB xlsx holds far less than this once unzipped; more is a zip bomb, not a price list.
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
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
_TRUE = {"بله", "آری", "اری", "دارد", "موجود", "هست", "yes", "y", "true", "1", "✓", "✔", "x", "*"}
_FALSE = {"خیر", "نه", "ندارد", "ناموجود", "نیست", "no", "n", "false", "0", "-", "×", "✗"}
ATTRIBUTE_SEPARATOR = "؛ "


def _key(text: Any) -> str:
    """A header or label as compared: normalized, case-folded, without spaces, ZWNJ or brackets."""
    return re.sub(r"[\s()\[\]{}\-_.:/]+", "", search_key(str(text or "")))


_HEADER_KEYS: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.fa, _column.en, _column.key, *_column.aliases):
        _HEADER_KEYS.setdefault(_key(_alias), _column.key)



@functools.cache
def _unit_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    with translation.override("en"):  # the English labels, whatever the page's language
        for unit in Unit:
            for alias in (unit.value, str(unit.label), UNIT_FA[unit], *_UNIT_SYNONYMS.get(unit, ())):
                keys.setdefault(_key(alias), unit.value)
    return keys


def unit_from_text(value: Any) -> str | None:
    """The unit code for a code, an English or Persian label (عدد, متر مربع, m2…), or None."""
    return _unit_keys().get(_key(value))


# ---------------------------------------------------------------- errors

MESSAGES: dict[str, Any] = {
    # The file as a whole.
    "not_xlsx": _("The file must be an Excel workbook (.xlsx). Save it from Excel as \"Excel Workbook\"."),
    "old_excel": _("This is an old Excel file (.xls). Open it in Excel and save it as .xlsx."),
    "corrupt": _("The file cannot be read as an Excel workbook: it may be damaged."),
    "too_large": _("The file is larger than %(limit)s MB. Split the price list into smaller sheets."),
    "empty": _("The sheet has no rows of prices under its header row."),
    "missing_columns": _("The sheet lacks these columns: %(columns)s. "
                         "Download the template for the headers."),
    "toman_column": _("Prices must be in Rial, not Toman: multiply by ten and name the column "
                      "\"%(header)s\"."),
    "duplicate_column": _("The column \"%(header)s\" appears twice."),
    "too_many_rows": _("The sheet has more than %(limit)s rows. Split it into smaller sheets."),
    "too_many_errors": _("Checking stopped after %(limit)s errors; fix these and upload again."),
    # One cell or row.
    "required": _("This cell must not be empty."),
    "too_long": _("Longer than %(limit)s characters."),
    "not_a_number": _("\"%(value)s\" is not a number."),
    "not_whole": _("\"%(value)s\" is not a whole number."),
    "misgrouped": _("\"%(value)s\": the thousands separators are misplaced (each must be followed by "
                    "three digits, as in ۱٬۲۵۰٬۰۰۰)."),
    "negative_price": _("The price must not be negative."),
    "absurd_price": _("The price %(value)s Rial is not plausible."),
    "quantity_below_one": _("The quantity of a tier must be at least 1."),
    "absurd_quantity": _("The quantity %(value)s is not plausible."),
    "bad_lead_time": _("The lead time must be between 0 and %(limit)s days."),
    "unknown_unit": _("Unknown unit \"%(value)s\". Use one of: %(choices)s."),
    "unknown_domain": _("Unknown service domain \"%(value)s\". Use a domain code from the template."),
    "bad_boolean": _("\"%(value)s\" is not yes or no (بله / خیر)."),
    "bad_attributes": _("Write attributes as \"name: value\" pairs separated by \"؛\", e.g. "
                        "\"جنس: فولاد؛ طول: ۱۸۰\"."),
    "duplicate_tier": _("Item %(code)s has the tier from quantity %(quantity)s already on "
                        "row %(other_row)s."),
    "conflicting_details": _("Differs from row %(other_row)s of the same item code."),
    # Found only when applying.
    "service_refused": _("%(message)s"),
    "apply_failed": _("The sheet could not be applied; nothing was written. Check it again and retry."),
    "check_failed": _("The sheet could not be checked because of an internal error. Try again."),
}


@dataclass(frozen=True)
class SheetError:
    """One problem: the Excel row number (None for the whole file), the column key, a code, values."""

    code: str
    row: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}


def error_text(error: dict[str, Any] | SheetError) -> str:
    """The error's message in the active language."""
    data = error.as_dict() if isinstance(error, SheetError) else error
    template = MESSAGES.get(data.get("code", ""), MESSAGES["apply_failed"])
    params = dict(data.get("params") or {})
    if "columns" in params and isinstance(params["columns"], list):
        params["columns"] = "، ".join(COLUMN_BY_KEY[k].header() for k in params["columns"])
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def column_header(key: str | None) -> str:
    """The column's header in the active language, or "" for an error of the whole file."""
    return COLUMN_BY_KEY[key].header() if key in COLUMN_BY_KEY else ""


def errors_for_display(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored errors as a page or the API shows them: row, column header, message in the active language."""
    return [
        {"row": e.get("row"), "column": e.get("column"), "column_header": column_header(e.get("column")),
         "code": e.get("code"), "message": error_text(e)}
        for e in errors
    ]


class SheetFileError(Exception):
    """The file as a whole cannot be used (not xlsx, damaged, too big, empty, columns missing)."""

    def __init__(self, code: str, **params: Any):
        self.error = SheetError(code, params=params)
        super().__init__(code)

    @property
    def message(self) -> str:
        return error_text(self.error)


# ---------------------------------------------------------------- reading


def check_file_bytes(data: bytes, name: str) -> None:
    """Type and size, before anything opens the workbook."""
    if len(data) > MAX_FILE_BYTES:
        raise SheetFileError("too_large", limit=MAX_FILE_BYTES // (1024 * 1024))
    lower = (name or "").lower()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or lower.endswith(".xls"):
        raise SheetFileError("old_excel")
    if not lower.endswith(".xlsx"):
        raise SheetFileError("not_xlsx")
    if data[:4] != b"PK\x03\x04":
        raise SheetFileError("corrupt")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetFileError("corrupt") from None
    if "xl/workbook.xml" not in names:
        raise SheetFileError("not_xlsx")
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SheetFileError("too_large", limit=MAX_FILE_BYTES // (1024 * 1024))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not normalize(value))


@dataclass
class RawSheet:
    """The header found and the data rows as cell values, keyed by column."""

    columns: dict[str, int]  # column key -> 0-based position
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, {key: cell value})
    # Rows below the header as the file declares its size (None if it does not): an estimate
    # available without reading every row, to choose between the request and the task worker.
    declared_rows: int | None = None


def _match_header(cells: tuple) -> tuple[dict[str, int], SheetFileError | None]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        if _blank(cell):
            continue
        key = _HEADER_KEYS.get(_key(cell))
        if key is None:
            if "تومان" in str(cell) or "toman" in str(cell).casefold():
                return columns, SheetFileError("toman_column", header=COLUMN_BY_KEY["unit_price"].fa)
            continue
        if key in columns:
            return columns, SheetFileError("duplicate_column", header=normalize(str(cell)))
        columns[key] = position
    return columns, None


def read_sheet(source, *, header_only: bool = False) -> RawSheet:
    """The first worksheet whose first non-empty row holds the price-sheet headers.

    `source` is a path or a binary file. With `header_only`, reading stops at the
    first data row: enough to refuse an empty sheet or missing columns at upload.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles it cannot read
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise SheetFileError("corrupt") from None
    try:
        return _read_workbook(workbook, header_only=header_only)
    except SheetFileError:
        raise
    except Exception:
        raise SheetFileError("corrupt") from None
    finally:
        workbook.close()


def _read_workbook(workbook, *, header_only: bool) -> RawSheet:
    first_problem: SheetFileError | None = None
    for worksheet in workbook.worksheets:
        declared = getattr(worksheet, "max_row", None)
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some writers record a wrong sheet size, so read to the end
        columns: dict[str, int] | None = None
        problem: SheetFileError | None = None
        data: list[tuple[int, dict[str, Any]]] = []
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if all(_blank(c) for c in cells):
                continue
            if columns is None:
                columns, problem = _match_header(cells)
                missing = [k for k in REQUIRED_KEYS if k not in columns]
                if problem is None and missing:
                    problem = SheetFileError("missing_columns", columns=missing)
                if problem is not None:
                    break
                continue
            if len(data) >= MAX_ROWS:
                raise SheetFileError("too_many_rows", limit=MAX_ROWS)
            data.append((number, {k: cells[i] if i < len(cells) else None for k, i in columns.items()}))
            if header_only:
                break
        if columns is None:  # a blank worksheet
            continue
        if problem is None and not data:
            problem = SheetFileError("empty")
        if problem is not None:
            first_problem = first_problem or problem
            continue
        header_row = data[0][0] - 1 if data else 1
        declared_rows = max(declared - header_row, len(data)) if isinstance(declared, int) else None
        return RawSheet(columns=columns, rows=data, declared_rows=declared_rows)
    raise first_problem or SheetFileError("empty")


# ---------------------------------------------------------------- cells


class CellError(ValueError):
    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(code)


# What a price column may carry after the amount; dropped before the number is read.
_AMOUNT_UNITS = ("ریال", "ريال", "rials", "rial", "irr")


def _shown(value: Any) -> str:
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
        raise CellError(code, value=_shown(value)) from None


def parse_whole(value: Any) -> int:
    number = parse_number(value)
    if number != number.to_integral_value():
        raise CellError("not_whole", value=_shown(value))
    return int(number)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = search_key(str(value)).replace(" ", "")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("bad_boolean", value=_shown(value))


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


def _text(value: Any, *, multiline: bool = False) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number comes back as 1001.0
    return normalize(str(value), multiline=multiline) if value is not None else ""


# ---------------------------------------------------------------- checking rows

ITEM_DEFAULTS: dict[str, Any] = {
    "lead_time_days": 0, "in_stock": True, "description": "", "attributes": {},
}


@dataclass
class ItemSpec:
    """One item as the first row of its code describes it.

    `values` holds every item field whose column the sheet has (a blank cell
    gives the default); a field whose column is absent is left as it is.
    """

    code: str
    row: int
    values: dict[str, Any]
    failed: set[str] = field(default_factory=set)  # fields whose cell on that row was wrong


@dataclass
class TierSpec:
    code: str
    row: int
    min_quantity: int
    unit_price: int


@dataclass
class RowResult:
    """What one row adds: the item (on the first row of its code) and its tier, or its errors."""

    row: int
    item: ItemSpec | None = None
    tier: TierSpec | None = None
    errors: list[SheetError] = field(default_factory=list)


def domain_lookup(domains: Iterable[Any]) -> dict[str, Any]:
    """Domains by code (case-folded) and by name (as compared), for resolving the domain cell."""
    domains = list(domains)
    lookup: dict[str, Any] = {}
    for domain in domains:
        lookup.setdefault(_key(domain.name), domain)
    for domain in domains:
        lookup[str(domain.code).casefold()] = domain
    return lookup


class RowChecker:
    """Checks rows one at a time, remembering codes and tiers seen, so a pass can write as it goes.

    Validation and apply both run every row through one checker; apply writes an
    item at the first row of its code and stops writing at the first error.
    """

    def __init__(self, *, columns: Iterable[str], domains: dict[str, Any]):
        self.columns = set(columns)
        self.domains = domains
        self.items: dict[str, ItemSpec] = {}
        self.tier_rows: dict[tuple[str, int], int] = {}
        self.error_count = 0

    def check(self, number: int, cells: dict[str, Any]) -> RowResult:
        result = RowResult(row=number)

        def fail(error_code: str, column: str | None = None, /, **params: Any) -> None:
            result.errors.append(SheetError(error_code, row=number, column=column, params=params))

        code = _text(cells.get("code"))
        if not code:
            fail("required", "code")
        elif len(code) > MAX_CODE_LENGTH:
            fail("too_long", "code", limit=MAX_CODE_LENGTH)
            code = ""
        values = {}
        for key in ITEM_KEYS:
            if key not in self.columns or _blank(cells.get(key)):
                continue
            try:
                values[key] = self._item_value(key, cells[key])
            except CellError as error:
                fail(error.code, key, **error.params)
                values[key] = error  # neither a conflict nor a missing value
        known = self.items.get(code) if code else None
        if code and known is None:
            for key in ("name", "domain", "unit"):
                if key not in values:
                    fail("required", key)
            given = {k: ITEM_DEFAULTS[k] for k in ITEM_KEYS if k in self.columns and k in ITEM_DEFAULTS}
            given.update({k: v for k, v in values.items() if not isinstance(v, CellError)})
            failed = {k for k, v in values.items() if isinstance(v, CellError)}
            result.item = ItemSpec(code=code, row=number, values=given, failed=failed)
            self.items[code] = result.item
        elif known is not None:
            # A later tier row may leave the item's details blank; when it fills them in, they must agree.
            for key, value in values.items():
                if isinstance(value, CellError) or key in known.failed:
                    continue
                if known.values.get(key) != value:
                    fail("conflicting_details", key, other_row=known.row)
        quantity = self._quantity(cells, fail)
        price = self._price(cells, fail)
        if code and quantity:
            first = self.tier_rows.setdefault((code, quantity), number)
            if first != number:
                fail("duplicate_tier", "min_quantity", code=code, quantity=quantity, other_row=first)
            elif price is not None:
                result.tier = TierSpec(code=code, row=number, min_quantity=quantity, unit_price=price)
        self.error_count += len(result.errors)
        return result

    def _item_value(self, key: str, raw: Any) -> Any:
        if key == "name":
            value = _text(raw)
            if len(value) > MAX_NAME_LENGTH:
                raise CellError("too_long", limit=MAX_NAME_LENGTH)
            return value
        if key == "description":
            value = _text(raw, multiline=True)
            if len(value) > MAX_DESCRIPTION_LENGTH:
                raise CellError("too_long", limit=MAX_DESCRIPTION_LENGTH)
            return value
        if key == "domain":
            domain = self.domains.get(_text(raw).casefold()) or self.domains.get(_key(raw))
            if domain is None:
                raise CellError("unknown_domain", value=_shown(raw))
            return domain
        if key == "unit":
            unit = unit_from_text(raw)
            if unit is None:
                raise CellError("unknown_unit", value=_shown(raw), choices="، ".join(UNIT_FA.values()))
            return unit
        if key == "lead_time_days":
            days = parse_whole(raw)
            if not 0 <= days <= MAX_LEAD_TIME_DAYS:
                raise CellError("bad_lead_time", limit=MAX_LEAD_TIME_DAYS)
            return days
        if key == "in_stock":
            return parse_bool(raw)
        return parse_attributes(raw)

    def _quantity(self, cells: dict[str, Any], fail) -> int:
        if "min_quantity" not in self.columns or _blank(cells.get("min_quantity")):
            return 1
        try:
            quantity = parse_whole(cells["min_quantity"])
            if quantity < 1:
                raise CellError("quantity_below_one")
            if quantity > MAX_QUANTITY:
                raise CellError("absurd_quantity", value=quantity)
        except CellError as error:
            fail(error.code, "min_quantity", **error.params)
            return 0
        return quantity

    def _price(self, cells: dict[str, Any], fail) -> int | None:
        if _blank(cells.get("unit_price")):
            fail("required", "unit_price")
            return None
        try:
            price = parse_whole(cells["unit_price"])
            if price < 0:
                raise CellError("negative_price")
            if price > MAX_PRICE:
                raise CellError("absurd_price", value=price)
        except CellError as error:
            fail(error.code, "unit_price", **error.params)
            return None
        return price


class ErrorList(list):
    """Errors as stored: dicts, bounded by MAX_RECORDED_ERRORS with a closing note."""

    def extend_errors(self, errors: Iterable[SheetError]) -> None:
        for error in errors:
            if len(self) < MAX_RECORDED_ERRORS:
                self.append(error.as_dict())
            elif len(self) == MAX_RECORDED_ERRORS:
                self.append(SheetError("too_many_errors", params={"limit": MAX_RECORDED_ERRORS}).as_dict())


def check_rows(
    sheet: RawSheet,
    *,
    domains: dict[str, Any],
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> ErrorList:
    """Every row checked, every problem recorded (as dicts); `on_progress(rows done)` now and then."""
    checker = RowChecker(columns=sheet.columns, domains=domains)
    errors = ErrorList()
    for index, (number, cells) in enumerate(sheet.rows, start=1):
        errors.extend_errors(checker.check(number, cells).errors)
        if on_progress is not None and (index % progress_every == 0 or index == len(sheet.rows)):
            on_progress(index)
    return errors


# ---------------------------------------------------------------- writing

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2F5D50")
_RIGHT = Alignment(horizontal="right", vertical="center", readingOrder=2)
_NUMBER_FORMAT = "#,##0"


def _header_cells(worksheet, headers: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for header in headers:
        cell = write_only_cell(worksheet, header)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _RIGHT
        cells.append(cell)
    return cells


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in a worksheet's name and cuts it at 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", normalize(title))[:31].strip() or "Sheet"


def _rtl_sheet(workbook, title: str, widths: list[int]):
    worksheet = workbook.create_sheet(_sheet_title(title))
    worksheet.sheet_view.rightToLeft = True
    worksheet.freeze_panes = "A2"
    for position, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(position)].width = width
    return worksheet


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class SheetLine:
    """One tier row to write, in the import format."""

    code: str
    name: str
    domain_code: str
    unit: str
    lead_time_days: int
    min_quantity: int
    unit_price: int
    in_stock: bool
    description: str = ""
    attributes: dict = field(default_factory=dict)


def write_price_sheet(
    lines: Iterable[SheetLine], *, domains: Iterable[Any] = (), title: str = "فهرست بها"
) -> bytes:
    """An xlsx in the import format (right to left, Persian headers); an exported list re-imports unchanged.

    With `domains`, a second sheet lists the domain codes and the units to choose from.
    """
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = _rtl_sheet(workbook, title, [c.width for c in COLUMNS])
    last_row = 1 + 5000
    unit_list = DataValidation(type="list", formula1='"' + ",".join(UNIT_FA.values()) + '"', allow_blank=True)
    stock_list = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    positions = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    worksheet.append(_header_cells(worksheet, [c.fa for c in COLUMNS]))
    count = 0
    for line in lines:
        count += 1
        row = []
        for column in COLUMNS:
            value: Any = {
                "code": line.code, "name": line.name, "domain": line.domain_code,
                "unit": UNIT_FA.get(line.unit, line.unit), "lead_time_days": line.lead_time_days,
                "min_quantity": line.min_quantity, "unit_price": line.unit_price,
                "in_stock": YES if line.in_stock else NO, "description": line.description or None,
                "attributes": format_attributes(line.attributes) or None,
            }[column.key]
            cell = write_only_cell(worksheet, value)
            if column.key == "code":
                cell.number_format = "@"  # keep leading zeros of codes like 00123
            elif column.key in {"unit_price", "min_quantity", "lead_time_days"}:
                cell.number_format = _NUMBER_FORMAT
            row.append(cell)
        worksheet.append(row)
    last_row = max(last_row, count + 1)
    unit_list.add(f"{positions['unit']}2:{positions['unit']}{last_row}")
    stock_list.add(f"{positions['in_stock']}2:{positions['in_stock']}{last_row}")
    worksheet.data_validations.append(unit_list)
    worksheet.data_validations.append(stock_list)
    domains = list(domains)
    if domains:
        guide = _rtl_sheet(workbook, "راهنما", [22, 36, 4, 16, 16])
        guide.append(_header_cells(guide, ["کد حوزه", "نام حوزه", "", "واحد", "کد واحد"]))
        units = list(UNIT_FA.items())
        for i in range(max(len(domains), len(units))):
            domain = domains[i] if i < len(domains) else None
            unit = units[i] if i < len(units) else None
            guide.append(safe_row(guide, [
                domain.code if domain else None, domain.name if domain else None, None,
                unit[1] if unit else None, str(unit[0]) if unit else None,
            ]))
    return _save(workbook)


def write_table(headers: list[str], rows: Iterable[list[Any]], *, title: str, widths: list[int],
                number_columns: Iterable[int] = ()) -> bytes:
    """A plain right-to-left table (search results and other reports)."""
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = _rtl_sheet(workbook, title, widths)
    worksheet.append(_header_cells(worksheet, headers))
    numbers = set(number_columns)
    for values in rows:
        row = []
        for position, value in enumerate(values):
            cell = write_only_cell(worksheet, value)
            if position in numbers:
                cell.number_format = _NUMBER_FORMAT
            row.append(cell)
        worksheet.append(row)
    return _save(workbook)


def iter_lines(items_and_prices: Iterable[tuple[Any, Any]]) -> Iterator[SheetLine]:
    """(item, price) pairs as sheet lines; the item carries its domain."""
    for item, price in items_and_prices:
        yield SheetLine(
            code=item.code, name=item.name, domain_code=item.domain.code, unit=item.unit,
            lead_time_days=item.lead_time_days, min_quantity=price.min_quantity,
            unit_price=price.unit_price, in_stock=item.in_stock, description=item.description,
            attributes=item.attributes or {},
        )
