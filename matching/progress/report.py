"""``progress_report``: every measure of the plan for one period and scope, as one object.

The API, and later the pages and the Excel report, all call this function, so the numbers they
show are the same object (``ProgressReport.to_dict`` is its JSON). Who sees what:

- roles with ``Act.PROGRESS`` get the figures; ``county`` None means every county the caller
  sees: the city for city-wide users, **their own county** for county users (counselors, case
  workers), who never get city-wide figures; another county is answered as not found (404);
- a figure links to the list of persons it counts (``records``) only for roles that may also
  read persons (``Act.READ``): analysts get aggregates only; the training-base list names no
  person and is linked for everyone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import Enum
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, true
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.codes import COUNTIES
from matching.errors import ForbiddenError, NotFoundError, ValidationError
from matching.progress.counting import (
    BREAKDOWNS,
    Figure,
    Pace,
    counted,
    figure_of,
    group_of,
    pace_of,
)
from matching.progress.definitions import MEASURES, Measure, Reason, Shape, Unit
from matching.progress.measures import Entry, Scope, entries
from matching.progress.periods import Period
from matching.progress.targets import DEFAULT_PLAN, PLAN_COUNTIES, PlanTargets, TargetLine

__all__ = [
    "RECORDS_PATH",
    "GroupProgress",
    "MeasureProgress",
    "ProgressReport",
    "check_breakdown",
    "progress_report",
    "report_county",
]

RECORDS_PATH = "/api/progress/records"
PLAN_NOTE = (
    "The plan's counts are for 2022–2024 and are read as yearly rates carried forward after "
    "the plan ended; county lines are the city's times the county's population share "
    "(assumptions, docs/progress.md)."
)
PLAN_NOTE_ZH = (
    "实施方案的数量目标针对2022—2024年，按年平均作为各年参照（方案期结束后沿用）；"
    "各县（市、区）目标按人口比例分解（假设，见docs/progress.md）。"
)


@dataclass(frozen=True, slots=True)
class GroupProgress:
    group: str
    label_zh: str
    month: Figure | None
    year_to_date: Figure
    link: str | None


@dataclass(frozen=True, slots=True)
class MeasureProgress:
    """One measure: the month's figure (when a month was asked for), the year to date, the
    target line and the pace; states (rates, the base register) have the same figure for both."""

    key: str
    name_zh: str
    name: str
    unit: Unit
    rule_zh: str
    month: Figure | None
    year_to_date: Figure
    target: TargetLine | None
    target_reason: Reason | None
    pace: Pace | None
    month_link: str | None
    link: str | None
    groups: list[GroupProgress] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProgressReport:
    year: int
    month: int | None
    county: str | None
    county_zh: str
    today: date
    period_start: date
    period_end: date
    through: date
    complete: bool
    breakdown: str | None
    working_age: tuple[int, int]
    plan_note: str
    plan_note_zh: str
    measures: list[MeasureProgress]

    def measure(self, key: str) -> MeasureProgress:
        return next(m for m in self.measures if m.key == key)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: dates as ISO text, enums as their values."""
        return _plain(asdict(self))  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def report_county(caller: Caller, county: str | None) -> str | None:
    """The county a report covers: ``county`` parsed and in scope; None for the whole city."""
    caller.require_act(Act.PROGRESS)
    if county is None or not county.strip():
        if caller.city_wide:
            return None
        if caller.county is None:
            raise ForbiddenError(
                "your account has no county, so it has no figures to see",
                "您的账号未指定县（市、区），无可查看的统计",
            )
        return caller.county
    code = COUNTIES.parse(county)
    if not caller.sees_county(code):
        raise NotFoundError(
            f"county {code} not found among your counties",
            f"未找到{COUNTIES.label(code)}的统计，或该县（市、区）不在您的辖区内",
        )
    return code


def check_breakdown(breakdown: str | None) -> str | None:
    if breakdown is None or breakdown in BREAKDOWNS:
        return breakdown
    raise ValidationError(
        "unknown_breakdown",
        f"unknown breakdown {breakdown!r}; allowed: {', '.join(BREAKDOWNS)}",
        "分组方式无效，可选：county（县区）、category（残疾类别）、level（残疾等级）、sex（性别）、"
        "hukou（城乡）",
        field="breakdown",
    )


def progress_report(
    source: Session | Engine,
    caller: Caller,
    year: int,
    month: int | None = None,
    county: str | None = None,
    *,
    breakdown: str | None = None,
    today: date | None = None,
    working_age: tuple[int, int] = (16, 59),
    plan: PlanTargets = DEFAULT_PLAN,
) -> ProgressReport:
    """The plan's measures for ``year`` (and ``month``) within ``county`` (None: all the caller
    sees), optionally broken down by one of ``BREAKDOWNS``; ``working_age`` is the settings'
    (``working_age_min``, ``working_age_max``)."""
    code = report_county(caller, county)
    check_breakdown(breakdown)
    period = Period(year, month, today or date.today())
    if isinstance(source, Engine):
        with Session(source) as session:
            return _report(session, caller, period, code, breakdown, working_age, plan)
    return _report(source, caller, period, code, breakdown, working_age, plan)


