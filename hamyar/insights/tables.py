"""A dashboard table: what a page shows under a chart and what its Excel export writes, from one
definition, so the sheet always says what the screen says.

A view builds its `Table`s, renders them, and when asked `?export=<table key>` answers the sheet
instead (`xlsx_or_none`).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse

from hamyar.catalog.sheets import write_table
from hamyar.core.errors import NotFound

__all__ = ["Column", "Table", "xlsx_or_none", "xlsx_response"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    label: Any  # a lazy translation
    number: bool = False  # written as a number in the sheet, right-aligned on the page
    width: int = 16


@dataclass
class Table:
    """Rows of plain values (text, int, Decimal, None); `links` holds, per row, the drill-down URL of
    the row (or "")."""

    key: str  # ASCII: the export's query value and file name
    title: Any
    columns: Sequence[Column]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def xlsx(self) -> bytes:
        return write_table([str(c.label) for c in self.columns], iter(self.rows),
                           title=str(self.title), widths=[c.width for c in self.columns],
                           number_columns=[i for i, c in enumerate(self.columns) if c.number])


def xlsx_response(table: Table) -> HttpResponse:
    response = HttpResponse(table.xlsx(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{table.key}.xlsx"'
    return response


def xlsx_or_none(request: HttpRequest, tables: Sequence[Table]) -> HttpResponse | None:
    """The sheet of the table named by `?export=`, or None when none is asked (404 for an unknown one)."""
    key = request.GET.get("export")
    if not key:
        return None
    for table in tables:
        if table.key == key:
            return xlsx_response(table)
    raise NotFound()
