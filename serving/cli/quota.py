"""``jobmatch quota outreach``: employers below the 1.5% quota, best visit first, as a table, as
JSON lines (one per employer, the API's item shape) or as an Excel workbook with a letter per
employer. The command acts as an administrator (city-wide, persons shown, IDs masked); the
persons come from the served jobs ranker as the service would load it (champion, last good
model, rule ranking)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from matching.access import Caller
from matching.outreach import OutreachExport, OutreachRow, export_outreach, outreach_county
from matching.outreach.letters import number
from matching.settings import Settings
from matching.storage import make_engine, make_sessionmaker, upgrade_database
from serving.api.schemas.quota import employer_out
from serving.cli.settings import load_settings
from serving.runtime.models import bound_registry_waits
from serving.runtime.state import ServiceState
from serving.services.outreach import outreach_list, served_jobs_model

quota_app = typer.Typer(help="The employment quota (按比例安排残疾人就业).", no_args_is_help=True)


@quota_app.command("outreach")
def outreach_command(
    county: Annotated[
        str | None, typer.Option(help="County code or name (default: the whole city).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per employer.")] = False,
    out: Annotated[
        Path | None, typer.Option(help="Also write the Excel workbook with letters here.")
    ] = None,
    actor: Annotated[str, typer.Option(help="Who exports, for the audit log.")] = "cli",
) -> None:
    """Employers below the quota with gap, levy, open vacancies and fitting persons."""
    if out is not None and out.suffix.lower() != ".xlsx":
        typer.secho(f"error: --out must name an .xlsx file, got {out.name}", err=True)
        raise typer.Exit(2)
    caller = Caller.script(actor)
    code = outreach_county(caller, county)  # a wrong county fails before the data is read
    settings = load_settings()
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    state = served_state(engine, settings)
    wage = settings.local_average_wage
    today = date.today()
    model = served_jobs_model(state)
    try:
        with make_sessionmaker(engine).begin() as session:
            rows = outreach_list(
                session, caller, state.snapshot, model, county=code, wage=wage, today=today
            )
            if out is not None:
                label = model.label if state.snapshot is not None else "none"
                about = OutreachExport(code, label, wage, today, caller.username)
                out.write_bytes(export_outreach(session, caller, rows, about).content)
    finally:
        engine.dispose()
    if as_json:
        for row in rows:
            typer.echo(json.dumps(employer_out(row).model_dump(mode="json"), ensure_ascii=False))
    else:
        Console().print(outreach_table(rows))
    console = Console(stderr=True)
    if wage is None:
        console.print(
            "当地上年城镇职工年平均工资未设置（JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE），保障金未计算"
        )
    console.print(f"{len(rows)} 家单位未达比例；推荐模型 {model.label}")
    if out is not None:
        console.print(f"已写入 {out}")


def served_state(engine: Engine, settings: Settings) -> ServiceState:
    """The snapshot and models as ``jobmatch serve`` loads them (champion, last good model,
    rule ranking), for commands that rank persons."""
    state = ServiceState()
    bound_registry_waits()
    state.load(engine, settings.resolved_mlflow_tracking_uri, settings.data_dir)
    return state


def outreach_table(rows: list[OutreachRow]) -> Table:
    table = Table(title="未达1.5%比例的用人单位（按走访收益排序）", title_justify="left")
    for name in ("序号", "统一社会信用代码", "单位名称", "人数基数", "折算", "差额", "还需",
                 "招聘", "适合", "可安排", "应缴保障金", "可少缴"):  # fmt: skip
        table.add_column(
            name, justify="left" if name in ("统一社会信用代码", "单位名称") else "right"
        )
    for index, row in enumerate(rows, start=1):
        e = row.employer
        table.add_row(
            str(index), e.credit_code, e.name, str(e.quota_staff), str(e.weighted_disabled),
            number(e.status.gap), str(e.persons_needed), str(e.openings),
            "—" if row.fitting is None else str(row.fitting), str(row.placeable),
            "—" if e.levy is None else f"{e.levy.due:,.2f}",
            "—" if row.levy_saved is None else f"{row.levy_saved:,.2f}",
        )  # fmt: skip
    return table
