"""Everything features read, prepared once per snapshot: static tables sorted by their key and
dated histories indexed for point-in-time lookups (see ``features.histories``)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from features.course import course_table
from features.histories import course_history, employer_history, person_history, vacancy_history
from features.person import assessment_table, person_table, typical_scores
from features.sources import Snapshot
from features.tables import History, Keyed
from features.vacancy import OPEN_ROW, candidate_vacancies, vacancy_table
from features.vocabularies import Vocabularies


@dataclass(frozen=True)
class FeatureContext:
    """What every feature function reads, built once per snapshot by ``from_snapshot`` (off the
    request path; its cost is in experiments/features.md), so that one person's request only
    looks rows up. The frames requests build on (``features.request.RequestFrames``) are kept
    by whoever serves them."""

    persons: pl.DataFrame  # as read, for callers choosing whom to ask about
    person_table: Keyed  # person_table by id
    assessments: History  # assessment_table by person, as of the moment each became known
    person_history: History
    vacancies: Keyed  # vacancy_table by vacancy_id
    vacancy_history: History
    employer_history: History
    courses: pl.DataFrame
    course_history: History
    open_vacancies: pl.DataFrame  # candidate_vacancies: the open ones, as candidates read them
    open_vacancy_table: Keyed  # the same by their ``_open_row``
    typical_scores: pl.DataFrame
    sets: Vocabularies  # the names in sets of skills, work modes and accommodations, numbered
    snapshot: Snapshot

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> FeatureContext:
        persons = snapshot.persons.lazy()
        sets = Vocabularies.of(snapshot)
        vacancies = vacancy_table(
            snapshot.vacancies.lazy(), snapshot.employers.lazy(), sets
        ).collect()
        assessments = assessment_table(snapshot.assessments.lazy(), persons, sets).collect()
        typical = typical_scores(persons, snapshot.assessments.lazy()).collect()
        open_vacancies = candidate_vacancies(vacancies)
        return cls(
            persons=snapshot.persons,
            person_table=Keyed.of(person_table(persons, typical.lazy(), sets).collect(), "id"),
            assessments=History.of(assessments, "person_id", at="known_at"),
            person_history=History.of(person_history(snapshot).collect(), "person_id"),
            vacancies=Keyed.of(vacancies, "vacancy_id"),
            vacancy_history=History.of(vacancy_history(snapshot).collect(), "vacancy_id"),
            employer_history=History.of(employer_history(snapshot).collect(), "employer_id"),
            courses=course_table(snapshot.courses.lazy(), snapshot.bases.lazy()).collect(),
            course_history=History.of(course_history(snapshot).collect(), "course_id"),
            open_vacancies=open_vacancies,
            open_vacancy_table=Keyed.of(open_vacancies, OPEN_ROW),
            typical_scores=typical,
            sets=sets,
            snapshot=snapshot,
        )
