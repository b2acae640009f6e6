"""Read a CSV or .xlsx file into rows of cell texts, or fail with one clear ``ImportFileError``."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from matching.errors import ImportFileError

ALLOWED_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Sheet:
    """Rows as lists of cell texts, each with its row number as a spreadsheet program shows it."""

    rows: list[tuple[int, list[str]]]


def read_sheet(path: Path) -> Sheet:
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
    data = path.read_bytes()
    if not data.strip():
        raise ImportFileError("the file is empty", "文件为空，没有任何内容")
    rows = _read_xlsx(data) if suffix == ".xlsx" else _read_csv(data)
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
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise ImportFileError(
            f"malformed CSV: {error}", f"CSV 文件格式错误（第{reader.line_num}行）：引号不配对"
        ) from None


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(
            "not a valid .xlsx workbook",
            "文件不是有效的 .xlsx 工作簿（可能已损坏或是其他格式），请用 Excel 重新保存后再导入",
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


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
        return str(int(value))
    return str(value)
