"""The price sheet (xlsx): its columns, reading and checking it row by row, and writing it.

One row per item tier. The item's details (name, domain, unit, …) sit on every
row; a later tier row of the same code may leave them blank. Headers are Persian
(English accepted); numbers may use Persian or Arabic digits and thousands
separators. Nothing here writes to the database: the services decide what to do
with the rows and errors found here.

Errors are stored as codes with parameters, not as text, so a page shows them in
the reader's language (`error_text`).

columns.py (headers, units, yes/no), errors.py, cells.py (one value), reading.py (the rows),
rows.py (checking them), writing.py; the check of the file as a whole, before anything opens
it, is here.
"""

import io
import zipfile

from .cells import CellError, format_attributes, parse_attributes, parse_bool, parse_number, parse_whole
from .columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    ITEM_KEYS,
    MAX_RECORDED_ERRORS,
    MAX_ROWS,
    NO,
    REQUIRED_KEYS,
    UNIT_FA,
    XLSX_CONTENT_TYPE,
    YES,
    Column,
    unit_from_text,
)
from .errors import (
    MESSAGES,
    ErrorList,
    SheetError,
    SheetFileError,
    column_header,
    error_text,
    errors_for_display,
)
from .reading import RawSheet, read_sheet
from .rows import ItemSpec, RowChecker, RowResult, TierSpec, check_rows, domain_lookup
from .writing import SheetLine, iter_lines, write_price_sheet, write_table

MAX_FILE_BYTES = 10 * 1024 * 1024
# A 10 MB xlsx holds far less than this once unzipped; more is a zip bomb, not a price list.
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024


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


__all__ = [
    "COLUMNS",
    "COLUMN_BY_KEY",
    "CellError",
    "Column",
    "ErrorList",
    "ITEM_KEYS",
    "ItemSpec",
    "MAX_FILE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_RECORDED_ERRORS",
    "MAX_ROWS",
    "MAX_UNZIPPED_BYTES",
    "MESSAGES",
    "NO",
    "REQUIRED_KEYS",
    "RawSheet",
    "RowChecker",
    "RowResult",
    "SheetError",
    "SheetFileError",
    "SheetLine",
    "TierSpec",
    "UNIT_FA",
    "XLSX_CONTENT_TYPE",
    "YES",
    "check_file_bytes",
    "check_file_bytes",
    "check_rows",
    "column_header",
    "domain_lookup",
    "error_text",
    "errors_for_display",
    "format_attributes",
    "iter_lines",
    "parse_attributes",
    "parse_bool",
    "parse_number",
    "parse_whole",
    "read_sheet",
    "unit_from_text",
    "write_price_sheet",
    "write_table",
]
