"""Per-snapshot dictionaries for what a recommendation shows beside its scores: who is in the
snapshot, each vacancy's title, employer and accommodations, each person's latest
accommodation needs. Built once per snapshot, so a request looks rows up instead of filtering
and joining whole tables on every request (experiments/serving.md). The serving snapshot
(``serving.runtime.snapshot.ServingSnapshot``) holds them beside the context they come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from features.context import FeatureContext


@dataclass(frozen=True)
class VacancyDetail:
    title: str
    employer: str
    offered: list[str]


@dataclass(frozen=True)
class Lookups:
    person_ids: frozenset[int]
    vacancies: dict[int, VacancyDetail]
    accommodations_needed: dict[int, list[str]]  # of every assessed person, from the latest

    @classmethod
    def of(cls, context: FeatureContext) -> Lookups:
        snapshot = context.snapshot
        return cls(
            person_ids=frozenset(snapshot.persons["id"].to_list()),
            vacancies=_vacancy_details(snapshot.vacancies, snapshot.employers),
            accommodations_needed=_latest_needs(snapshot.assessments),
        )


def _vacancy_details(vacancies: pl.DataFrame, employers: pl.DataFrame) -> dict[int, VacancyDetail]:
    names = dict(zip(employers["id"].to_list(), employers["name"].to_list(), strict=True))
    rows = zip(
        vacancies["id"].to_list(),
        vacancies["title"].to_list(),
        vacancies["employer_id"].to_list(),
        vacancies["accommodations_offered"].to_list(),
        strict=True,
    )
    return {
        vacancy_id: VacancyDetail(title, names.get(employer_id, ""), _strings(offered))
        for vacancy_id, title, employer_id, offered in rows
    }


def _latest_needs(assessments: pl.DataFrame) -> dict[int, list[str]]:
    """The accommodations of each person's latest assessment (by ``assessed_on``; the last row
    read wins a tie, as a stable sort would)."""
    latest = assessments.select("person_id", "assessed_on", "accommodations_needed").sort(
        "assessed_on", maintain_order=True
    )
    return dict(
        zip(
            latest["person_id"].to_list(),
            (_strings(needed) for needed in latest["accommodations_needed"].to_list()),
            strict=True,
        )
    )


def _strings(values: Any) -> list[str]:
    return [str(value) for value in values] if values is not None else []
