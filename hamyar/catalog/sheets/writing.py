"""Writing sheets: a price list in the import format (it re-imports unchanged) and plain tables."""

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hamyar.core.cells import safe_row, write_only_cell
from hamyar.core.text import normalize

from .cells import format_attributes
from .columns import COLUMNS, NO, UNIT_FA, YES

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
