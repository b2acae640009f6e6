"""Only an assessed incapacity excludes a job (issue 19 §4): the typical scores of a person's
disability category and level inform the ranking of a person never assessed, never exclude."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from features.candidates import INCAPACITY
from features.exclusion import rule_check
from features.request import person_row
from features.schema import DIMENSIONS
from features.vacancy import ACCOMMODATION_BOOST_POINTS
from tests.api_models import city_context, city_snapshot

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def _worst_typical_gaps(person: pl.DataFrame) -> pl.DataFrame:
    """Open vacancies with the person's worst gap by the scores the ranking reads."""
    table = city_context().open_vacancy_table.frame
    gaps = [
        (
            person[f"_score_{d}"][0]
            + ACCOMMODATION_BOOST_POINTS * pl.col(f"_closes_{d}")
            - pl.col(f"v_demand_{d}")
        ).alias(d)
        for d in DIMENSIONS
    ]
    return table.select("vacancy_id", worst=pl.min_horizontal(gaps)).sort("worst")


def _people(assessed: bool) -> list[int]:
    context = city_context()
    known = context.snapshot.assessments["person_id"].unique().implode()
    found = context.persons.filter(pl.col("id").is_in(known) == assessed)
    return found["id"].head(60).to_list()


def test_the_typical_scores_never_exclude_a_person_never_assessed() -> None:
    checked = 0
    for person_id in _people(assessed=False):
        person, _moment = person_row(city_snapshot().frames, person_id, NOW)
        assert person[[f"p_{d}" for d in DIMENSIONS]].null_count().sum_horizontal()[0] == len(
            DIMENSIONS
        )
        low = _worst_typical_gaps(person).filter(pl.col("worst") <= INCAPACITY)
        for vacancy_id in low["vacancy_id"].head(5).to_list():
            check = rule_check(city_context(), person, vacancy_id)
            assert check is not None and check.able and not check.incapacities
            checked += 1
    assert checked > 0, "no unassessed person of the test city has a typical incapacity"


def test_an_assessed_incapacity_still_excludes() -> None:
    for person_id in _people(assessed=True):
        person, _moment = person_row(city_snapshot().frames, person_id, NOW)
        if person[[f"p_{d}" for d in DIMENSIONS]].null_count().sum_horizontal()[0]:
            continue
        low = _worst_typical_gaps(person).filter(pl.col("worst") <= INCAPACITY)
        if low.height:
            check = rule_check(city_context(), person, int(low["vacancy_id"][0]))
            assert check is not None and not check.able and check.incapacities
            return
    raise AssertionError("no assessed person of the test city has an incapacity")


def test_the_answer_says_the_assessment_is_missing() -> None:
    from serving.runtime.models import ServedModel
    from serving.services.recommend import recommend_jobs

    rule = ServedModel("jobs", "rule", None, None)
    unassessed, assessed = _people(assessed=False)[0], _people(assessed=True)[0]
    assert not recommend_jobs(city_snapshot(), rule, unassessed, NOW).assessed
    assert recommend_jobs(city_snapshot(), rule, assessed, NOW).assessed
