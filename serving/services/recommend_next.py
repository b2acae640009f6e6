"""What to offer when no vacancy passes eligibility: training first (the courses ranker's best),
then auxiliary employment (辅助性就业) and public-welfare posts (公益性岗位), each with the open
vacancies of that channel the city has, the person's own county first, then the nearest.

The advice states options for the counselor to discuss; it never says a person cannot work or
should not be trained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import polars as pl

from features.context import FeatureContext
from features.geo import haversine_km
from matching import codes
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend_courses import CourseLine, recommend_courses

__all__ = [
    "NEXT_COURSES",
    "NEXT_VACANCIES",
    "NearbyVacancy",
    "NextStep",
    "StepKind",
    "next_steps",
]

StepKind = Literal["training", "auxiliary", "public_welfare"]

NEXT_COURSES = 3
NEXT_VACANCIES = 3
TRAINING_ZH = "建议先参加职业技能培训，提升就业能力后再推荐岗位。以下课程按适合程度排序："
NO_COURSE_ZH = "建议先参加职业技能培训；目前没有正在招生的课程，请关注各培训基地的开班通知。"
# (vacancy channel, advice); both channels exist in ``codes.VACANCY_CHANNELS``.
OPTIONS: tuple[tuple[StepKind, str], ...] = (
    (
        "auxiliary",
        "可考虑辅助性就业：在如康家园等辅助性就业机构从事力所能及的劳动，"
        "有专人辅导，工作时间和强度较灵活。",
    ),
    (
        "public_welfare",
        "可考虑公益性岗位：由政府开发、用于托底安置就业困难人员（如保洁、保绿、公共设施看护），"
        "可向户籍所在地人社部门或残联申请。",
    ),
)
SOME_OPEN_ZH = "本市现有在招的{label}{count}个，离本人较近的如下。"
NONE_OPEN_ZH = "本市目前没有在招的{label}，可向县（市、区）残联登记意向，有岗位时优先联系。"


@dataclass(frozen=True)
class NearbyVacancy:
    vacancy_id: int
    title: str
    employer: str
    county: str  # in Chinese
    distance_km: float | None


@dataclass(frozen=True)
class NextStep:
    kind: StepKind  # "training" or a vacancy channel code
    advice: str
    courses: list[CourseLine] = field(default_factory=list)
    vacancies: list[NearbyVacancy] = field(default_factory=list)


def next_steps(
    snapshot: ServingSnapshot, courses_model: ServedModel, person_id: int, at: datetime
) -> list[NextStep]:
    """Training, then auxiliary employment, then public-welfare posts, in that order."""
    courses = recommend_courses(snapshot, courses_model, person_id, at, NEXT_COURSES).lines
    context = snapshot.context
    steps = [NextStep("training", TRAINING_ZH if courses else NO_COURSE_ZH, courses=courses)]
    person = context.snapshot.persons.filter(pl.col("id") == person_id)
    for channel, advice in OPTIONS:
        label = codes.VACANCY_CHANNELS.label(channel)
        label += "" if label.endswith("岗位") else "岗位"
        count, nearby = _open_vacancies(context, person, channel, at)
        found = SOME_OPEN_ZH if count else NONE_OPEN_ZH
        steps.append(
            NextStep(channel, advice + found.format(label=label, count=count), vacancies=nearby)
        )
    return steps


def _open_vacancies(
    context: FeatureContext, person: pl.DataFrame, channel: str, at: datetime
) -> tuple[int, list[NearbyVacancy]]:
    """How many vacancies of ``channel`` are open at ``at``, and the nearest few."""
    day = at.date()
    snapshot = context.snapshot
    open_now = snapshot.vacancies.filter(
        (pl.col("channel") == channel)
        & (pl.col("status") == "open")
        & (pl.col("opened_on") <= day)
        & (pl.col("deadline").is_null() | (pl.col("deadline") >= day))
    )
    if open_now.height == 0:
        return 0, []
    county = person["county"][0] if person.height else None
    latitude = person["latitude"][0] if person.height else None
    longitude = person["longitude"][0] if person.height else None
    distance = (
        haversine_km(pl.lit(latitude), pl.lit(longitude), pl.col("latitude"), pl.col("longitude"))
        if latitude is not None and longitude is not None
        else pl.lit(None, pl.Float64)
    )
    nearest = (
        open_now.with_columns(distance=distance, elsewhere=pl.col("county") != pl.lit(county))
        .sort("elsewhere", "distance", "id", nulls_last=True)
        .head(NEXT_VACANCIES)
        .join(
            snapshot.employers.select(
                pl.col("id").alias("employer_id"), pl.col("name").alias("employer")
            ),
            on="employer_id",
            how="left",
            maintain_order="left",
        )
    )
    return open_now.height, [
        NearbyVacancy(
            vacancy_id=int(row["id"]),
            title=row["title"],
            employer=row["employer"] or "",
            county=codes.COUNTIES.label(row["county"])
            if row["county"] in codes.COUNTIES.codes
            else str(row["county"] or ""),
            distance_km=round(float(row["distance"]), 1) if row["distance"] is not None else None,
        )
        for row in nearest.iter_rows(named=True)
    ]
