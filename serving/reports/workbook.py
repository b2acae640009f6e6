"""The progress report as an Excel workbook in Chinese (``jobmatch report annual|month``).

Sheets: 进度总表 (each measure: the figure, its target, pace and why a figure is missing),
逐月新增就业 (the months against the pace line), one sheet per breakdown (按县区, 按残疾类别, …),
图表 (the charts as images, each with its text alternative), 未达比例用人单位 (quota outreach
at the employer level: no person is named) and 说明 (scope, period, the plan's reading, the
levy wage). Written through ``matching.workbook`` (text never becomes a formula); numbers stay
numbers, formatted as counts or percentages, and a figure that cannot be computed is an empty
cell with its reason beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from matching.outreach import EMPLOYER_HEADERS, OutreachRow
from matching.outreach.excel import employer_rows
from matching.progress import Figure, MeasureProgress, ProgressReport, Unit
from matching.quota import LocalWage
from matching.workbook import TableSheet, table_workbook, workbook_bytes
from serving.reports.charts import ChartSpec, chart_png
from serving.reports.content import BREAKDOWN_ZH, ProgressContent

__all__ = [
    "BREAKDOWN_SHEETS",
    "MONTHS_SHEET",
    "OUTREACH_SHEET",
    "SUMMARY_SHEET",
    "ReportAbout",
    "figure_note",
    "report_workbook",
    "summary_headers",
]

SUMMARY_SHEET = "进度总表"
MONTHS_SHEET = "逐月新增就业"
CHARTS_SHEET = "图表"
OUTREACH_SHEET = "未达比例用人单位"
NOTES_SHEET = "说明"
BREAKDOWN_SHEETS = {name: f"按{label}" for name, label in BREAKDOWN_ZH.items()}
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.0%"
IMAGE_SCALE = 0.75  # the PNGs are drawn at 120 dpi; three quarters fits a screen's width
ROW_PIXELS = 20  # openpyxl's default row height, 15 pt


@dataclass(frozen=True)
class ReportAbout:
    """How the report was made: who, when, and what the outreach figures rest on."""

    actor: str
    today: date  # the day the figures are counted to
    outreach_day: date  # the day of the employers' list (the real day it was made)
    model: str
    wage: LocalWage | None
    outreach_note: str | None = None  # why the outreach sheet is empty, when it is


def summary_headers(report: ProgressReport) -> tuple[str, ...]:
    """The 进度总表 columns: the month and the year to it for a month's report, else the year."""
    figures = ("本月", "1月至本月") if report.month else ("全年（截至统计日）",)
    return (
        "指标", "单位", *figures, "分子", "分母", "目标", "按进度应达", "差距",
        "此后每月需新增", "是否达到进度", "说明", "目标依据", "统计口径",
    )  # fmt: skip


def figure_note(measure: MeasureProgress) -> str:
    """Why a figure, target or pace is missing, in Chinese (empty when nothing is)."""
    notes = []
    for figure in (measure.month, measure.year_to_date):
        if figure is not None and figure.reason is not None:
            notes.append(f"无法计算：{figure.reason.message_zh}")
    if measure.target_reason is not None:
        notes.append(measure.target_reason.message_zh)
    if measure.pace is not None and measure.pace.reason is not None:
        notes.append(measure.pace.reason.message_zh)
    return "；".join(dict.fromkeys(notes))


def report_workbook(
    content: ProgressContent,
    charts: Sequence[ChartSpec],
    outreach: Sequence[OutreachRow] | None,
    about: ReportAbout,
) -> bytes:
    """The workbook of ``content`` with ``charts`` as images and ``outreach``'s employers (their
    candidates are not written: the report names no person)."""
    report = content.report
    tables = [
        TableSheet(SUMMARY_SHEET, summary_headers(report), _summary_rows(report)),
        TableSheet(
            MONTHS_SHEET,
            ("月份", "当月新增就业", "累计（1月至该月）", "进度线（累计应达）", "说明"),
            [
                (
                    f"{p.month}月",
                    p.value,
                    p.cumulative,
                    p.pace,
                    f"无法计算：{p.reason.message_zh}" if p.reason else "",
                )
                for p in content.months
            ],
        ),
    ]
    for name, found in content.breakdowns.items():
        tables.append(
            TableSheet(BREAKDOWN_SHEETS[name], _group_headers(found, name), _group_rows(found))
        )
    tables.append(TableSheet(OUTREACH_SHEET, EMPLOYER_HEADERS, employer_rows(outreach or [])))
    book = table_workbook(tables)
    _format_summary(book[SUMMARY_SHEET], report)
    _format_groups(book, content)
    for column in "BCD":
        for cell in book[MONTHS_SHEET][column][1:]:
            cell.number_format = COUNT_FORMAT
    _charts(book, charts)
    _notes(book, content, outreach, about)
    return workbook_bytes(book)


def _value(unit: Unit, figure: Figure | None) -> float | int | None:
    if figure is None or figure.value is None:
        return None
    if unit is Unit.RATE:
        return figure.value
    return int(figure.value) if float(figure.value).is_integer() else figure.value


