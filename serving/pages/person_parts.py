"""What the person page shows beyond the record: the assessment drawn against what the person's
best vacancies typically demand (an inline SVG with the same figures as a table), the referrals
timeline with each referral's stages, and the link to the graduate's ledger.

The chart is drawn here as coordinates and drawn by the template with presentation attributes
only (the CSP forbids inline styles); the person's bars are solid, the demand's hatched, and
every bar carries its number, so nothing depends on colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.codes import ASSESSMENT_DIMENSIONS, SCORE_MAX
from matching.errors import UnavailableError
from matching.referral_flow import person_referrals, referral_view
from matching.storage import Assessment, GraduateLedger, Vacancy
from serving.api.recommending import Sources, job_answer
from serving.api.schemas.referrals import ReferralDetail, referral_detail

TIMELINE_SIZE = 20
TYPICAL_OF = 10  # the best vacancies whose demand is averaged
# The chart's geometry, in SVG user units.
LABEL_WIDTH = 150
BAR_SCALE = 90  # per score point
ROW = 34
BAR = 12
TOP = 10


@dataclass(frozen=True)
class ChartRow:
    label: str
    score: int
    demand: float | None
    y: float
    score_width: float
    demand_width: float | None


@dataclass(frozen=True)
class Chart:
    rows: list[ChartRow]
    width: int
    height: int
    label_x: int
    scale: list[tuple[int, float]]  # (score, x) of the scale's ticks
    has_demand: bool


def assessment_chart(assessment: Assessment, demand: dict[str, float] | None) -> Chart:
    rows = []
    for index, code in enumerate(ASSESSMENT_DIMENSIONS.codes):
        score = int(getattr(assessment, code))
        wanted = demand.get(code) if demand else None
        rows.append(
            ChartRow(
                label=ASSESSMENT_DIMENSIONS.label(code),
                score=score,
                demand=None if wanted is None else round(wanted, 1),
                y=TOP + index * ROW,
                score_width=max(score * BAR_SCALE, 2),
                demand_width=None if wanted is None else max(wanted * BAR_SCALE, 2),
            )
        )
    ticks = [(value, float(LABEL_WIDTH + value * BAR_SCALE)) for value in range(SCORE_MAX + 1)]
    return Chart(
        rows=rows,
        width=LABEL_WIDTH + SCORE_MAX * BAR_SCALE + 60,
        height=TOP + len(rows) * ROW + 24,
        label_x=LABEL_WIDTH - 8,
        scale=ticks,
        has_demand=demand is not None,
    )


def typical_demand(
    sources: Sources, session: Session, caller: Caller, person_id: int
) -> tuple[dict[str, float] | None, str | None]:
    """The mean demand per dimension of the person's best vacancies (the recommendations the
    API gives), or None and why not (no model or data loaded yet, no eligible vacancy)."""
    try:
        answer = job_answer(sources, caller, person_id, TYPICAL_OF)
    except UnavailableError as error:
        return None, error.message_zh
    ids = [item.vacancy_id for item in answer.items]
    if not ids:
        return None, "暂无符合条件的岗位，无法对比岗位要求。"
    vacancies = session.scalars(select(Vacancy).where(Vacancy.id.in_(ids))).all()
    return {
        code: fmean(float(getattr(v, f"demand_{code}")) for v in vacancies)
        for code in ASSESSMENT_DIMENSIONS.codes
    }, None


def referral_timeline(session: Session, person_id: int, caller: Caller) -> list[ReferralDetail]:
    """The person's latest referrals, newest first, each with its stages (oldest first)."""
    found = person_referrals(session, person_id, caller, page=1, page_size=TIMELINE_SIZE)
    return [referral_detail(referral_view(session, view.id, caller)) for view in found.items]


def ledger_of(session: Session, person_id: int) -> int | None:
    """The id of the person's 一人一策 ledger (graduates), if one is open."""
    return session.scalar(select(GraduateLedger.id).where(GraduateLedger.person_id == person_id))
