"""Empty import templates: headers, one example row and, in .xlsx, a sheet explaining them."""

from __future__ import annotations

from pathlib import Path

from matching.csv_safety import csv_writer
from matching.errors import ImportFileError
from matching.imports.spec import EntitySpec

EXPLANATION_HEADERS = ("列名", "英文列名", "是否必填", "填写说明", "示例")


def write_template(spec: EntitySpec, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportFileError(
            f"template must be .csv or .xlsx, got {suffix!r}", "模板文件只能是 .csv 或 .xlsx"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    headers = [field.zh for field in spec.fields]
    example = [field.example for field in spec.fields]
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv_writer(handle)
            writer.writerow(headers)
            writer.writerow(example)
        return
    _write_xlsx(spec, path, headers, example)


def _write_xlsx(spec: EntitySpec, path: Path, headers: list[str], example: list[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = spec.zh
    sheet.append(headers)
    sheet.append(example)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for column, field in enumerate(spec.fields, start=1):
        header = sheet.cell(row=1, column=column)
        header.font = Font(bold=True)
        if field.required:
            header.fill = required_fill
        # IDs and codes stay text: Excel would turn an 18-digit ID into 3.71502E+17.
        letter = header.column_letter
        sheet.column_dimensions[letter].width = max(12, 2 * len(field.zh) + 4)
        for row in range(2, 1002):
            sheet.cell(row=row, column=column).number_format = "@"
    notes = workbook.create_sheet("填写说明")
    notes.append(EXPLANATION_HEADERS)
    for field in spec.fields:
        notes.append(
            (
                field.zh,
                field.key,
                "必填" if field.required else "选填",
                field.allowed_zh,
                field.example,
            )
        )
    workbook.save(path)
