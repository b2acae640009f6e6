"""Progress against the plan under /api/progress: the figures, and the list behind each.

Roles with the ``progress`` act (admin, analyst, counselor, case worker) get the figures; county
users get their own county (no ``county``: theirs; another county: 404), never the whole city.
The lists of persons also need the ``read`` act, so analysts get aggregates only (403 for a
person list); the training-base list names no person. The routes call ``matching.progress``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching.access import ROLES_FOR, Act, Caller
from matching.pages import DEFAULT_PAGE_SIZE
from matching.progress import BREAKDOWNS, MEASURES, progress_records, progress_report
from matching.progress.periods import FIRST_YEAR, LAST_YEAR
from serving.api.deps import SessionsDep, SettingsDep
from serving.api.paging import PageNumber, PageSize
from serving.api.routers.records_common import County
from serving.api.schemas.common import OneOf, error_responses
from serving.api.schemas.progress import (
    ProgressOut,
    ProgressRecordOut,
    ProgressRecordsPage,
    ReasonOut,
)
from serving.api.security import require_roles

router = APIRouter(prefix="/progress", tags=["progress"])
Viewer = Annotated[Caller, Depends(require_roles(*ROLES_FOR[Act.PROGRESS]))]


def report_day() -> date:
    """Today, the day a running period is counted to (a dependency, so tests can fix it)."""
    return date.today()


Today = Annotated[date, Depends(report_day)]
Year = Annotated[
    int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="calendar year; default: this year")
]
Month = Annotated[int | None, Query(ge=1, le=12, description="a month of the year; none: the year")]
CountyQuery = Annotated[
    County | None, Query(description="county code; default: the city, or your own county")
]
Breakdown = Annotated[
    str | None,
    OneOf(tuple(BREAKDOWNS)),
    Query(description="split each figure by county, category, level, sex or hukou"),
]
Measure = Annotated[str, OneOf(tuple(MEASURES)), Query(description="the measure of the figure")]
Group = Annotated[
    str | None, Query(max_length=8, pattern=r"^[0-9A-Za-z-]+$", description="a breakdown group")
]
ERRORS = error_responses(401, 403, 404, 422)


@router.get("", response_model=ProgressOut, responses=ERRORS)
def progress(
    sessions: SessionsDep,
    settings: SettingsDep,
    caller: Viewer,
    today: Today,
    year: Year = None,
    month: Month = None,
    county: CountyQuery = None,
    breakdown: Breakdown = None,
) -> ProgressOut:
    """The plan's measures for the month (and the year to its end) or the year, each against its
    target and pace, with a link to the persons it counts for roles that may read them."""
    with sessions() as session:
        found = progress_report(
            session,
            caller,
            year or today.year,
            month,
            county,
            breakdown=breakdown,
            today=today,
            working_age=(settings.working_age_min, settings.working_age_max),
        )
    return ProgressOut.model_validate(found)


@router.get("/records", response_model=ProgressRecordsPage, responses=ERRORS)
def records(
    sessions: SessionsDep,
    settings: SettingsDep,
    caller: Viewer,
    today: Today,
    measure: Measure,
    year: Year = None,
    month: Month = None,
    county: CountyQuery = None,
    to_date: Annotated[bool, Query(description="with a month: January to its end")] = False,
    breakdown: Breakdown = None,
    group: Group = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
) -> ProgressRecordsPage:
    """The persons (or training bases) a figure counts, as its link names them; ID numbers
    masked. Person lists need the right to read persons (not analysts)."""
    with sessions() as session:
        found = progress_records(
            session,
            caller,
            measure=measure,
            year=year or today.year,
            month=month,
            county=county,
            to_date=to_date,
            breakdown=breakdown,
            group=group,
            today=today,
            working_age=(settings.working_age_min, settings.working_age_max),
            page=page,
            page_size=page_size,
        )
    return ProgressRecordsPage(
        total=found.page.total,
        page=found.page.page,
        page_size=found.page.page_size,
        reason=ReasonOut.model_validate(found.reason) if found.reason else None,
        items=[ProgressRecordOut.model_validate(row) for row in found.page.items],
    )
