"""Spreadsheet cells that every workbook writer goes through (catalog sheets, finance documents).

Rows stored before input was cleaned may still hold control characters, which openpyxl refuses
(IllegalCharacterError: one bad domain name once made every price-list export a 500), and a lone
surrogate breaks the file's XML. A text that starts with "=" would be written as a formula: a
clerk's text stays text.
"""

from typing import Any

from django.utils.functional import Promise

from .text import strip_controls


def cell_value(value: Any) -> Any:
    """The value as a cell may hold it: text without control characters; numbers and dates unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return strip_controls(value)
    return value


def _as_text(cell: Any, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def put(sheet: Any, *, row: int, column: int, value: Any) -> Any:
    """`sheet.cell(row=…, column=…, value=…)` with the value made safe; returns the cell."""
    value = cell_value(value)
    return _as_text(sheet.cell(row=row, column=column, value=value), value)


def write_only_cell(sheet: Any, value: Any) -> Any:
    """A cell of a write-only sheet holding the value made safe."""
    from openpyxl.cell import WriteOnlyCell  # openpyxl loads only when a workbook is written

    value = cell_value(value)
    return _as_text(WriteOnlyCell(sheet, value=value), value)


def safe_row(sheet: Any, values: list[Any]) -> list[Any]:
    """A whole row of a write-only sheet, for `sheet.append`."""
    return [write_only_cell(sheet, value) for value in values]
