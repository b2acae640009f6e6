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

from features.arrays import matrix
from features.candidates import job_candidates
from features.context import FeatureContext
from features.jobs import job_features, people_at
from features.one_person import OnePerson
from features.one_person_inputs import IDS
from features.request import job_request, moment_of, polars_job_request
from features.schema import JOB_FEATURE_SET
from features.sources import UTC_MICROS, snapshot_from_frames
from matching.synth.city import SCALES, build_city
from tests.request_frames import frames_of

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
    moment = moment_of(frames_of(context), at)
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
        assert mine.equals(job_request(frames_of(context), person, at)), person
        made = engine.job_matrix(row, person, pl.Series([at], dtype=UTC_MICROS), 800)
        assert made is not None
        ids, features = made
        assert ids.equals(mine.select(IDS))
        assert np.array_equal(features, matrix(mine, JOB_FEATURE_SET.names), equal_nan=True)
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
    assert moment_of(frames_of(context), NOW).one_person is None
    person = context.persons["id"][0]
    assert job_request(frames_of(context), person, NOW).equals(
        polars_job_request(frames_of(context), person, NOW)
    )


def test_a_person_without_a_value_it_reads_takes_the_polars_path(
    context: FeatureContext,
) -> None:
    moment = moment_of(frames_of(context), NOW)
    engine = moment.one_person
    assert isinstance(engine, OnePerson)
    person = context.persons["id"][3]
    row = moment.rows[person]
    engine.servable[row] = False
    try:
        at = pl.Series([NOW], dtype=UTC_MICROS)
        assert engine.job_request(row, person, at, 800) is None
        assert job_request(frames_of(context), person, NOW).equals(
            polars_job_request(frames_of(context), person, NOW)
        )
    finally:
        engine.servable[row] = True


def test_edge_values_give_a_batchs_rows(
    city: dict[str, pl.DataFrame], context: FeatureContext
) -> None:
    """Values at the edges of the rules: no commute, a token expected pay, no preferred work
    mode, a home on a workplace, a commute that reaches every vacancy; vacancies without
    openings, closing or opening on the day, with one age allowed, one pay, nothing offered or
    wanted."""
    persons, vacancies = city["persons"], city["vacancies"]
    open_ids = vacancies.filter(pl.col("status") == "open")["id"].to_list()
    first_choice = int(batch(context, [4], NOW)[0]["vacancy_id"][0])
    sixths = batch(context, [6], NOW)[0]["vacancy_id"].to_list()  # to allow one age: 6's
    workplace = vacancies.filter(pl.col("id") == first_choice).row(0, named=True)
    edited = persons.with_columns(
        commute_km=pl.when(pl.col("id") == 1)
        .then(0)
        .when(pl.col("id") == 5)
        .then(500)
        .otherwise(pl.col("commute_km")),
        expected_pay_min=pl.when(pl.col("id") == 2).then(1).otherwise(pl.col("expected_pay_min")),
        preferred_work_modes=pl.when(pl.col("id") == 3)
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.col("preferred_work_modes")),
        latitude=pl.when(pl.col("id") == 4)
        .then(workplace["latitude"])
        .otherwise(pl.col("latitude")),
        longitude=pl.when(pl.col("id") == 4)
        .then(workplace["longitude"])
        .otherwise(pl.col("longitude")),
    )
    day = NOW.date()
    some = pl.col("id").is_in(open_ids[:60])
    born = persons.filter(pl.col("id") == 6)["birth_date"][0]
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    changed = vacancies.with_columns(
        openings=pl.when(some & (pl.col("id") % 3 == 0)).then(0).otherwise(pl.col("openings")),
        deadline=pl.when(some & (pl.col("id") % 3 == 1)).then(day).otherwise(pl.col("deadline")),
        opened_on=pl.when(some & (pl.col("id") % 3 == 2)).then(day).otherwise(pl.col("opened_on")),
        age_min=pl.when(pl.col("id").is_in(sixths)).then(age).otherwise(pl.col("age_min")),
        age_max=pl.when(pl.col("id").is_in(sixths)).then(age).otherwise(pl.col("age_max")),
        pay_max=pl.when(some).then(pl.col("pay_min")).otherwise(pl.col("pay_max")),
        accommodations_offered=pl.when(some & (pl.col("id") % 2 == 1))
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.col("accommodations_offered")),
        skills_wanted=pl.when(some & (pl.col("id") % 2 == 1))
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.col("skills_wanted")),
    )
    context = FeatureContext.from_snapshot(
        snapshot_from_frames({**city, "persons": edited, "vacancies": changed})
    )
    chosen = [1, 2, 3, 4, 5, 6, *persons["id"].sample(20, seed=9).to_list()]
    candidates, rows = batch(context, chosen, NOW)
    moment = moment_of(frames_of(context), NOW)
    assert moment.one_person is not None
    for person in chosen:
        mine = moment.one_person.job_request(
            moment.rows[person], person, pl.Series([NOW], dtype=UTC_MICROS), 800
        )
        assert mine is not None, person
        order = candidates.filter(pl.col("query_id") == person)["vacancy_id"]
        assert mine["vacancy_id"].equals(order), person
        theirs = rows.filter(pl.col("query_id") == person).sort("vacancy_id").drop("query_id")
        assert_frame_equal(mine.sort("vacancy_id").drop("query_id"), theirs, check_exact=True)
    home = moment.one_person.job_request(moment.rows[4], 4, pl.Series([NOW], dtype=UTC_MICROS), 800)
    assert home is not None
    assert home.filter(pl.col("vacancy_id") == first_choice)["x_distance_km"].to_list() == [0.0]
    assert candidates.filter(pl.col("query_id") == 6)["vacancy_id"].is_in(sixths).any()
