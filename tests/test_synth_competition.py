"""Competition for openings in the synthetic truth (issue 19 §1): shortlists shrink the chance of
each applicant as applicants per opening rise, posts close when filled, one job per person."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from matching.synth.truth.competition import (
    SHORTLIST_PER_OPENING,
    expected_fills,
    fill_in_order,
    one_job_each,
    rationed,
    screening,
)
from tests import api_city


def test_screening_falls_once_applicants_pass_the_shortlist() -> None:
    shortlist = SHORTLIST_PER_OPENING
    got = screening([1.0, shortlist, 2 * shortlist, 10 * shortlist, 0.0], [1, 1, 1, 2, 1])
    assert got == pytest.approx([1.0, 1.0, 0.5, 0.2, 1.0])


def test_fill_in_order_closes_the_post_and_gives_one_job_each() -> None:
    day = np.datetime64("2026-01-01")
    at = day + np.array([3, 1, 2, 4, 5]) * np.timedelta64(1, "D")
    person = np.array([1, 2, 3, 2, 4])
    vacancy = np.array([0, 0, 0, 1, 1])
    would = np.array([True, True, True, True, False])
    hired, filled = fill_in_order(person, vacancy, at, would, np.array([2, 2, 2, 1, 1]))
    # vacancy 0 (2 openings): persons 2 (day 1) and 3 (day 2); person 1 (day 3) finds it filled
    # person 2 already has a job on day 4, so vacancy 1 is not filled by them
    assert hired.tolist() == [False, True, True, False, False]
    assert filled.tolist() == [True, False, False, False, False]


def test_expected_fills_by_hand() -> None:
    q = np.array([0.4, 0.4, 0.5, 0.5, 0.5])
    vacancy = np.array([0, 0, 1, 1, 1])
    fills = expected_fills(q, vacancy, np.array([1, 2]))
    # one opening, two applicants: 1 − 0.6²; two openings, three at 0.5: E[min(2, Bin(3, .5))]
    assert fills == pytest.approx([1 - 0.36, 0 * 0.125 + 1 * 0.375 + 2 * 0.5])


def test_rationed_splits_a_filled_post_and_one_job_each() -> None:
    r = rationed(np.array([0.4, 0.4]), np.array([0, 0]), np.array([1]))
    assert r == pytest.approx([0.32, 0.32])
    assert one_job_each(np.array([0.5, 0.5, 0.2]), np.array([0, 0, 1]), 3) == pytest.approx(
        [0.75, 0.2, 0.0]
    )


def test_the_history_respects_openings_and_one_job_per_person() -> None:
    city = api_city.test_city()
    referrals = city.frames["referrals"].filter(pl.col("vacancy_id").is_not_null())
    hires = referrals.filter(pl.col("stage").is_in(["hired", "retained_6m"]))
    assert hires.height > 30
    assert hires["person_id"].n_unique() == hires.height
    per_post = (
        hires.group_by("vacancy_id")
        .len()
        .join(
            city.frames["vacancies"].select("id", "openings"), left_on="vacancy_id", right_on="id"
        )
    )
    assert per_post.filter(pl.col("len") > pl.col("openings")).is_empty()
