"""The outreach list as an Excel workbook in Chinese: the employers, the persons fitting their
vacancies (only for callers who may see persons), a printable letter per employer, and how the
figures were made.

Exports leave the system, so they are audited (action ``export``) and carry masked ID numbers
only; an analyst's export names no person at all (``OutreachRow.candidates`` is empty for them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from matching.access import Caller
from matching.codes import COUNTIES, EMPLOYER_KINDS
from matching.outreach.letters import letter
from matching.outreach.queries import persons_visible
from matching.outreach.rules import OutreachRow
from matching.quota import LocalWage
from matching.storage import append_audit
from matching.workbook import Export, TableSheet, table_workbook, workbook_bytes

__all__ = [
    "CANDIDATE_HEADERS",
    "EMPLOYER_HEADERS",
    "SHEETS",
    "OutreachExport",
    "employer_rows",
    "export_outreach",
    "outreach_workbook",
]

SHEETS = ("单位清单", "推荐人选", "告知函", "说明")
EMPLOYER_HEADERS = (
    "序号", "统一社会信用代码", "单位名称", "单位类型", "县（市、区）", "在职职工人数",
    "按比例计算的人数基数", "残疾职工折算人数", "应安排人数", "差额人数", "还需安排人数",
    "须至少安排1人", "在招岗位数", "招聘人数", "适合的求职者人数", "本次可安排人数",
    "应缴保障金（元/年）", "可少缴保障金（元/年）", "说明",
)  # fmt: skip
CANDIDATE_HEADERS = (
    "单位序号", "单位名称", "统一社会信用代码", "人选排名", "人员编号", "姓名", "身份证号（脱敏）",
    "适合岗位", "岗位编号", "匹配分",
)  # fmt: skip
LETTER_WIDTH = 100  # characters of column A: about an A4 page across, when printed
RULES_ZH = (
    "名单只列未达到1.5%比例的用人单位；机关、事业单位按编制数计算（有登记时）。",
    "还需安排人数 = 差额人数向上取整（按持三级、四级残疾人证者计算）。",
    "本次可安排人数 = 还需安排人数、在招岗位招聘人数、适合的求职者人数三者中的最小值。",
    "可少缴保障金 = 现应缴保障金 − 安排上述人数（每人按1名计算）后应缴的保障金。",
    "排序：先按本次可安排人数，再按可少缴保障金、应缴保障金、差额人数，由多到少。",
    "适合的求职者：本县（市、区）求职中的登记残疾人，通过岗位推荐的硬性条件"
    "（岗位在招、年龄、专门渠道资格、经评估的能力差距可由便利措施弥补、通勤范围），"
    "按推荐模型的匹配分排序，每个单位列前5名。",
)


@dataclass(frozen=True)
class OutreachExport:
    """What the workbook says about how its figures were made."""

    county: str | None  # None: every county the caller sees
    model: str  # the served jobs ranker's label (source and version)
    wage: LocalWage | None
    today: date
    actor: str


def export_outreach(
    session: Session, caller: Caller, rows: Sequence[OutreachRow], about: OutreachExport
) -> Export:
    """The workbook of ``rows`` (already ordered and narrowed for ``caller``), audited."""
    content = outreach_workbook(rows, about, persons=persons_visible(caller))
    append_audit(
        session,
        actor=caller.username,
        action="export",
        entity="quota_outreach",
        entity_id=about.county or "all",
        detail={
            "format": "xlsx",
            "employers": len(rows),
            "persons": sum(len(r.candidates) for r in rows),
        },
    )
    name = f"quota-outreach-{about.county or 'all'}-{about.today.isoformat()}.xlsx"
    return Export(name, content)


def outreach_workbook(
    rows: Sequence[OutreachRow], about: OutreachExport, *, persons: bool
) -> bytes:
    """The sheets of ``SHEETS`` (without 推荐人选 when ``persons`` is False)."""
    tables = [TableSheet(SHEETS[0], EMPLOYER_HEADERS, employer_rows(rows))]
    if persons:
        tables.append(TableSheet(SHEETS[1], CANDIDATE_HEADERS, _candidate_rows(rows)))
    book = table_workbook(tables)
    _letters(book, rows, about.today)
    notes = [(text,) for text in RULES_ZH] + [
        ("当地上年城镇职工年平均工资：" + _wage(about.wage),),
        (f"推荐模型：{about.model}",),
        (f"范围：{COUNTIES.label(about.county) if about.county else '全部可见县（市、区）'}",),
        (f"导出日期：{about.today.isoformat()}；导出人：{about.actor}",),
    ]
    sheet = book.create_sheet(SHEETS[3])
    for values in notes:
        sheet.append(list(values))
        sheet.cell(row=sheet.max_row, column=1).data_type = "s"
    sheet.column_dimensions["A"].width = LETTER_WIDTH
    return workbook_bytes(book)


def _wage(wage: LocalWage | None) -> str:
    if wage is None:
        return "未设置（保障金未计算）"
    return f"{wage.amount}元（来源：{wage.source}）"


def employer_rows(rows: Sequence[OutreachRow]) -> list[tuple[Any, ...]]:
    """The 单位清单 rows of ``rows`` in ``EMPLOYER_HEADERS`` order (the report reuses them)."""
    out = []
    for index, row in enumerate(rows, start=1):
        e = row.employer
        notes = [text for text in (e.levy_note, row.fit_note) if text]
        levy = e.levy
        if levy is not None and levy.exempt_reason == "small_enterprise":
            notes.append("30人（含）以下企业免征保障金")
        out.append(
            (
                index, e.credit_code, e.name, EMPLOYER_KINDS.label(e.kind),
                COUNTIES.label(e.county), e.staff_count, e.quota_staff, e.weighted_disabled,
                _float(e.status.required), _float(e.status.gap), e.persons_needed,
                "是" if e.status.must_employ_one else "否", len(e.vacancies), e.openings,
                row.fitting, row.placeable, None if levy is None else _float(levy.due),
                None if row.levy_saved is None else _float(row.levy_saved), "；".join(notes),
            )
        )  # fmt: skip
    return out


def _candidate_rows(rows: Sequence[OutreachRow]) -> list[tuple[Any, ...]]:
    out = []
    for index, row in enumerate(rows, start=1):
        e = row.employer
        for rank, c in enumerate(row.candidates, start=1):
            out.append(
                (
                    index, e.name, e.credit_code, rank, c.person_id, c.name, c.id_number_masked,
                    c.vacancy_title, c.vacancy_id, round(c.score, 4),
                )
            )  # fmt: skip
    return out


def _float(value: Decimal) -> float:
    return float(value)


def _letters(book: Any, rows: Sequence[OutreachRow], today: date) -> None:
    """One letter after another in a single wide column, a page break after each, so that each
    employer's letter prints on a page of its own."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.pagebreak import Break

    sheet = book.create_sheet(SHEETS[2])
    sheet.column_dimensions["A"].width = LETTER_WIDTH
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        paragraphs = letter(row, today=today)
        for position, text in enumerate(paragraphs):
            sheet.append([text])
            cell = sheet.cell(row=sheet.max_row, column=1)
            cell.data_type = "s"
            cell.alignment = Alignment(horizontal="center") if position == 0 else wrap
            if position == 0:
                cell.font = Font(bold=True, size=14)
        sheet.append([None])
        sheet.row_breaks.append(Break(id=sheet.max_row))
