"""Reading a sheet: the header row found, and the data rows as cell values by column."""

import warnings
from dataclasses import dataclass
from typing import Any

import openpyxl

from hamyar.core.text import normalize

from .columns import (
    COLUMN_BY_KEY,
    HEADER_KEYS,
    MAX_ROWS,
    REQUIRED_KEYS,
    label_key,
)
from .errors import SheetFileError


def is_blank(value: Any) -> bool:
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
        if is_blank(cell):
            continue
        key = HEADER_KEYS.get(label_key(cell))
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
            if all(is_blank(c) for c in cells):
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
