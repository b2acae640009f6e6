"""Per-snapshot dictionaries for what a recommendation shows beside its scores: who is in the
snapshot and their county, each vacancy's title, employer, accommodations and wanted skills,
each person's latest accommodation needs and skills, the open courses that teach each skill.
Built once per snapshot, so a request looks rows up instead of filtering and joining whole
tables on every request (experiments/serving.md). The serving snapshot
(``serving.runtime.snapshot.ServingSnapshot``) holds them beside the context they come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from features.context import FeatureContext


@dataclass(frozen=True)
class VacancyDetail:
    title: str
    employer: str
    offered: list[str]
    wanted: list[str]  # skills asked for


@dataclass(frozen=True)
class CourseBrief:
    course_id: int
    title: str
    base: str
    county: str  # the base's county code
    next_intake: date | None
    skills: list[str]  # taught


@dataclass(frozen=True)
class Lookups:
    person_ids: frozenset[int]
    person_counties: dict[int, str]
    vacancies: dict[int, VacancyDetail]
    accommodations_needed: dict[int, list[str]]  # of every assessed person, from the latest
    skills_held: dict[int, list[str]]  # of every assessed person, from the latest
    courses_teaching: dict[str, list[CourseBrief]]  # open courses by skill taught, by id

    @classmethod
    def of(cls, context: FeatureContext) -> Lookups:
        snapshot = context.snapshot
        return cls(
            person_ids=frozenset(snapshot.persons["id"].to_list()),
            person_counties=dict(
                zip(
                    snapshot.persons["id"].to_list(),
                    snapshot.persons["county"].to_list(),
                    strict=True,
                )
            ),
            vacancies=_vacancy_details(snapshot.vacancies, snapshot.employers),
            accommodations_needed=_latest(snapshot.assessments, "accommodations_needed"),
            skills_held=_latest(snapshot.assessments, "skills"),
            courses_teaching=_courses_teaching(snapshot.courses, snapshot.bases),
        )


def _vacancy_details(vacancies: pl.DataFrame, employers: pl.DataFrame) -> dict[int, VacancyDetail]:
    names = dict(zip(employers["id"].to_list(), employers["name"].to_list(), strict=True))
    rows = zip(
        vacancies["id"].to_list(),
        vacancies["title"].to_list(),
        vacancies["employer_id"].to_list(),
        vacancies["accommodations_offered"].to_list(),
        vacancies["skills_wanted"].to_list(),
        strict=True,
    )
    return {
        vacancy_id: VacancyDetail(
            title, names.get(employer_id, ""), _strings(offered), _strings(wanted)
        )
        for vacancy_id, title, employer_id, offered, wanted in rows
    }


def _latest(assessments: pl.DataFrame, column: str) -> dict[int, list[str]]:
    """A list column of each person's latest assessment (by ``assessed_on``; the last row read
    wins a tie, as a stable sort would)."""
    latest = assessments.select("person_id", "assessed_on", column).sort(
        "assessed_on", maintain_order=True
    )
    return dict(
        zip(
            latest["person_id"].to_list(),
            (_strings(values) for values in latest[column].to_list()),
            strict=True,
        )
    )


def _courses_teaching(courses: pl.DataFrame, bases: pl.DataFrame) -> dict[str, list[CourseBrief]]:
    base_of = {
        row["id"]: (row["name"], row["county"])
        for row in bases.select("id", "name", "county").iter_rows(named=True)
    }
    teaching: dict[str, list[CourseBrief]] = {}
    open_courses = courses.filter(pl.col("status") == "open").sort("id")
    for row in open_courses.iter_rows(named=True):
        base, county = base_of.get(row["base_id"], ("", ""))
        brief = CourseBrief(
            row["id"], row["title"], base, county, row["next_intake"], _strings(row["skills"])
        )
        for skill in brief.skills:
            teaching.setdefault(skill, []).append(brief)
    return teaching


def _strings(values: Any) -> list[str]:
    return [str(value) for value in values] if values is not None else []