def _report(
    session: Session,
    caller: Caller,
    period: Period,
    county: str | None,
    breakdown: str | None,
    working_age: tuple[int, int],
    plan: PlanTargets,
) -> ProgressReport:
    scope = Scope(county, true(), working_age)
    links = caller.may_act(Act.READ)
    measures = [
        _measure(session, measure, period, scope, breakdown, plan, links or not measure.personal)
        for measure in MEASURES.values()
    ]
    return ProgressReport(
        year=period.year,
        month=period.month,
        county=county,
        county_zh=COUNTIES.label(county) if county else "全市",
        today=period.today,
        period_start=period.start,
        period_end=period.end,
        through=period.through,
        complete=period.complete,
        breakdown=breakdown,
        working_age=working_age,
        plan_note=PLAN_NOTE,
        plan_note_zh=PLAN_NOTE_ZH,
        measures=measures,
    )


def _measure(
    session: Session,
    measure: Measure,
    period: Period,
    scope: Scope,
    breakdown: str | None,
    plan: PlanTargets,
    linked: bool,
) -> MeasureProgress:
    found = entries(session, measure.key, period, scope)
    counties = [scope.county] if scope.county else PLAN_COUNTIES
    link = _Links(measure.key, period, scope.county) if linked else None
    if isinstance(found, Reason):
        month = Figure(None, reason=found) if period.month else None
        ytd = Figure(None, reason=found)
        groups: list[GroupProgress] = []
    else:
        month, ytd = _figures(measure, found, period, counties)
        groups = _groups(measure, found, period, breakdown, scope, link)
    line = plan.line(measure.key, period.year, scope.county)
    target = line if isinstance(line, TargetLine) else None
    return MeasureProgress(
        key=measure.key,
        name_zh=measure.name_zh,
        name=measure.name,
        unit=measure.unit,
        rule_zh=measure.rule_zh,
        month=month,
        year_to_date=ytd,
        target=target,
        target_reason=line if isinstance(line, Reason) else None,
        pace=pace_of(measure, ytd, target, period) if target else None,
        month_link=link.url(to_date=False) if link and period.month else None,
        link=link.url(to_date=True) if link else None,
        groups=groups,
    )


def _figures(
    measure: Measure, rows: list[Entry], period: Period, counties: list[str] | tuple[str, ...]
) -> tuple[Figure | None, Figure]:
    ytd = figure_of(measure, counted(measure, rows, period.year_start, period.through), counties)
    if not period.month:
        return None, ytd
    if measure.shape is not Shape.FLOW:
        return ytd, ytd
    return figure_of(measure, counted(measure, rows, period.start, period.through)), ytd


def _groups(
    measure: Measure,
    rows: list[Entry],
    period: Period,
    breakdown: str | None,
    scope: Scope,
    link: _Links | None,
) -> list[GroupProgress]:
    if breakdown is None:
        return []
    names = BREAKDOWNS[breakdown]
    codes = [scope.county] if breakdown == "county" and scope.county else list(names.codes)
    found = []
    for code in codes:
        if measure.shape is Shape.REGISTER and breakdown != "county":
            reason = Reason(
                "not_personal",
                f"training bases have no {breakdown}: only the county breakdown applies",
                "培训基地不是人员，只能按县（市、区）分组",
            )
            month = Figure(None, reason=reason) if period.month else None
            found.append(
                GroupProgress(code, names.label(code), month, Figure(None, reason=reason), None)
            )
            continue
        mine = [row for row in rows if group_of(row, breakdown) == code]
        month, ytd = _figures(measure, mine, period, [code])
        url = link.url(to_date=True, breakdown=breakdown, group=code) if link else None
        found.append(GroupProgress(code, names.label(code), month, ytd, url))
    return found


@dataclass(frozen=True, slots=True)
class _Links:
    measure: str
    period: Period
    county: str | None

    def url(self, *, to_date: bool, breakdown: str | None = None, group: str | None = None) -> str:
        query: dict[str, str | int] = {"measure": self.measure, "year": self.period.year}
        if self.period.month:
            query["month"] = self.period.month
            if to_date:
                query["to_date"] = "true"
        if self.county:
            query["county"] = self.county
        if breakdown and group:
            query |= {"breakdown": breakdown, "group": group}
        return f"{RECORDS_PATH}?{urlencode(query)}"
