"""The city replay (issue 19 §2): expected placements under competition, by hand and on the test
city; the policies never see the truth."""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl
import pytest

from tests import api_city
from tests.api_models import city_context
from training.baselines import job_rule_scores
from training.city_metrics import group_ratio, mean_ndcg, policy_report
from training.city_policies import plain_policy, rule_policy, top_k
from training.city_replay import ReplayCity, replay, replay_city
from training.oracle_city import CityOutcome, CityTruth, Stages, expected_outcome


def stages(n: int, apply: float, accept: float) -> Stages:
    return Stages(np.full(n, apply), np.ones(n), np.ones(n), np.full(n, accept))


def test_two_persons_one_opening_by_hand() -> None:
    # both see the post first (examined for sure), apply with 0.5, are hired if they get
    # there with 0.8: each would be hired with q = 0.4; one opening fills with 1 − 0.6² = 0.64
    got = expected_outcome(
        stages(2, 0.5, 0.8), [1, 1], np.array([0, 1]), np.array([0, 0]), np.array([1]), 2
    )
    assert got.person_placed == pytest.approx([0.32, 0.32])
    assert got.person_placed.sum() == pytest.approx(0.64)
    assert got.uncontested == pytest.approx([0.4, 0.4])  # each alone at the post
    assert got.applications.sum() == pytest.approx(1.0)


def test_two_openings_take_both_and_rank_lowers_the_chance() -> None:
    two = expected_outcome(
        stages(2, 0.5, 0.8), [1, 1], np.array([0, 1]), np.array([0, 0]), np.array([2]), 2
    )
    assert two.person_placed == pytest.approx([0.4, 0.4])
    # shown third: looked at with 1 / (1 + 0.3 · 2) = 0.625 (the truth's position effect)
    low = expected_outcome(stages(1, 0.5, 0.8), [3], np.array([0]), np.array([0]), np.array([1]), 1)
    assert low.person_placed == pytest.approx([0.4 * 0.625])


def test_a_crowded_post_shortlists() -> None:
    # ten sure applicants for one opening: each is considered with 4/10, so would be hired
    # with 0.4; the post is filled unless all ten fail (0.6¹⁰), shared equally
    got = expected_outcome(
        stages(10, 1.0, 1.0), [1] * 10, np.arange(10), np.zeros(10, np.int64), np.array([1]), 10
    )
    assert got.person_placed.sum() == pytest.approx(1 - 0.6**10)
    assert got.person_placed == pytest.approx(np.full(10, (1 - 0.6**10) / 10))


def test_report_gini_never_recommended_and_ratio_on_known_inputs() -> None:
    served = pl.DataFrame(
        {"query_id": [1, 1, 2, 2], "vacancy_id": [10, 11, 10, 11], "rank": [1, 2, 1, 2]}
    ).with_columns(person_id=pl.col("query_id"))
    judged = served.select("query_id", "person_id", "vacancy_id").with_columns(
        grade=pl.Series([1.0, 0.0, 0.0, 1.0])
    )
    persons = pl.DataFrame({"person_id": [1, 2], "county": ["a", "b"], "category": ["1", "1"]})
    vacancies = pl.DataFrame({"vacancy_id": [10, 11, 12, 13], "openings": [1, 1, 1, 1]})
    outcome = CityOutcome(
        np.full(4, 0.25), np.full(4, 0.1), np.array([0.2, 0.1]), np.array([0.3, 0.2])
    )
    report = policy_report(served, judged, outcome, persons, vacancies)
    # exposure counts (2, 2, 0, 0): Gini = 2·(3·2 + 4·2)/(4·4) − 5/4 = 0.5
    assert report.exposure_gini == pytest.approx(0.5)
    assert report.never_recommended == pytest.approx(0.5)
    assert report.applications_per_opening == pytest.approx(0.25)
    assert report.expected_placements == pytest.approx(0.3)
    assert report.extra["placements_without_competition"] == pytest.approx(0.5)
    assert report.worst_best_group_placements == pytest.approx(0.5)  # counties a: 0.2, b: 0.1
    assert report.ndcg10 == pytest.approx((1.0 + 1.0 / np.log2(3)) / 2)
    assert mean_ndcg(served, judged) == report.ndcg10
    assert group_ratio(np.array([0.0, 0.0]), np.array([5, 5])) == 0.0


@cache
def small_replay() -> ReplayCity:
    """The test city's newest two months replayed, the rule's score standing in for a model."""
    return replay_city(city_context(), 2, job_rule_scores)


def test_replay_on_the_test_city() -> None:
    city = small_replay()
    assert city.frame["query_id"].n_unique() > 20
    assert "grade" not in city.frame.columns  # the truth stays out of what policies see
    truth = CityTruth(city_context(), api_city.test_city().latents)
    reports = replay(city, truth, {"plain": plain_policy(), "rule": rule_policy()})
    plain, rule = reports["plain"], reports["rule"]
    assert plain.placements_vs_plain == 1.0 and plain.ndcg10_vs_plain == 1.0
    assert rule.expected_placements == pytest.approx(plain.expected_placements)  # same scores
    assert 0 < plain.expected_placements <= city.persons.height
    assert plain.expected_placements <= plain.extra["placements_without_competition"]
    assert 0.0 <= plain.never_recommended < 1.0 and 0.0 < plain.exposure_gini < 1.0
    assert 0.0 < plain.ndcg10 <= 1.0 and 0.0 < plain.worst_best_group_placements <= 1.0
    assert sum(plain.placements_by_group["county"].values()) == pytest.approx(
        plain.expected_placements
    )
    served = plain_policy()(city.frame)
    assert served.group_by("query_id").len()["len"].max() == 10


def test_the_ranking_matters_to_the_city() -> None:
    city = small_replay()
    truth = CityTruth(city_context(), api_city.test_city().latents)
    worst = top_k(lambda frame: -job_rule_scores(frame))
    reports = replay(city, truth, {"plain": plain_policy(), "reversed": worst})
    assert reports["reversed"].placements_vs_plain < 0.9
    assert reports["reversed"].ndcg10_vs_plain < 0.9
