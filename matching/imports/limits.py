"""What one import file may cost the server, and the errors a caller sees past each bound.

An import file comes from an office and, through the API, from anyone with an upload role; its
reader must not trust what the file declares (an .xlsx sheet's ``<dimension>``, a zip member's
sizes, a CSV's line count). Every bound is a count of what was actually read, set far above real
use: the demo city's persons file has ~8,000 rows and 14 columns, the widest import (vacancies)
~40 columns, a real office's .xlsx of 10,000 rows is ~1 MB zipped and ~10 MB unzipped.

Past a size bound the reader raises ``ImportTooLargeError`` (HTTP 413); a file that is malformed
or unsafe (a DTD, a nested element tower, a broken zip) raises ``ImportFileError`` (HTTP 422).
"""

from __future__ import annotations

from typing import NoReturn

from matching.errors import ImportFileError, ImportTooLargeError

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB  # the file as uploaded (zipped .xlsx or CSV)
MAX_UNZIPPED_BYTES = 100 * MB  # all .xlsx members read, decompressed, together
MAX_ZIP_RATIO = 100  # decompressed / compressed of one member (as Apache POI: 1%)
RATIO_GRACE_BYTES = 1 * MB  # members smaller than this may compress as well as they like
MAX_ZIP_MEMBERS = 1_000  # entries in the zip's central directory (a workbook has ~10-50)
MAX_ROWS = 30_000  # non-empty rows read (title and header lines included)
MAX_SCANNED_ROWS = 100_000  # rows looked at, empty ones included (``<row/>``, blank lines)
MAX_COLUMNS = 200  # the right-most non-empty column
MAX_CELLS = 1_000_000  # .xlsx: ``<c>`` elements read, empty ones included; CSV: cells kept
MAX_CELL_CHARS = 32_767  # one cell (Excel's own limit)
MAX_SHARED_STRINGS = 150_000  # entries of the shared-string table read (5 per row at MAX_ROWS)
MAX_SHARED_CHARS = 20_000_000  # characters of the shared-string entries read, together
MAX_XML_DEPTH = 64  # nesting of XML elements (a sheet needs ~7)


def too_large(message: str, message_zh: str) -> NoReturn:
    raise ImportTooLargeError(message, message_zh)


def file_too_large(size: int) -> NoReturn:
    too_large(
        f"the file is larger than {MAX_FILE_BYTES // MB} MB ({size} bytes read)",
        f"文件过大：最大{MAX_FILE_BYTES // MB}MB，请拆分为多个文件后分批导入",
    )


def unzipped_too_large() -> NoReturn:
    too_large(
        f"the workbook unzips to more than {MAX_UNZIPPED_BYTES // MB} MB",
        f"文件过大：解压后超过{MAX_UNZIPPED_BYTES // MB}MB，请删除多余的工作表、格式和空行，"
        "或拆分为多个文件后分批导入",
    )


def too_many_rows() -> NoReturn:
    too_large(
        f"more than {MAX_ROWS} non-empty rows; split the file",
        f"行数超过上限{MAX_ROWS}行，请拆分为多个文件后分批导入",
    )


def too_many_scanned_rows() -> NoReturn:
    too_large(
        f"more than {MAX_SCANNED_ROWS} rows including empty ones; delete the empty rows",
        f"表格行数（含空行）超过上限{MAX_SCANNED_ROWS}行，请删除数据下方多余的空行，"
        "或拆分为多个文件后分批导入",
    )


def too_many_columns(column: int) -> NoReturn:
    too_large(
        f"a value in column {column}; at most {MAX_COLUMNS} columns are read",
        f"列数超过上限{MAX_COLUMNS}列（第{column}列有内容），请删除多余的列后再导入",
    )


def too_many_cells() -> NoReturn:
    too_large(
        f"more than {MAX_CELLS} cells; split the file",
        f"单元格数超过上限{MAX_CELLS}个，请删除多余的列或拆分为多个文件后分批导入",
    )


def cell_too_long(row: int) -> NoReturn:
    too_large(
        f"a cell in row {row} holds more than {MAX_CELL_CHARS} characters",
        f"第{row}行有单元格超过{MAX_CELL_CHARS}个字符，请检查后再导入",
    )


def too_many_strings() -> NoReturn:
    too_large(
        f"the shared-string table exceeds {MAX_SHARED_STRINGS} entries or "
        f"{MAX_SHARED_CHARS} characters",
        f"文件过大：共享文本超过{MAX_SHARED_STRINGS}条或{MAX_SHARED_CHARS}个字符，"
        "请拆分为多个文件后分批导入",
    )


def not_a_workbook() -> NoReturn:
    raise ImportFileError(
        "not a valid .xlsx workbook",
        "文件不是有效的 .xlsx 工作簿（可能已损坏或是其他格式），请用 Excel 重新保存后再导入",
    )


def unsafe_file(message: str) -> NoReturn:
    raise ImportFileError(
        f"unsafe or malformed workbook: {message}",
        "文件不是有效的 .xlsx 工作簿（结构异常或含有不允许的内容），请用 Excel 重新保存后再导入",
    )
