"""Excel exports of one ledger and of a county's ledger summary, with Chinese sheets and headers.

Exports leave the system, so they are audited (action ``export``) and show only masked numbers:
the ID and certificate numbers as ``mask_resident_id``/``mask_certificate`` give them, the phone
with its middle digits hidden. Every text cell is written as text, never as a formula, so a note
starting with "=" cannot run in the reader's Excel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from matching.access import Caller
from matching.codes import (
    COUNTIES,
    FOLLOWUP_CHANNELS,
    GRADUATE_DEGREES,
    GRADUATE_STATUSES,
    LEDGER_ACTION_STATUSES,
    LEDGER_SERVICES,
)
from matching.ledgers.queries import load_ledger
from matching.ledgers.records import LedgerRow
from matching.ledgers.summary import LedgerSummary, ledger_summary, summary_ledgers
from matching.ledgers.views import LedgerView, label_or_code, ledger_view, mask_phone
from matching.storage import append_audit
from matching.workbook import XLSX_MEDIA_TYPE, Export, TableSheet, table_workbook, workbook_bytes

__all__ = [
    "ACTION_HEADERS",
    "FOLLOW_UP_HEADERS",
    "LEDGER_SHEETS",
    "LIST_HEADERS",
    "STATUS_HEADERS",
    "SUMMARY_SHEETS",
    "XLSX_MEDIA_TYPE",
    "Export",
    "export_ledger",
    "export_summary",
    "ledger_workbook",
    "summary_workbook",
]

LEDGER_SHEETS = ("基本信息", "服务计划", "跟踪记录", "状态变更")
SUMMARY_SHEETS = ("汇总", "按状态", "按服务项目", "按毕业年份", "台账清单")
PAIR_HEADERS = ("项目", "内容")
ACTION_HEADERS = (
    "序号",
    "服务项目",
    "计划日期",
    "状态",
    "完成日期",
    "备注",
    "关联推荐编号",
    "录入人",
)
FOLLOW_UP_HEADERS = ("序号", "联系日期", "联系人", "联系方式", "服务内容", "联系结果")
STATUS_HEADERS = ("序号", "变更日期", "原状态", "新状态", "操作人", "备注")
LIST_HEADERS = (
    "台账编号", "姓名", "县（市、区）", "学校", "专业", "学历", "毕业年份", "当前状态",
    "最近联系日期",
)  # fmt: skip


def export_ledger(
    session: Session, caller: Caller, ledger_id: int, *, today: date | None = None
) -> Export:
    """One ledger as an .xlsx workbook (audited)."""
    today = today or date.today()
    view = ledger_view(session, load_ledger(session, caller, ledger_id))
    content = ledger_workbook(view, today)
    append_audit(
        session,
        actor=caller.username,
        action="export",
        entity="graduate_ledger",
        entity_id=str(view.ledger.id),
        detail={"format": "xlsx", "county": view.ledger.county},
    )
    return Export(f"ledger-{view.ledger.id}-{today.isoformat()}.xlsx", content)


def export_summary(
    session: Session,
    caller: Caller,
    *,
    county: str | None = None,
    days: int = 30,
    today: date | None = None,
) -> Export:
    """The summary of ``county`` (every visible county when None) as .xlsx (audited)."""
    today = today or date.today()
    summary = ledger_summary(session, caller, county=county, days=days, today=today)
    rows = summary_ledgers(session, caller, summary.county)
    content = summary_workbook(summary, rows)
    append_audit(
        session,
        actor=caller.username,
        action="export",
        entity="ledger_summary",
        entity_id=summary.county or "all",
        detail={"format": "xlsx", "ledgers": len(rows)},
    )
    return Export(f"ledger-summary-{summary.county or 'all'}-{today.isoformat()}.xlsx", content)


def ledger_workbook(view: LedgerView, today: date) -> bytes:
    ledger, person = view.ledger, view.person
    services = "、".join(
        LEDGER_SERVICES.label(s) for s in ledger.intended_services if s in LEDGER_SERVICES
    )
    basics: list[tuple[str, Any]] = [
        ("台账编号", ledger.id),
        ("姓名", person.name),
        ("性别", person.sex_zh),
        ("身份证号（脱敏）", person.id_number_masked),
        ("残疾人证号（脱敏）", person.certificate_masked or ""),
        ("残疾类别", person.disability_category_zh),
        ("残疾等级", person.disability_level_zh),
        ("联系电话（脱敏）", mask_phone(person.phone)),
        ("县（市、区）", label_or_code(COUNTIES, ledger.county)),
        ("学校", ledger.school),
        ("专业", ledger.major),
        ("学历", label_or_code(GRADUATE_DEGREES, ledger.degree)),
        ("毕业年份", ledger.graduation_year),
        ("当前状态", label_or_code(GRADUATE_STATUSES, ledger.status)),
        ("需求", ledger.needs or ""),
        ("拟提供服务", services),
        ("个案专员", view.user_name(ledger.case_worker_id)),
        ("最近联系日期", view.last_contacted_on),
        ("导出日期", today),
    ]
    actions = [
        (
            i,
            label_or_code(LEDGER_SERVICES, a.service),
            a.target_date,
            label_or_code(LEDGER_ACTION_STATUSES, a.status),
            a.done_on,
            a.note or "",
            a.referral_id,
            view.user_name(a.created_by),
        )
        for i, a in enumerate(view.actions, start=1)
    ]
    follow_ups = [
        (
            i,
            f.contacted_on,
            view.user_name(f.user_id),
            label_or_code(FOLLOWUP_CHANNELS, f.channel),
            f.action,
            f.result or "",
        )
        for i, f in enumerate(view.follow_ups, start=1)
    ]
    changes = [
        (
            i,
            c.changed_on,
            label_or_code(GRADUATE_STATUSES, c.from_status) or "（建档）",
            label_or_code(GRADUATE_STATUSES, c.to_status),
            view.user_name(c.user_id),
            c.note or "",
        )
        for i, c in enumerate(view.status_changes, start=1)
    ]
    return _workbook(
        [
            (LEDGER_SHEETS[0], PAIR_HEADERS, basics),
            (LEDGER_SHEETS[1], ACTION_HEADERS, actions),
            (LEDGER_SHEETS[2], FOLLOW_UP_HEADERS, follow_ups),
            (LEDGER_SHEETS[3], STATUS_HEADERS, changes),
        ]
    )


def summary_workbook(summary: LedgerSummary, rows: Sequence[LedgerRow]) -> bytes:
    days = summary.days
    overview: list[tuple[str, Any]] = [
        ("县（市、区）", label_or_code(COUNTIES, summary.county) if summary.county else "全部"),
        ("统计日期", summary.as_of),
        ("台账总数", summary.total),
        (f"近{days}天已联系", summary.contacted_recently),
        ("从未联系", summary.never_contacted),
        (f"离校不断线待联系（离校未就业且{days}天未联系）", summary.worklist),
        ("逾期未完成的服务计划", summary.overdue_actions),
    ]
    by_status = [
        (label_or_code(GRADUATE_STATUSES, status), count)
        for status, count in summary.by_status.items()
    ]
    action_statuses = LEDGER_ACTION_STATUSES.codes
    by_service = [
        (
            label_or_code(LEDGER_SERVICES, service),
            *(counts.get(s, 0) for s in action_statuses),
            sum(counts.values()),
        )
        for service, counts in summary.by_service.items()
    ]
    years = list(summary.by_graduation_year.items())
    listing = [
        (
            row.ledger.id,
            row.person_name,
            label_or_code(COUNTIES, row.ledger.county),
            row.ledger.school,
            row.ledger.major,
            label_or_code(GRADUATE_DEGREES, row.ledger.degree),
            row.ledger.graduation_year,
            label_or_code(GRADUATE_STATUSES, row.ledger.status),
            row.last_contacted_on,
        )
        for row in rows
    ]
    service_headers = (
        "服务项目",
        *(LEDGER_ACTION_STATUSES.label(s) for s in action_statuses),
        "合计",
    )
    return _workbook(
        [
            (SUMMARY_SHEETS[0], ("项目", "数值"), overview),
            (SUMMARY_SHEETS[1], ("状态", "人数"), by_status),
            (SUMMARY_SHEETS[2], service_headers, by_service),
            (SUMMARY_SHEETS[3], ("毕业年份", "人数"), years),
            (SUMMARY_SHEETS[4], LIST_HEADERS, listing),
        ]
    )


Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def _workbook(sheets: Sequence[Sheet]) -> bytes:
    return workbook_bytes(table_workbook([TableSheet(*sheet) for sheet in sheets]))
