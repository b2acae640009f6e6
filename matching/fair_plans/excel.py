"""The pre-match as an Excel workbook in Chinese: each candidate's plan, each employer's list, and
both ways compared.

Exports leave the system, so they are audited (action ``export``) and carry masked ID numbers
only, of the persons the caller may see. Text cells are written as text, never as formulas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from matching import codes
from matching.fair_plans.result import CANDIDATE_STATUSES, PrematchResult
from matching.storage import Fair, append_audit
from matching.workbook import Export, TableSheet, table_workbook, workbook_bytes

SHEETS = ("候选人安排", "企业面试名单", "对比")
CANDIDATE_HEADERS = (
    "人员编号", "姓名", "身份证号（脱敏）", "县（市、区）", "安排状态", "展位号", "岗位",
    "用人单位", "面试时间", "录用可能性", "推荐理由", "说明",
)  # fmt: skip
EMPLOYER_HEADERS = (
    "展位号", "用人单位", "岗位", "岗位编号", "面试容量", "面试官人数", "面试时间", "面试官",
    "人员编号", "姓名", "身份证号（脱敏）", "县（市、区）", "录用可能性", "说明",
)  # fmt: skip
COMPARISON_HEADERS = (
    "方式", "预期录用人数", "面试人次", "单个展位最长排队", "超出面试容量的展位数",
    "未获面试的求职者占比",
)  # fmt: skip
Cell = str | int | float | None


@dataclass(frozen=True)
class _Sheet:
    title: str
    headers: Sequence[str]
    rows: list[tuple[Cell, ...]]
    percent_columns: tuple[int, ...] = ()


def export_prematch(session: Session, fair: Fair, result: PrematchResult, *, actor: str) -> Export:
    """The workbook of ``result`` (already narrowed to what the caller sees), audited."""
    content = prematch_workbook(fair, result)
    append_audit(
        session,
        actor=actor,
        action="export",
        entity="fair_prematch",
        entity_id=str(fair.id),
        detail={"candidates": len(result.candidates), "vacancies": len(result.vacancies)},
    )
    return Export(f"fair-{fair.id}-prematch.xlsx", content)


def prematch_workbook(fair: Fair, result: PrematchResult) -> bytes:
    return _workbook(
        [_candidate_sheet(result), _employer_sheet(result), _comparison_sheet(fair, result)]
    )


def _candidate_sheet(result: PrematchResult) -> _Sheet:
    rows: list[tuple[Cell, ...]] = []
    for c in result.candidates:
        person = (c.person_id, c.name, c.id_number, _county(c.county))
        status = CANDIDATE_STATUSES.get(c.status, c.status)
        if not c.booths:
            rows.append((*person, status, None, None, None, None, None, None, c.note))
        for b in c.booths:
            rows.append(
                (
                    *person, status, b.booth, b.title, b.employer, f"{b.start}-{b.end}",
                    b.probability, "；".join(b.reasons), c.note,
                )
            )  # fmt: skip
    return _Sheet(SHEETS[0], CANDIDATE_HEADERS, rows, percent_columns=(9,))


def _employer_sheet(result: PrematchResult) -> _Sheet:
    rows: list[tuple[Cell, ...]] = []
    for v in result.vacancies:
        booth = (v.booth, v.employer, v.title, v.vacancy_id, v.capacity, v.interviewers)
        if not v.shortlist:
            rows.append((*booth, None, None, None, None, None, None, None, v.note))
        for i in v.shortlist:
            rows.append(
                (
                    *booth, f"{i.start}-{i.end}", i.interviewer, i.person_id, i.name,
                    i.id_number, _county(i.county), i.probability, v.note,
                )
            )  # fmt: skip
    return _Sheet(SHEETS[1], EMPLOYER_HEADERS, rows, percent_columns=(12,))


def _comparison_sheet(fair: Fair, result: PrematchResult) -> _Sheet:
    rows: list[tuple[Cell, ...]] = [
        (
            way.label, round(way.expected_hires, 2), way.interviews, way.largest_queue,
            way.booths_over_capacity, way.no_booth_share,
        )
        for way in result.ways
    ]  # fmt: skip
    optimal = result.optimal.expected_hires
    facts: list[tuple[Cell, ...]] = [
        (None,),
        ("招聘会", fair.name),
        ("举办日期", fair.held_on.isoformat()),
        ("线性规划上界（预期录用人数）", round(result.lp_bound, 2)),
        ("预匹配达到上界的比例", f"{optimal / result.lp_bound:.2%}" if result.lp_bound else "—"),
        ("无任何符合条件展位的求职者占比", f"{result.no_eligible_share:.1%}"),
        ("排序模型", result.model_version),
        ("概率校准", result.calibration.method),
        ("计算时间", result.computed_at.strftime("%Y-%m-%d %H:%M")),
        ("计算人", result.computed_by),
        ("说明", "预期录用人数为各面试录用概率之和；自由排队方式按各展位面试容量只面试部分排队者"),
    ]
    return _Sheet(SHEETS[2], COMPARISON_HEADERS, rows + facts, percent_columns=(5,))


def _county(code: str) -> str:
    return codes.COUNTIES.label(code) if code in codes.COUNTIES else code


def _workbook(sheets: Sequence[_Sheet]) -> bytes:
    return workbook_bytes(
        table_workbook([TableSheet(s.title, s.headers, s.rows, s.percent_columns) for s in sheets])
    )
