"""One report, start to end: the progress content, its charts, the quota outreach employers and
the workbook, audited as an export. ``jobmatch report`` calls it; the pages show the same content
and charts (``serving.pages.progress``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.outreach import outreach_county, without_persons
from matching.progress.report import report_county
from matching.quota import LocalWage
from matching.storage import append_audit
from matching.workbook import Export
from serving.reports.charts import ChartSpec, groups_chart, placements_chart
from serving.reports.content import ProgressContent, progress_content
from serving.reports.workbook import ReportAbout, report_workbook
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.outreach import outreach_list

__all__ = ["CHART_BREAKDOWNS", "export_report", "report_charts"]

CHART_BREAKDOWNS = ("county", "category")
"""The groups charted beside the months (issue 20 §3: by county, by category)."""


def report_charts(content: ProgressContent) -> list[ChartSpec]:
    """The months against the pace line, then newly employed by county and by category (those
    of ``CHART_BREAKDOWNS`` the content holds)."""
    report = content.report
    charts = [
        placements_chart(content.months, content.placements_target, report.county_zh, report.year)
    ]
    charts += [
        groups_chart(content.breakdowns[name], name)
        for name in CHART_BREAKDOWNS
        if name in content.breakdowns
    ]
    return charts


def export_report(
    session: Session,
    caller: Caller,
    snapshot: ServingSnapshot | None,
    model: ServedModel,
    *,
    year: int,
    month: int | None,
    county: str | None,
    today: date,
    outreach_day: date,
    working_age: tuple[int, int],
    wage: LocalWage | None,
) -> Export:
    """The report workbook of ``year`` (and ``month``) within ``county`` (None: all the caller
    sees), as ``caller`` may see it; audited (``export``, entity ``progress_report``).

    The figures are counted as of ``today``; the employers below the quota are those of
    ``outreach_day`` (the real day: staff counts and the quota are kept for today only, as
    ``GET /api/quota/outreach`` answers them)."""
    code = report_county(caller, county)  # a county out of scope fails before anything is read
    content = progress_content(
        session, caller, year, month, code, today=today, working_age=working_age
    )
    outreach = None
    note = None
    if caller.may_act(Act.OUTREACH):
        rows = outreach_list(
            session,
            caller,
            snapshot,
            model,
            county=outreach_county(caller, code),
            wage=wage,
            today=outreach_day,
        )
        outreach = without_persons(rows)
    else:
        note = "（您的角色不查看按比例就业名单，此表为空）"
    label = model.label if snapshot is not None else "none"
    about = ReportAbout(caller.username, today, outreach_day, label, wage, note)
    content_bytes = report_workbook(content, report_charts(content), outreach, about)
    append_audit(
        session,
        actor=caller.username,
        action="export",
        entity="progress_report",
        entity_id=code or "all",
        detail={"format": "xlsx", "year": year, "month": month, "employers": len(outreach or [])},
    )
    period = f"{year}-{month:02d}" if month else f"{year}"
    return Export(f"progress-report-{code or 'all'}-{period}.xlsx", content_bytes)
