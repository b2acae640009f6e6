"""Scoring a fair's pairs: the request path's features and hard rules, and the calibration of
scores to hire probabilities (the test city's context, no database)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.candidates import job_candidates
from features.jobs import people_at
from features.request import collect, job_features_for
from features.schema import JOB_FEATURE_SET
from serving.runtime.models import ServedModel
from serving.services.fair_calibration import (
    fit_calibration,
    logged_referrals,
    scores_of,
)
from serving.services.fair_scoring import eligible_pair_features, fair_queries
from tests.api_models import city_context
from tests.request_frames import frames_of

AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
RULE = ServedModel("jobs", "rule", None, None)


def fair_of(n_persons: int = 12, n_vacancies: int = 40) -> tuple[list[int], list[int]]:
    context = city_context()
    seeking = context.persons.filter(pl.col("employment_status") == "seeking")
    vacancies = context.open_vacancies["vacancy_id"].sort()
    return [int(i) for i in seeking["id"].head(n_persons)], [
        int(i) for i in vacancies.gather_every(3).head(n_vacancies)
    ]


def test_pair_features_are_the_request_paths() -> None:
    context = city_context()
    persons, vacancies = fair_of()
    rows = eligible_pair_features(context, persons, vacancies, AT)
    assert rows.height > 0 and set(rows["vacancy_id"].to_list()) <= set(vacancies)
    for person in persons[:3]:
        mine = rows.filter(pl.col("person_id") == person).sort("vacancy_id")
        if mine.height == 0:
            continue
        alone = job_features_for(frames_of(context), person, AT, mine["vacancy_id"].to_list())
        assert_frame_equal(
            mine.select(JOB_FEATURE_SET.names),
            alone.sort("vacancy_id").select(JOB_FEATURE_SET.names),
        )


def test_eligibility_is_the_candidate_generations_over_the_fair_vacancies() -> None:
    """The same pairs as candidate generation over every open vacancy with no cut, restricted
    to the fair's: narrowing the vacancies first changes nothing."""
    context = city_context()
    persons, vacancies = fair_of()
    rows = eligible_pair_features(context, persons, vacancies, AT)
    people = collect(people_at(context, fair_queries(persons, AT))).lazy()
    everything = collect(job_candidates(context, people, limit=10**6, margin=math.inf))
    expected = everything.filter(pl.col("vacancy_id").is_in(vacancies))
    found = {(int(q), int(v)) for q, v in rows.select("query_id", "vacancy_id").iter_rows()}
    assert found == {
        (int(q), int(v)) for q, v in expected.select("query_id", "vacancy_id").iter_rows()
    }
    assert len(found) < len(persons) * len(vacancies)  # the hard rules did exclude pairs


def test_the_calibration_gives_fair_contacts_their_own_level() -> None:
    context = city_context()
    calibration = fit_calibration(RULE, context)
    info = calibration.info
    assert info.method.startswith("Platt") and info.rows > 1000 and info.hires >= 10
    assert info.fair_rows > 0 and info.fair_offset > 0  # a fair contact hires more often
    assert info.slope > 0  # a better rule score means a likelier hire
    scores = np.linspace(-5, 3, 9)
    p = calibration.probability(scores)
    assert np.all(np.diff(p) > 0) and np.all((p > 0) & (p < 1))
    logged = logged_referrals(context)
    fair = logged.filter(pl.col("fair"))
    predicted = calibration.probability(scores_of(RULE, fair)).mean()
    observed = fair["hired"].mean()
    assert isinstance(observed, float)
    assert predicted == pytest.approx(observed, abs=0.05)  # calibrated in the large
