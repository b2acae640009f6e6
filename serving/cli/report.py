"""``jobmatch report annual|month``: the progress report as an Excel workbook — the plan's
measures against their targets and pace, by month and by group, the charts as images, and the
employers below the quota (no person named). The command acts as an administrator (city-wide;
``--county`` narrows it), like ``jobmatch quota outreach``; the export is audited."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from matching.access import Caller
from matching.progress.report import report_county
from matching.storage import make_engine, make_sessionmaker, upgrade_database
from serving.cli.quota import served_state
from serving.cli.settings import load_settings
from serving.reports.build import export_report
from serving.services.outreach import served_jobs_model

report_app = typer.Typer(help="Progress reports (Excel, with charts).", no_args_is_help=True)

Year = Annotated[int, typer.Option(help="Calendar year of the report.", min=2000, max=2100)]
Out = Annotated[Path, typer.Option(help="The workbook to write (.xlsx).")]
County = Annotated[str | None, typer.Option(help="County code or name (default: the whole city).")]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Count as if today were this day (YYYY-MM-DD); default today."),
]
Actor = Annotated[str, typer.Option(help="Who exports, for the audit log.")]


@report_app.command("annual")
def annual_command(
    year: Year, out: Out, county: County = None, as_of: AsOf = None, actor: Actor = "cli"
) -> None:
    """The year's report (a running year is counted to today; --as-of moves the counting day,
    the employers below the quota are always today's)."""
    write_report(year, None, out, county, as_of, actor)


@report_app.command("month")
def month_command(
    year: Year,
    month: Annotated[int, typer.Option(help="Month of the year (1–12).", min=1, max=12)],
    out: Out,
    county: County = None,
    as_of: AsOf = None,
    actor: Actor = "cli",
) -> None:
    """One month's report, with the year to its end."""
    write_report(year, month, out, county, as_of, actor)


def write_report(
    year: int, month: int | None, out: Path, county: str | None, as_of: str | None, actor: str
) -> None:
    if out.suffix.lower() != ".xlsx":
        typer.secho(f"error: --out must name an .xlsx file, got {out.name}", err=True)
        raise typer.Exit(2)
    today = _day(as_of)
    caller = Caller.script(actor)
    code = report_county(caller, county)  # a wrong county fails before the data is read
    settings = load_settings()
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade_database(engine)
        state = served_state(engine, settings)
        with make_sessionmaker(engine).begin() as session:
            export = export_report(
                session,
                caller,
                state.snapshot,
                served_jobs_model(state),
                year=year,
                month=month,
                county=code,
                today=today,
                outreach_day=datetime.now(UTC).date(),
                working_age=(settings.working_age_min, settings.working_age_max),
                wage=settings.local_average_wage,
            )
            out.write_bytes(export.content)
    finally:
        engine.dispose()
    Console(stderr=True).print(f"已写入 {out}")


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        typer.secho(f"error: --as-of must be a day YYYY-MM-DD, got {text!r}", err=True)
        raise typer.Exit(2) from None
