"""The progress dashboard (issue 20 §4): the plan's measures for a period and county, each with
its target, pace and the reason when a figure cannot be computed; the charts (SVG, each with its
numbers as a table beside it); a breakdown by group; the list behind each figure for the roles
that may read persons; the Excel report.

Everything comes from the objects the API and ``jobmatch report`` use
(``serving.reports.content.progress_content``, ``serving.reports.build``), with the same access
policy: roles with ``Act.PROGRESS``; county users see their county (another county is 404);
analysts get aggregates only (a person list is refused as by ``GET /api/progress/records``).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from matching.access import ROLES_FOR, Act, Caller
from matching.codes import COUNTIES
from matching.errors import ForbiddenError, ValidationError
from matching.progress import (
    BREAKDOWNS,
    MEASURES,
    RECORDS_PATH,
    MeasureProgress,
    ProgressReport,
    Unit,
    progress_records,
)
from matching.progress.counting import Figure
from matching.progress.periods import FIRST_YEAR, LAST_YEAR
from serving.api.deps import ServiceDep, SessionsDep, SettingsDep, SnapshotOrNoneDep
from serving.api.routers.ledger_support import XlsxResponse, xlsx
from serving.api.routers.progress import Today
from serving.pages.session import PageCaller
from serving.pages.templating import render
from serving.reports.build import CHART_BREAKDOWNS, export_report, report_charts
from serving.reports.charts import chart_svg
from serving.reports.content import BREAKDOWN_ZH, progress_content
from serving.services.outreach import served_jobs_model

router = APIRouter(include_in_schema=False)
READERS = frozenset(ROLES_FOR[Act.PROGRESS])
PAGE_RECORDS_PATH = "/progress/records"
NOT_ALLOWED_ZH = "您的角色不能查看就业进度统计"
RECORD_PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters as asked (text, for the form) and as parsed (None when wrong)."""

    year: int
    month: int | None
    county: str | None
    breakdown: str | None
    errors: dict[str, str]

    def query(self) -> str:
        values = {
            "year": self.year,
            "month": self.month or "",
            "county": self.county or "",
            "breakdown": self.breakdown or "",
        }
        return urlencode(values)


def allow(caller: Caller) -> None:
    if caller.role not in READERS:
        raise ForbiddenError(f"role {caller.role} may not read progress", NOT_ALLOWED_ZH)


def filters_of(request: Request, today: date) -> Filters:
    """The query's filters; a wrong value is named next to its field and the default is used."""
    query = request.query_params
    errors: dict[str, str] = {}
    year = today.year
    text = query.get("year", "").strip()
    if text:
        if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
            year = int(text)
        else:
            errors["year"] = f"年份应为{FIRST_YEAR}至{LAST_YEAR}之间的数字"
    month: int | None = today.month if "month" not in query else None
    text = query.get("month", "").strip()
    if text:
        if text.isdigit() and 1 <= int(text) <= 12:
            month = int(text)
        else:
            errors["month"] = "月份应为1至12月，或选择“全年”"
    breakdown = query.get("breakdown", "").strip() or None
    if breakdown is not None and breakdown not in BREAKDOWNS:
        errors["breakdown"] = "分组方式无效，请从列表中选择"
        breakdown = None
    county = query.get("county", "").strip() or None
    return Filters(year, month, county, breakdown, errors)


def page_link(api_link: str | None) -> str | None:
    """The page showing the list an API link names (same query)."""
    if api_link is None:
        return None
    return PAGE_RECORDS_PATH + api_link.removeprefix(RECORDS_PATH)


def figure_zh(unit: Unit, figure: Figure | None) -> str:
    """A figure as the page writes it: 105人, 26.5%（395/1,490）, 8个; "—" for none."""
    if figure is None or figure.value is None:
        return "—"
    if unit is Unit.RATE:
        return f"{figure.value:.1%}（{figure.numerator:,}/{figure.denominator:,}）"
    if unit is Unit.COUNTIES:
        return f"{round(figure.value)}个"
    return f"{round(figure.value):,}人"


def target_zh(unit: Unit, value: float | None) -> str:
    if value is None:
        return "—"
    if unit is Unit.RATE:
        return f"{value:.0%}"
    return f"{round(value):,}{'个' if unit is Unit.COUNTIES else '人'}"


def measure_view(measure: MeasureProgress) -> dict[str, Any]:
    """One row of the measures table: formatted figures, target, pace and reasons."""
    pace = measure.pace
    reasons = [
        figure.reason.message_zh
        for figure in (measure.month, measure.year_to_date)
        if figure is not None and figure.reason is not None
    ]
    notes = [measure.target_reason.message_zh] if measure.target_reason else []
    if pace is not None and pace.per_month is not None:
        notes.append(f"此后每月需新增约{round(pace.per_month):,}人")
    elif pace is not None and pace.reason is not None:
        notes.append(pace.reason.message_zh)
    gap_unit = "个" if measure.unit is Unit.COUNTIES else "人"
    return {
        "m": measure,
        "month": figure_zh(measure.unit, measure.month),
        "ytd": figure_zh(measure.unit, measure.year_to_date),
        "target": target_zh(measure.unit, measure.target.value if measure.target else None),
        "expected": target_zh(measure.unit, pace.expected) if pace else "—",
        "gap": f"{round(pace.gap):,}{gap_unit}" if pace else "—",
        "on_track": None if pace is None else pace.on_track,
        "reasons": list(dict.fromkeys(reasons)),
        "notes": notes,
        "month_link": page_link(measure.month_link),
        "link": page_link(measure.link),
    }


def county_options(caller: Caller) -> list[tuple[str, str]]:
    if caller.city_wide:
        return [("", "全市"), *((code, COUNTIES.label(code)) for code in COUNTIES.codes)]
    return [(caller.county or "", COUNTIES.label(caller.county) if caller.county else "—")]


