"""The NumPy engine for one person's job request (``features.one_person``) gives the rows a batch
of queries gives (as training frames are made): the same candidates in the same order, the same
features bit for bit (and as the model's input matrix, the matrix of those rows); where it
does not model a value, the request takes the polars path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.candidates import job_candidates
from features.context import FeatureContext
from features.jobs import job_features, people_at
from features.one_person import IDS, OnePerson
from features.request import job_request, moment_of, polars_job_request
from features.schema import JOB_FEATURES
from features.sources import UTC_MICROS, snapshot_from_frames
from matching.synth.city import SCALES, build_city
from serving.recommend_core import matrix

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def city() -> dict[str, pl.DataFrame]:
    return build_city(21, SCALES["test"], date(2026, 11, 1)).frames


@pytest.fixture(scope="module")
def context(city: dict[str, pl.DataFrame]) -> FeatureContext:
    return FeatureContext.from_snapshot(snapshot_from_frames(city))


def batch(context: FeatureContext, persons: list[int], at: datetime) -> tuple[pl.DataFrame, ...]:
    """Candidates (best first) and features of several persons in one plan."""
    queries = pl.LazyFrame(
        {"query_id": persons, "person_id": persons, "at": [at] * len(persons)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    people = people_at(context, queries).collect().lazy()
    candidates = job_candidates(context, people).collect()
    rows = job_features(context, people, candidates.lazy().select("query_id", "vacancy_id"))
    return candidates, rows.collect()


@pytest.mark.parametrize("hours", [0, 5, 30, -200])
def test_the_engine_gives_a_batchs_candidates_and_features(
    context: FeatureContext, hours: int
) -> None:
    at = NOW + timedelta(hours=hours)
    persons = context.persons["id"].sample(60, seed=hours + 400).to_list()
    candidates, rows = batch(context, persons, at)
    moment = moment_of(context, at)
    engine = moment.one_person
    assert engine is not None
    unassessed = 0
    for person in persons:
        row = moment.rows[person]
        unassessed += moment.people.frame["p_assessed"][row] == 0
        mine = engine.job_request(row, person, pl.Series([at], dtype=UTC_MICROS), 800)
        assert mine is not None, person  # every person of the test city is modelled
        order = candidates.filter(pl.col("query_id") == person)["vacancy_id"]
        assert mine["vacancy_id"].equals(order), person
        theirs = rows.filter(pl.col("query_id") == person).sort("vacancy_id")
        assert_frame_equal(
            mine.sort("vacancy_id").drop("query_id"), theirs.drop("query_id"), check_exact=True
        )
        assert mine.equals(job_request(context, person, at)), person
        made = engine.job_matrix(row, person, pl.Series([at], dtype=UTC_MICROS), 800)
        assert made is not None
        ids, features = made
        assert ids.equals(mine.select(IDS))
        assert np.array_equal(features, matrix(mine, JOB_FEATURES.names), equal_nan=True)
        assert features.flags.c_contiguous
    assert unassessed > 0  # the null scores of persons never assessed are covered


def test_vacancies_with_values_it_does_not_model_take_the_polars_path(
    city: dict[str, pl.DataFrame],
) -> None:
    vacancies = city["vacancies"]
    first_open = vacancies.filter(pl.col("status") == "open")["id"][0]
    lacking = vacancies.with_columns(
        pl.when(pl.col("id") == first_open)
        .then(None)
        .otherwise(pl.col("hours_per_day"))
        .alias("hours_per_day")
    )
    context = FeatureContext.from_snapshot(snapshot_from_frames({**city, "vacancies": lacking}))
    assert moment_of(context, NOW).one_person is None
    person = context.persons["id"][0]
    assert job_request(context, person, NOW).equals(polars_job_request(context, person, NOW))


def test_a_person_without_a_value_it_reads_takes_the_polars_path(
    context: FeatureContext,
) -> None:
    moment = moment_of(context, NOW)
    engine = moment.one_person
    assert isinstance(engine, OnePerson)
    person = context.persons["id"][3]
    row = moment.rows[person]
    engine.servable[row] = False
    try:
        at = pl.Series([NOW], dtype=UTC_MICROS)
        assert engine.job_request(row, person, at, 800) is None
        assert job_request(context, person, NOW).equals(polars_job_request(context, person, NOW))
    finally:
        engine.servable[row] = True