def _summary_rows(report: ProgressReport) -> list[tuple[Any, ...]]:
    rows = []
    for m in report.measures:
        figures = (
            (_value(m.unit, m.month), _value(m.unit, m.year_to_date))
            if report.month
            else (_value(m.unit, m.year_to_date),)
        )
        pace = m.pace
        rows.append(
            (
                m.name_zh, _unit_zh(m.unit), *figures, m.year_to_date.numerator,
                m.year_to_date.denominator, m.target.value if m.target else None,
                pace.expected if pace else None, pace.gap if pace else None,
                pace.per_month if pace else None,
                ("是" if pace.on_track else "否") if pace else "", figure_note(m),
                m.target.basis_zh if m.target else "", m.rule_zh,
            )
        )  # fmt: skip
    return rows


def _format_summary(sheet: Any, report: ProgressReport) -> None:
    figures = 2 if report.month else 1
    for index, m in enumerate(report.measures, start=2):
        rate = m.unit is Unit.RATE
        for column in range(3, 3 + figures):
            sheet.cell(row=index, column=column).number_format = (
                RATE_FORMAT if rate else COUNT_FORMAT
            )
        for offset in (2, 3):  # target, expected
            sheet.cell(row=index, column=figures + 2 + offset).number_format = (
                RATE_FORMAT if rate else COUNT_FORMAT
            )
        for offset in (4, 5):  # gap, per month: persons or counties
            sheet.cell(row=index, column=figures + 2 + offset).number_format = COUNT_FORMAT


def _group_headers(report: ProgressReport, breakdown: str) -> tuple[str, ...]:
    figures = ("本月", "1月至本月") if report.month else ("全年（截至统计日）",)
    return (BREAKDOWN_ZH[breakdown], "指标", *figures, "分子", "分母", "说明")


def _group_rows(report: ProgressReport) -> list[tuple[Any, ...]]:
    rows = []
    for m in report.measures:
        for g in m.groups:
            figures = (
                (_value(m.unit, g.month), _value(m.unit, g.year_to_date))
                if report.month
                else (_value(m.unit, g.year_to_date),)
            )
            reasons = [f.reason.message_zh for f in (g.month, g.year_to_date) if f and f.reason]
            note = "；".join(f"无法计算：{text}" for text in dict.fromkeys(reasons))
            rows.append(
                (g.label_zh, m.name_zh, *figures, g.year_to_date.numerator,
                 g.year_to_date.denominator, note)
            )  # fmt: skip
    return rows


def _format_groups(book: Any, content: ProgressContent) -> None:
    for name, report in content.breakdowns.items():
        sheet = book[BREAKDOWN_SHEETS[name]]
        figures = 2 if report.month else 1
        units = [m.unit for m in report.measures for _ in m.groups]
        for index, unit in enumerate(units, start=2):
            for column in range(3, 3 + figures):
                cell = sheet.cell(row=index, column=column)
                cell.number_format = RATE_FORMAT if unit is Unit.RATE else COUNT_FORMAT


def _charts(book: Any, charts: Sequence[ChartSpec]) -> None:
    """Each chart under its title and text alternative, one after another in column A."""
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    sheet = book.create_sheet(CHARTS_SHEET)
    sheet.column_dimensions["A"].width = 120
    row = 1
    for spec in charts:
        sheet.cell(row=row, column=1, value=spec.title_zh).font = Font(bold=True, size=13)
        sheet.cell(row=row + 1, column=1, value=spec.summary_zh).data_type = "s"
        image = Image(BytesIO(chart_png(spec)))
        image.width = int(image.width * IMAGE_SCALE)
        image.height = int(image.height * IMAGE_SCALE)
        sheet.add_image(image, f"A{row + 2}")
        row += 3 + math.ceil(image.height / ROW_PIXELS) + 1


def _notes(
    book: Any,
    content: ProgressContent,
    outreach: Sequence[OutreachRow] | None,
    about: ReportAbout,
) -> None:
    report = content.report
    period = f"{report.year}年{report.month}月" if report.month else f"{report.year}年全年"
    wage = (
        f"{about.wage.amount}元（来源：{about.wage.source}）"
        if about.wage
        else "未设置（保障金未计算）"
    )
    lines = [
        f"范围：{report.county_zh}",
        f"统计期：{period}（{report.period_start.isoformat()}至{report.period_end.isoformat()}）；"
        f"统计截至{report.through.isoformat()}" + ("" if report.complete else "（统计期未结束）"),
        f"就业年龄段：{report.working_age[0]}—{report.working_age[1]}岁",
        f"目标说明：{report.plan_note_zh}",
        "无法计算的数字留空，并在“说明”列写明原因，而不是写0。",
        "新增就业：每人每年只计一次，计入当年首次就业记录所在的月份，各月之和等于年初至今的数字。",
        f"未达比例用人单位：{about.outreach_day.isoformat()}的情况，共{len(outreach or [])}家，"
        "只列单位层面的数字，不列人员。"
        + (about.outreach_note or ""),
        f"当地上年城镇职工年平均工资：{wage}",
        f"推荐模型：{about.model}",
        f"统计日：{about.today.isoformat()}；生成日期：{about.outreach_day.isoformat()}；"
        f"生成人：{about.actor}",
    ]  # fmt: skip
    sheet = book.create_sheet(NOTES_SHEET)
    for text in lines:
        sheet.append([text])
        sheet.cell(row=sheet.max_row, column=1).data_type = "s"
    sheet.column_dimensions["A"].width = 120


def _unit_zh(unit: Unit) -> str:
    return {Unit.PERSONS: "人", Unit.RATE: "比例", Unit.COUNTIES: "县（市、区）"}[unit]
