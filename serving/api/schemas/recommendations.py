"""The API shapes of the recommendation routes, kept apart from the lines the rankers build."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from matching.codes import COUNTIES
from serving.services.recommend import JobLine
from serving.services.recommend_courses import CourseLine
from serving.services.recommend_next import NearbyVacancy, NextStep, StepKind
from serving.services.skill_courses import SkillCourse
from serving.services.why_not import Rule as WhyRule
from serving.services.why_not import Verdict as WhyVerdict
from serving.services.why_not import WhyNot


class JobItem(BaseModel):
    vacancy_id: int
    title: str
    employer: str
    score: float
    reasons: list[str]
    cautions: list[str]
    statements: list[str]
    congestion_note: str | None
    plain_rank: int = Field(
        description="the rank by the model's score alone; the served order also prices each "
        "vacancy's recent load against its openings, and a line it moved down says so"
    )


class CourseItem(BaseModel):
    course_id: int
    title: str
    training_base: str
    county: str = Field(description="the training base's county, in Chinese")
    next_intake: date | None
    score: float
    reasons: list[str]
    cautions: list[str]
    statements: list[str] = Field(description="ability gaps and accommodations to arrange")
    congestion_note: str | None = Field(description="referrals so far against places per intake")


class NearbyVacancyItem(BaseModel):
    vacancy_id: int
    title: str
    employer: str
    county: str
    distance_km: float | None


class NextStepItem(BaseModel):
    kind: StepKind = Field(
        description="training first, then auxiliary employment (辅助性就业), then public-welfare "
        "posts (公益性岗位)"
    )
    advice_zh: str
    courses: list[CourseItem]
    vacancies: list[NearbyVacancyItem]


class SkillCourseItem(BaseModel):
    course_id: int
    title: str
    training_base: str
    county: str = Field(description="the training base's county, in Chinese")
    next_intake: date | None
    skills: list[str] = Field(description="skills the listed vacancies ask for that it teaches")
    vacancy_ids: list[int] = Field(description="the listed vacancies that ask for them")
    advice_zh: str


class JobRecommendations(BaseModel):
    person_id: int
    model_version: str
    feature_set_version: str
    degraded: bool
    no_eligible_vacancy: bool
    message_zh: str | None
    assessment_missing: bool = Field(
        description="the person has no vocational assessment: typical scores of the category "
        "and level inform the ranking, never exclude a vacancy"
    )
    assessment_note_zh: str | None
    items: list[JobItem]
    next_steps: list[NextStepItem] = Field(
        description="filled only when no vacancy passes eligibility"
    )
    skill_courses: list[SkillCourseItem] = Field(
        description="open courses teaching skills that the listed vacancies ask for and the "
        "person's latest assessment does not list, most vacancies unlocked first"
    )


class CourseRecommendations(BaseModel):
    person_id: int
    model_version: str
    feature_set_version: str
    degraded: bool
    items: list[CourseItem]


def job_item(line: JobLine) -> JobItem:
    return JobItem(
        vacancy_id=line.vacancy_id,
        title=line.title,
        employer=line.employer,
        score=line.score,
        reasons=line.reasons,
        cautions=line.cautions,
        statements=line.statements,
        congestion_note=line.congestion,
        plain_rank=line.plain_rank,
    )


def skill_course_items(lines: list[JobLine], found: list[SkillCourse]) -> list[SkillCourseItem]:
    titles = {line.vacancy_id: line.title for line in lines}
    return [
        SkillCourseItem(
            course_id=item.course.course_id,
            title=item.course.title,
            training_base=item.course.base,
            county=COUNTIES.label(item.course.county) if item.course.county in COUNTIES else "",
            next_intake=item.course.next_intake,
            skills=item.skills,
            vacancy_ids=item.vacancies,
            advice_zh=item.advice(titles),
        )
        for item in found
    ]


def course_item(line: CourseLine) -> CourseItem:
    return CourseItem(
        course_id=line.course_id,
        title=line.title,
        training_base=line.base,
        county=line.county,
        next_intake=line.next_intake,
        score=line.score,
        reasons=line.reasons,
        cautions=line.cautions,
        statements=line.statements,
        congestion_note=line.congestion,
    )


def next_step_item(step: NextStep) -> NextStepItem:
    return NextStepItem(
        kind=step.kind,
        advice_zh=step.advice,
        courses=[course_item(line) for line in step.courses],
        vacancies=[_nearby(vacancy) for vacancy in step.vacancies],
    )


def _nearby(vacancy: NearbyVacancy) -> NearbyVacancyItem:
    return NearbyVacancyItem(
        vacancy_id=vacancy.vacancy_id,
        title=vacancy.title,
        employer=vacancy.employer,
        county=vacancy.county,
        distance_km=vacancy.distance_km,
    )


class WhyNotAnswer(BaseModel):
    """Why a vacancy is (not) on the person's list of ``shown`` lines."""

    person_id: int
    vacancy_id: int
    vacancy_code: str
    title: str
    employer: str
    model_version: str
    verdict: WhyVerdict = Field(
        description="not_open: not recruiting; excluded: a hard rule (see rules); "
        "not_preselected: passed the rules, cut by the pre-selection; ranked_low: a candidate "
        "ranked below the list; on_list: on the list"
    )
    summary_zh: str
    rules: list[WhyRule] = Field(description="the hard rules that exclude the vacancy")
    details_zh: list[str] = Field(description="one sentence per rule failed")
    rank: int | None = Field(description="its rank among the candidates, when it is one")
    candidates: int | None = Field(description="how many candidates were ranked")
    shown: int = Field(description="how many lines the list shows")
    held_down: list[str] = Field(description="features that pulled its score down")
    reasons: list[str]
    cautions: list[str]
    statements: list[str]


def why_not_answer(person_id: int, code: str, model_version: str, why: WhyNot) -> WhyNotAnswer:
    return WhyNotAnswer(
        person_id=person_id,
        vacancy_id=why.vacancy_id,
        vacancy_code=code,
        title=why.title,
        employer=why.employer,
        model_version=model_version,
        verdict=why.verdict,
        summary_zh=why.summary_zh,
        rules=why.rules,
        details_zh=why.details_zh,
        rank=why.rank,
        candidates=why.candidates,
        shown=why.shown,
        held_down=why.held_down,
        reasons=why.reasons,
        cautions=why.cautions,
        statements=why.statements,
    )
