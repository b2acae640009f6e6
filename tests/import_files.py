"""Builders of import files for tests: valid persons rows and ways to break them."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from matching.imports.report import REPORT_HEADERS
from matching.validators import make_certificate, make_resident_id

PERSON_HEADERS = (
    "身份证号", "姓名", "残疾人证号", "所属县区", "户籍性质", "文化程度", "就业状态", "联系电话",
    "登记日期", "是否高校毕业生", "毕业院校", "所学专业", "毕业年份", "期望月薪",
)  # fmt: skip


def person_row(index: int) -> dict[str, str]:
    """A valid persons row; ``index`` makes the ID unique (up to 999 per birth day)."""
    birth = date(1970 + index % 35, 1 + index % 12, 1 + index % 28)
    resident_id = make_resident_id("371502", birth, index // 420 % 999 + 1)
    return {
        "身份证号": resident_id,
        "姓名": f"测试{index}",
        "残疾人证号": make_certificate(resident_id, 1 + index % 7, 1 + index % 4),
        "所属县区": ["东昌府区", "临清市", "冠县", "经开区"][index % 4],
        "户籍性质": "农村" if index % 2 else "城镇",
        "文化程度": "高中",
        "就业状态": "求职中",
        "联系电话": f"138{index:08d}",
        "登记日期": "2024-03-01",
        "是否高校毕业生": "否",
        "毕业院校": "",
        "所学专业": "",
        "毕业年份": "",
        "期望月薪": str(2000 + index % 3000),
    }


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[dict[str, str]], encoding: str = "utf-8-sig"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(headers))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[dict[str, str]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    workbook.save(path)
    return path


def write_rows(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    """A CSV (UTF-8 with BOM) from plain rows, the first of them the header."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_report(path: Path) -> list[dict[str, str]]:
    """The reject report's lines, after checking its header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        assert tuple(next(reader)) == REPORT_HEADERS
        return [dict(zip(REPORT_HEADERS, line, strict=True)) for line in reader]


def report_lines(path: Path) -> list[tuple[int, str, str]]:
    """(row number, column, reason code) of every report line."""
    return [(int(line["行号"]), line["列"], line["原因代码"]) for line in read_report(path)]
