"""What the fair routes answer: documented error statuses, the Excel response, and the answer
models built from domain data (``matching.fair_plans``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import time
from typing import Any

from fastapi.responses import Response

from matching import codes
from matching.fair_plans import (
    CANDIDATE_STATUSES,
    XLSX_MEDIA_TYPE,
    Day,
    Export,
    PrematchResult,
    Registration,
)
from matching.storage import Fair
from serving.api.schemas.common import STATUS_TEXT, binary_responses, error_responses
from serving.api.schemas.fairs import (
    FairOut,
    PrematchIn,
    PrematchOut,
    PrematchSummary,
    RegistrationAnswer,
)
from serving.services.fair_prematch import CapacityRule

NOT_READY_ZH = "预匹配服务尚未就绪：推荐数据或岗位模型尚未载入，请稍后重试"
TEXTS = {
    **STATUS_TEXT,
    400: "the body cannot be parsed (not JSON or not UTF-8)",
    503: "no snapshot or jobs model loaded yet; retry shortly",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: its error statuses with their body models."""
    return error_responses(*statuses, texts=TEXTS)


XLSX_RESPONSES = binary_responses(
    XLSX_MEDIA_TYPE, "an Excel workbook (.xlsx): 候选人安排, 企业面试名单, 对比", TEXTS
)


class XlsxResponse(Response):
    media_type = XLSX_MEDIA_TYPE


def xlsx(export: Export) -> XlsxResponse:
    return XlsxResponse(
        export.content,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


def fair_out(fair: Fair) -> FairOut:
    return FairOut(
        id=fair.id,
        name=fair.name,
        held_on=fair.held_on,
        venue=fair.venue,
        county=fair.county,
        county_zh=codes.COUNTIES.label(fair.county) if fair.county in codes.COUNTIES else "",
        venue_accessibility=list(fair.venue_accessibility),
        online=fair.online,
        created_at=fair.created_at,
    )


def day_of(settings: PrematchIn) -> tuple[Day, CapacityRule | None]:
    """The domain's day and capacity rule from the request."""
    hour, minute = (int(part) for part in settings.start.split(":"))
    day = Day(
        max_booths=settings.max_booths,
        slots=settings.slots,
        slot_minutes=settings.slot_minutes,
        start=time(hour, minute),
        interviewers=settings.interviewers,
        naive_seed=settings.naive_seed,
    )
    given = settings.capacity_rule
    rule = None if given is None else CapacityRule(given.per_opening, given.minimum, given.maximum)
    return day, rule


def summary(result: PrematchResult) -> PrematchSummary:
    return PrematchSummary(
        computed_at=result.computed_at,
        model_version=result.model_version,
        degraded=result.degraded,
        eligible_pairs=result.eligible_pairs,
        lp_bound=result.lp_bound,
        no_eligible_share=result.no_eligible_share,
        ways=[{**asdict(way), "label": way.label} for way in result.ways],
    )


def prematch_out(result: PrematchResult, page: int, page_size: int) -> PrematchOut:
    """One page of each list (the same page number and size for both)."""
    start = (page - 1) * page_size
    return PrematchOut(
        **summary(result).model_dump(),
        fair_id=result.fair_id,
        computed_by=result.computed_by,
        calibration=asdict(result.calibration),
        parameters=result.parameters,
        page=page,
        page_size=page_size,
        candidates_total=len(result.candidates),
        vacancies_total=len(result.vacancies),
        candidates=[
            {**asdict(c), "status_zh": CANDIDATE_STATUSES.get(c.status, c.status)}
            for c in result.candidates[start : start + page_size]
        ],
        vacancies=[asdict(v) for v in result.vacancies[start : start + page_size]],
    )


def registration_answer(done: Registration) -> RegistrationAnswer:
    return RegistrationAnswer(
        total=done.total,
        registered=done.registered,
        already_registered=done.already_registered,
        rejected=done.rejected,
        rejects=[asdict(reject) for reject in done.rejects],
        rejects_truncated=done.rejects_truncated,
    )
