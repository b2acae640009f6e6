"""Excel exports: the one way jobmatch writes a workbook of Chinese tables (ledgers, fairs,
quota outreach).

Every text cell is written as text, never as a formula, so a note starting with "=" cannot run
in the reader's Excel; dates show as yyyy-mm-dd, the chosen columns as percentages; the header
row is bold and stays in view; columns are as wide as their text (up to a limit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = ["XLSX_MEDIA_TYPE", "Export", "TableSheet", "table_workbook", "workbook_bytes"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60


@dataclass(frozen=True, slots=True)
class Export:
    """A file to hand out: its name and bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class TableSheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    percent_columns: tuple[int, ...] = ()  # 0-based columns whose floats are shares


def table_workbook(sheets: Sequence[TableSheet]) -> Workbook:
    """A workbook with one sheet per table, in order (add more sheets, then ``workbook_bytes``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        sheet.append(list(spec.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [2 * len(h) + 4 for h in spec.headers]
        for values in spec.rows:
            sheet.append([None] * len(values))
            row = sheet.max_row
            for column, value in enumerate(values):
                cell = sheet.cell(row=row, column=column + 1)
                cell.value = value
                width = 0
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula
                    width = min(MAX_WIDTH, 2 * len(value) + 2)
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                    width = 12
                elif isinstance(value, float) and column in spec.percent_columns:
                    cell.number_format = "0.0%"
                if column < len(widths):
                    widths[column] = max(widths[column], width)
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
        sheet.freeze_panes = "A2"
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
