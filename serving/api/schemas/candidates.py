"""The API shape of a vacancy's candidates (点对点推荐), apart from the lines the service builds."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from serving.services.vacancy_candidates import CandidateLine


class CandidateItem(BaseModel):
    rank: int = Field(description="1 = fits best; 推荐 records it as the referral's shown_rank")
    person_id: int
    name: str
    id_number_masked: str
    age: int | None
    county: str = Field(description="county code of the person's registration")
    is_graduate: bool
    score: float = Field(description="the served jobs ranker's score; higher fits better")
    reasons: list[str] = Field(description="why the person fits, from the employer's side")
    cautions: list[str]
    statements: list[str] = Field(description="assessed gaps and what the employer offers")
    referred: bool = Field(description="already referred to this vacancy (any source)")


class VacancyCandidates(BaseModel):
    vacancy_id: int
    code: str
    title: str
    employer: str
    county: str
    openings: int
    deadline: date | None
    model_version: str = Field(description="the jobs model's label; 推荐 records it")
    degraded: bool = Field(description="no model loaded: ranked by the rule")
    seekers: int = Field(description="persons seeking work (求职中) you reach")
    eligible: int = Field(description="of them, those the hard rules let take the vacancy")
    k: int
    items: list[CandidateItem]


def candidate_item(rank: int, line: CandidateLine, referred: bool) -> CandidateItem:
    return CandidateItem(
        rank=rank,
        person_id=line.person_id,
        name=line.name,
        id_number_masked=line.id_number_masked,
        age=line.age,
        county=line.county,
        is_graduate=line.is_graduate,
        score=round(line.score, 6),
        reasons=line.reasons,
        cautions=line.cautions,
        statements=line.statements,
        referred=referred,
    )
