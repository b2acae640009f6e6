"""Read a CSV or .xlsx file into rows of cell texts, or fail with one clear ``ImportFileError``."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from matching.errors import ImportFileError
from matching.imports.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_SCANNED_ROWS,
    cell_too_long,
    file_too_large,
    too_many_cells,
    too_many_columns,
    too_many_rows,
    too_many_scanned_rows,
)
from matching.imports.xlsx import read_xlsx

ALLOWED_SUFFIXES = (".csv", ".xlsx")
SMALL_FILE = 4096  # smaller files are checked for being blank before they are parsed
MAX_SPREADSHEET_COLUMNS = 16_384  # Excel's own (XFD); a CSV line with more is not a table


@dataclass(frozen=True)
class Sheet:
    """Rows as lists of cell texts, each with its row number as a spreadsheet program shows it."""

    rows: list[tuple[int, list[str]]]


def read_sheet(path: Path) -> Sheet:
    """The file's non-empty rows; every file jobmatch reads (CLI import, upload, fair list) comes
    through here, within the bounds of ``matching.imports.limits``."""
    if not path.is_file():
        raise ImportFileError(f"no such file: {path}", f"找不到文件：{path.name}")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(
            "old .xls workbooks are not supported; save as .xlsx or CSV",
            "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后再导入",
        )
    if suffix not in ALLOWED_SUFFIXES:
        raise ImportFileError(
            f"unsupported file type {suffix!r}; allowed: {', '.join(ALLOWED_SUFFIXES)}",
            f"不支持的文件类型“{suffix or '无扩展名'}”，只能导入 .csv 或 .xlsx 文件",
        )
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        file_too_large(size)
    if size < SMALL_FILE and not path.read_bytes().strip():
        raise ImportFileError("the file is empty", "文件为空，没有任何内容")
    rows = read_xlsx(path) if suffix == ".xlsx" else _read_csv(path.read_bytes())
    rows = [(number, cells) for number, cells in rows if any(cell.strip() for cell in cells)]
    if not rows:
        raise ImportFileError("the file has no rows", "文件中没有任何数据")
    return Sheet(rows)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 as Excel in China saves it."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "this is a zip/.xlsx workbook, not a CSV file",
            "该文件是 Excel 工作簿而不是 CSV 文件，请把扩展名改为 .xlsx 后导入",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ImportFileError(
        "cannot decode the file as UTF-8, UTF-16 or GB18030 text",
        "文件编码无法识别（不是文本文件，或编码不是 UTF-8/GBK），请另存为“CSV UTF-8”后再导入",
    )


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    """Rows of the CSV, empty lines dropped as they are read, within the reader's bounds."""
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(_bounded_lines(text, delimiter), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    cells = 0
    try:
        for number, row in enumerate(reader, start=1):
            while row and not row[-1]:
                row.pop()
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= MAX_ROWS:
                too_many_rows()
            if len(row) > MAX_COLUMNS:
                too_many_columns(len(row))
            if max(map(len, row)) > MAX_CELL_CHARS:
                cell_too_long(number)
            cells += len(row)
            if cells > MAX_CELLS:
                too_many_cells()
            rows.append((number, row))
    except csv.Error as error:
        raise ImportFileError(
            f"malformed CSV: {error}", f"CSV 文件格式错误（第{reader.line_num}行）：引号不配对"
        ) from None
    return rows


def _bounded_lines(text: str, delimiter: str) -> Iterator[str]:
    """Physical lines, refusing past ``MAX_SCANNED_ROWS`` of them or one with more delimiters
    than a spreadsheet has columns (before ``csv`` builds a list of its cells)."""
    for scanned, line in enumerate(io.StringIO(text, newline=""), start=1):
        if scanned > MAX_SCANNED_ROWS:
            too_many_scanned_rows()
        if line.count(delimiter) >= MAX_SPREADSHEET_COLUMNS:
            too_many_columns(MAX_SPREADSHEET_COLUMNS)
        yield line
