"""Everything features read, prepared once per snapshot (sorted histories, static tables)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from features.course import course_table
from features.histories import course_history, employer_history, person_history, vacancy_history
from features.person import known_assessments, typical_scores
from features.sources import Snapshot
from features.vacancy import open_vacancies, vacancy_table


@dataclass(frozen=True)
class FeatureContext:
    persons: pl.DataFrame
    assessments: pl.DataFrame
    person_history: pl.DataFrame
    vacancies: pl.DataFrame
    vacancy_history: pl.DataFrame
    employer_history: pl.DataFrame
    courses: pl.DataFrame
    course_history: pl.DataFrame
    open_vacancies: pl.DataFrame
    typical_scores: pl.DataFrame
    snapshot: Snapshot

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> FeatureContext:
        vacancies = vacancy_table(snapshot.vacancies.lazy(), snapshot.employers.lazy()).collect()
        return cls(
            persons=snapshot.persons,
            assessments=known_assessments(snapshot.assessments.lazy()).sort("known_at").collect(),
            person_history=person_history(snapshot).sort("at").collect(),
            vacancies=vacancies,
            vacancy_history=vacancy_history(snapshot).sort("at").collect(),
            employer_history=employer_history(snapshot).sort("at").collect(),
            courses=course_table(snapshot.courses.lazy(), snapshot.bases.lazy()).collect(),
            course_history=course_history(snapshot).sort("at").collect(),
            open_vacancies=open_vacancies(vacancies),
            typical_scores=typical_scores(
                snapshot.persons.lazy(), snapshot.assessments.lazy()
            ).collect(),
            snapshot=snapshot,
        )
