"""What a pre-match answers, as plain data: per candidate, per employer and both ways compared.

The result is stored as JSON (``to_json``/``from_json``) and read back for the JSON and Excel
answers. Person lines carry the masked ID number only. ``for_persons`` keeps the lines of the
persons a caller may see: a counselor never reads another county's candidates, while the fair's
aggregate figures (expected hires, queues, shares) stay those of the whole fair.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

CANDIDATE_STATUSES = {
    "scheduled": "已安排面试",
    "no_booth": "未分到展位",
    "venue": "会场无障碍条件不足",
    "no_eligible": "无符合条件的岗位",
    "no_data": "人员信息尚未载入",
}
WAY_LABELS = {
    "pre-matched": "预匹配（本系统）",
    "naive/arrival": "自由排队（先到先面）",
    "naive/best": "自由排队（展位择优面试）",
}


@dataclass(frozen=True)
class BoothVisit:
    """One booth on a candidate's plan; ``slot`` counts from 0, times are "HH:MM"."""

    vacancy_id: int
    booth: str | None
    title: str
    employer: str
    slot: int
    start: str
    end: str
    probability: float
    reasons: list[str]


@dataclass(frozen=True)
class CandidatePlan:
    person_id: int
    name: str
    id_number: str  # masked
    county: str
    status: str  # a key of CANDIDATE_STATUSES
    note: str | None
    booths: list[BoothVisit]


@dataclass(frozen=True)
class Interviewee:
    """One line of an employer's shortlist; ``interviewer`` counts from 1 within the booth."""

    person_id: int
    name: str
    id_number: str  # masked
    county: str
    slot: int
    start: str
    end: str
    interviewer: int
    probability: float


@dataclass(frozen=True)
class VacancyPlan:
    vacancy_id: int
    booth: str | None
    title: str
    employer: str
    county: str
    openings: int
    capacity: int  # interviews the booth holds in this pre-match
    interviewers: int
    eligible: int  # candidates who may be sent to it
    note: str | None
    shortlist: list[Interviewee]


@dataclass(frozen=True)
class WayFigures:
    way: str  # a key of WAY_LABELS
    expected_hires: float
    interviews: int
    largest_queue: int
    booths_over_capacity: int
    no_booth_share: float

    @property
    def label(self) -> str:
        return WAY_LABELS.get(self.way, self.way)


@dataclass(frozen=True)
class CalibrationInfo:
    """How ranker scores became probabilities (see ``serving.services.fair_calibration``)."""

    method: str
    rows: int
    hires: int
    fair_rows: int
    fair_hires: int
    slope: float
    intercept: float
    fair_offset: float


@dataclass(frozen=True)
class PrematchResult:
    fair_id: int
    computed_at: datetime
    computed_by: str
    model_version: str
    degraded: bool
    calibration: CalibrationInfo
    parameters: dict[str, Any]
    eligible_pairs: int
    lp_bound: float
    no_eligible_share: float
    ways: list[WayFigures]
    candidates: list[CandidatePlan] = field(default_factory=list)
    vacancies: list[VacancyPlan] = field(default_factory=list)

    @property
    def optimal(self) -> WayFigures:
        return self.ways[0]

    def for_persons(self, persons: Container[int]) -> PrematchResult:
        """Only the lines of ``persons`` (those a caller may see); aggregates unchanged."""
        return replace(
            self,
            candidates=[line for line in self.candidates if line.person_id in persons],
            vacancies=[
                replace(v, shortlist=[i for i in v.shortlist if i.person_id in persons])
                for v in self.vacancies
            ],
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["computed_at"] = self.computed_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PrematchResult:
        return cls(
            fair_id=data["fair_id"],
            computed_at=datetime.fromisoformat(data["computed_at"]),
            computed_by=data["computed_by"],
            model_version=data["model_version"],
            degraded=data["degraded"],
            calibration=CalibrationInfo(**data["calibration"]),
            parameters=data["parameters"],
            eligible_pairs=data["eligible_pairs"],
            lp_bound=data["lp_bound"],
            no_eligible_share=data["no_eligible_share"],
            ways=[WayFigures(**way) for way in data["ways"]],
            candidates=[
                CandidatePlan(**{**c, "booths": [BoothVisit(**b) for b in c["booths"]]})
                for c in data["candidates"]
            ],
            vacancies=[
                VacancyPlan(**{**v, "shortlist": [Interviewee(**i) for i in v["shortlist"]]})
                for v in data["vacancies"]
            ],
        )