@router.get("/progress")
def dashboard(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    settings: SettingsDep,
    today: Today,
) -> Response:
    allow(caller)
    chosen = filters_of(request, today)
    breakdowns = (*CHART_BREAKDOWNS, *([chosen.breakdown] if chosen.breakdown else []))
    with sessions() as session:
        content = progress_content(
            session,
            caller,
            chosen.year,
            chosen.month,
            chosen.county,
            today=today,
            working_age=(settings.working_age_min, settings.working_age_max),
            breakdowns=breakdowns,
        )
    report = content.report
    charts = [
        {
            "spec": spec,
            "src": "data:image/svg+xml;base64,"
            + base64.b64encode(chart_svg(spec).encode()).decode(),
        }
        for spec in report_charts(content)
    ]
    grouped = content.breakdowns.get(chosen.breakdown) if chosen.breakdown else None
    context_rows = _group_rows(grouped) if grouped else []
    context = {
        "filters": chosen,
        "report": report,
        "rows": [measure_view(m) for m in report.measures],
        "charts": charts,
        "grouped": grouped,
        "group_rows": context_rows,
        "breakdown_zh": BREAKDOWN_ZH,
        "group_reasons": sorted(
            {c["reason"] for row in context_rows for c in row["cells"] if c["reason"]}
        ),
        "county_options": county_options(caller),
        "year_options": [
            (str(y), f"{y}年") for y in range(max(FIRST_YEAR, today.year - 5), today.year + 1)
        ],
        "month_options": [("", "全年"), *((str(m), f"{m}月") for m in range(1, 13))],
        "breakdown_options": [("", "不分组"), *BREAKDOWN_ZH.items()],
        "may_read": caller.may_act(Act.READ),
        "errors": chosen.errors,
        "excel": f"/progress/report.xlsx?{chosen.query()}",
    }
    return render(request, "progress.html", context, caller=caller)


def _group_rows(report: ProgressReport) -> list[dict[str, Any]]:
    """Rows of the breakdown table: a group and its figure of every measure. A measure that
    cannot be computed at all has no groups: each of its cells gives the measure's reason."""
    shaped = next((m for m in report.measures if m.groups), None)
    if shaped is None:
        return []
    rows = []
    for index, group in enumerate(shaped.groups):
        cells = []
        for m in report.measures:
            if not m.groups:
                reason = m.year_to_date.reason
                text = figure_zh(m.unit, None)
                cells.append(
                    {"text": text, "reason": reason.message_zh if reason else None, "link": None}
                )
                continue
            g = m.groups[index]
            reason = g.year_to_date.reason
            cells.append(
                {
                    "text": figure_zh(m.unit, g.year_to_date),
                    "reason": reason.message_zh if reason else None,
                    "link": page_link(g.link),
                }
            )
        rows.append({"label": group.label_zh, "cells": cells})
    return rows


@router.get("/progress/report.xlsx")
def report_excel(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    settings: SettingsDep,
    state: ServiceDep,
    snapshot: SnapshotOrNoneDep,
    today: Today,
) -> XlsxResponse:
    """The workbook ``jobmatch report`` writes, for the dashboard's filters (audited)."""
    allow(caller)
    chosen = filters_of(request, today)
    with sessions.begin() as session:
        return xlsx(
            export_report(
                session,
                caller,
                snapshot,
                served_jobs_model(state),
                year=chosen.year,
                month=chosen.month,
                county=chosen.county,
                today=today,
                outreach_day=datetime.now(UTC).date(),
                working_age=(settings.working_age_min, settings.working_age_max),
                wage=settings.local_average_wage,
            )
        )


@router.get(PAGE_RECORDS_PATH)
def records(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    settings: SettingsDep,
    today: Today,
) -> Response:
    """The list behind a figure (the link's query), a page at a time; IDs masked."""
    allow(caller)
    query = request.query_params
    chosen = filters_of(request, today)
    if chosen.errors:
        field, message = next(iter(chosen.errors.items()))
        raise ValidationError("bad_filter", f"bad {field}", message, field=field)
    page_text = query.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 100_000 else 1
    with sessions() as session:
        found = progress_records(
            session,
            caller,
            measure=query.get("measure", ""),
            year=chosen.year,
            month=chosen.month if "month" in query else None,
            county=chosen.county,
            to_date=query.get("to_date") == "true",
            breakdown=chosen.breakdown,
            group=query.get("group") or None,
            today=today,
            working_age=(settings.working_age_min, settings.working_age_max),
            page=page,
            page_size=RECORD_PAGE_SIZE,
        )
    measure = MEASURES[query["measure"]]
    kept = {k: v for k, v in query.items() if k != "page"}
    context = {
        "measure": measure,
        "found": found,
        "period_zh": _period_zh(chosen, query.get("to_date") == "true" or "month" not in query),
        "county_zh": COUNTIES.label(chosen.county) if chosen.county else "",
        "group_zh": _group_zh(chosen.breakdown, query.get("group")),
        "base": f"{PAGE_RECORDS_PATH}?{urlencode(kept)}",
    }
    return render(request, "progress_records.html", context, caller=caller)


def _period_zh(chosen: Filters, to_date: bool) -> str:
    if chosen.month is None:
        return f"{chosen.year}年"
    if to_date:
        return f"{chosen.year}年1—{chosen.month}月"
    return f"{chosen.year}年{chosen.month}月"


def _group_zh(breakdown: str | None, group: str | None) -> str:
    if not breakdown or not group or group not in BREAKDOWNS[breakdown]:
        return ""
    return f"{BREAKDOWN_ZH[breakdown]}：{BREAKDOWNS[breakdown].label(group)}"
