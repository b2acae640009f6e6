"""Read the first worksheet of an .xlsx as rows of cell texts, streaming and within bounds.

The sheet's ``<dimension>`` (and any row or column it declares) is ignored: only ``<row>`` and
``<c>`` elements actually present cost anything, empty rows are counted and dropped, and every
bound of ``matching.imports.limits`` is a count of what was read. Cell values read as openpyxl
(read-only, cached values) would give them: shared and inline strings, booleans, numbers, dates
by their cell style, ISO dates; ``cell_text`` turns them into what a person sees.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

from matching.imports.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SCANNED_ROWS,
    MAX_SHARED_STRINGS,
    MAX_XML_DEPTH,
    cell_too_long,
    too_many_cells,
    too_many_columns,
    too_many_rows,
    too_many_scanned_rows,
    too_many_strings,
    unsafe_file,
)
from matching.imports.xlsx_parts import (
    Relationships,
    SharedStrings,
    Styles,
    Workbook,
    rels_of,
)
from matching.imports.xml_stream import MAX_XML_ELEMENTS, Handler, parse
from matching.imports.zipped import BoundedZip

_REF = re.compile(r"([A-Za-z]{1,3})[0-9]")
EXCEL_EXACT_LIMIT = 1e15  # from here on a number cell has lost digits (15 significant kept)
Line = list[str | int]  # an int is an index into the shared-string table, resolved at the end


def cell_text(value: object) -> str:
    """The text a person sees in the cell (whole numbers without '.0', dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        if abs(value) >= EXCEL_EXACT_LIMIT:
            # Excel keeps 15 significant digits: an 18-digit ID typed as a number is stored as
            # 3.71502199001011E+17. Show the digits Excel kept (371502199001011000), not the
            # binary float's (…1008), so the ID check can tell the digits were lost.
            return str(int(Decimal(f"{value:.14e}")))
        return str(int(value))
    return str(value)


class SheetReader(Handler):
    """Keeps the non-empty rows (their cells up to the last non-empty one), nothing else."""

    def __init__(self, dates: frozenset[str], durations: frozenset[str], epoch: datetime):
        super().__init__()
        self.dates, self.durations, self.epoch = dates, durations, epoch
        self.rows: list[tuple[int, Line]] = []
        self.needed_strings = 0
        self.scanned = 0
        self.cells_read = 0
        self._row = 0
        self._col = 0
        self._cells: dict[int, str | int] = {}
        self._kind = "n"
        self._style: str | None = None
        self._parts: list[str] = []
        self._length = 0
        self._collect = False
        self._inline = False
        self._phonetic = 0
        self._columns: dict[str, int] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        # the hot path (once per element of a sheet): ``enter`` and ``local`` inlined
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_XML_DEPTH or self.elements > MAX_XML_ELEMENTS:
            self.too_deep()
        tag = self._names.get(name) or self.local(name)
        if tag == "c":
            self.cells_read += 1
            if self.cells_read > MAX_CELLS:
                too_many_cells()
            ref = attrs.get("r")
            self._col = self._column(ref) if ref else self._col + 1
            self._kind = attrs.get("t", "n")
            self._style = attrs.get("s")
            self._parts, self._length = [], 0
        elif tag == "v":
            self._collect = True
        elif tag == "row":
            self.scanned += 1
            if self.scanned > MAX_SCANNED_ROWS:
                too_many_scanned_rows()
            number = attrs.get("r")
            self._row = int(number) if number else self._row + 1
            self._col = 0
            self._cells = {}
        elif tag == "t":
            self._collect = self._inline and not self._phonetic
        elif tag == "is":
            self._inline = True
        elif tag == "rPh":
            self._phonetic += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        tag = self._names.get(name) or self.local(name)
        if tag == "v" or tag == "t":
            self._collect = False
        elif tag == "c":
            value = self._value("".join(self._parts))
            if value != "":
                if self._col > MAX_COLUMNS:
                    too_many_columns(self._col)
                self._cells[self._col] = value
        elif tag == "row":
            self._keep_row()
        elif tag == "is":
            self._inline = False
        elif tag == "rPh":
            self._phonetic -= 1

    def text(self, data: str) -> None:
        if self._collect:
            self._length += len(data)
            if self._length > MAX_CELL_CHARS:
                cell_too_long(self._row)
            self._parts.append(data)

    def _keep_row(self) -> None:
        cells = self._cells
        if not cells:
            return
        for value in cells.values():
            if isinstance(value, int) or value.strip():
                break
        else:
            return
        if len(self.rows) >= MAX_ROWS:
            too_many_rows()
        line: Line = [""] * max(cells)
        for column, value in cells.items():
            line[column - 1] = value
        self.rows.append((self._row, line))

    def _column(self, ref: str) -> int:
        match = _REF.match(ref)
        if match is None:
            unsafe_file(f"bad cell reference {ref[:20]!r}")
        letters = match.group(1).upper()
        column = self._columns.get(letters)
        if column is None:
            column = 0
            for letter in letters:
                column = column * 26 + ord(letter) - 64
            self._columns[letters] = column
        return column

    def _value(self, raw: str) -> str | int:
        kind = self._kind
        if kind == "s":
            if not raw:
                return ""
            index = int(raw)
            if not 0 <= index < MAX_SHARED_STRINGS:
                too_many_strings()
            self.needed_strings = max(self.needed_strings, index + 1)
            return index
        if kind in ("inlineStr", "str", "e") or not raw:
            return raw
        if kind == "b":
            return cell_text(raw.strip().lower() in ("1", "true"))
        if kind == "d":
            try:
                return cell_text(from_ISO8601(raw))
            except ValueError:
                return raw
        return self._number(raw)

    def _number(self, raw: str) -> str:
        try:
            decimal = "." in raw or "e" in raw or "E" in raw
            number: float | int = float(raw) if decimal else int(raw)
        except ValueError:
            return raw
        if self._style is not None and self._style in self.dates:
            try:
                moment = from_excel(number, self.epoch, timedelta=self._style in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
            return cell_text(moment)
        return cell_text(number)


def read_xlsx(path: Path) -> list[tuple[int, list[str]]]:
    """The first worksheet's non-empty rows, numbered as a spreadsheet program shows them."""
    with BoundedZip(path) as archive:
        package = Relationships("")
        parse(archive.chunks("_rels/.rels"), package, wants_text=False)
        book_part = package.first("officeDocument") or "xl/workbook.xml"
        book = Workbook()
        parse(archive.chunks(book_part), book, wants_text=False)
        parts = Relationships(book_part)
        parse(archive.chunks(rels_of(book_part)), parts, wants_text=False)
        sheets = [parts.by_id.get(rid, ("", "")) for rid in book.sheet_ids]
        sheet_part = next((target for kind, target in sheets if kind == "worksheet"), None)
        if sheet_part is None:
            unsafe_file("the workbook has no worksheet")
        styles = Styles()
        styles_part = parts.first("styles")
        if styles_part is not None and archive.has(styles_part):
            parse(archive.chunks(styles_part), styles, wants_text=False)
        epoch = CALENDAR_MAC_1904 if book.date1904 else CALENDAR_WINDOWS_1900
        sheet = SheetReader(*styles.date_styles(), epoch)
        parse(archive.chunks(sheet_part), sheet)
        strings: list[str] = []
        if sheet.needed_strings:
            table = SharedStrings(sheet.needed_strings)
            strings_part = parts.first("sharedStrings") or "xl/sharedStrings.xml"
            parse(archive.chunks(strings_part), table)
            strings = table.strings
            if len(strings) < sheet.needed_strings:
                unsafe_file("a cell cites a shared string the table does not have")
    return [(number, _resolved(line, strings)) for number, line in sheet.rows]


def _resolved(line: Line, strings: list[str]) -> list[str]:
    if strings:
        return [strings[v] if isinstance(v, int) else v for v in line]
    return line  # type: ignore[return-value]  # without a table no cell is an index
