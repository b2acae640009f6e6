"""Congestion prices (issue 19 §3): the rule by hand, the load window, the replayed policy and
the served lists, which order by the same definition and say why a line moved."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from features.congestion import CONGESTION, CongestionPolicy, LoadIndex, recent_load
from features.request import job_request
from features.sources import UTC_MICROS
from serving.runtime.models import ServedModel
from serving.services.recommend import recommend_jobs
from serving.services.why_not import why_not_job
from tests.api_models import city_snapshot
from training.baselines import job_rule_scores
from training.city_policies import congestion_policy

NOW = datetime(2026, 11, 28, tzinfo=UTC)
RULE = ServedModel("jobs", "rule", None, None)


def test_a_post_is_priced_only_past_what_its_openings_absorb() -> None:
    policy = CongestionPolicy(per_opening=2.0, strength=3.0, explore_slots=0)
    load = np.array([0.0, 2.0, 4.0, 6.0, 2.0])
    openings = np.array([1.0, 1.0, 1.0, 1.0, 0.0])  # no openings counts as one
    assert policy.prices(load, openings) == pytest.approx([0.0, 0.0, 3.0, 6.0, 0.0])
    assert policy.prices(np.array([8.0]), np.array([4.0])) == pytest.approx([0.0])


def test_a_crowded_post_moves_down_whatever_the_scale_of_the_scores() -> None:
    policy = CongestionPolicy(per_opening=1.0, strength=2.0, explore_slots=0)
    scores = np.array([3.0, 2.9, 1.0, 0.5])
    load = np.array([5.0, 0.0, 0.0, 0.0])
    openings = np.ones(4)
    assert policy.order(scores, np.zeros(4), openings, 3).tolist() == [0, 1, 2, 3]
    assert policy.order(scores, load, openings, 3).tolist() == [1, 2, 3, 0]
    assert policy.order(scores * 100, load, openings, 3).tolist() == [1, 2, 3, 0]


def test_the_last_places_go_to_the_best_posts_nobody_was_sent_to() -> None:
    policy = CongestionPolicy(per_opening=10.0, strength=1.0, explore_slots=2)
    scores = np.array([9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0])
    load = np.array([1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0])  # all under what they absorb
    assert policy.order(scores, load, np.ones(7), 4).tolist() == [0, 1, 4, 6, 2, 3, 5]
    # nobody idle: the plain order; a list no longer than k: the plain order
    assert policy.order(scores, np.ones(7), np.ones(7), 4).tolist() == list(range(7))
    assert policy.order(scores[:3], load[:3], np.ones(3), 4).tolist() == [0, 1, 2]


def test_the_load_counts_distinct_persons_within_the_window() -> None:
    at = datetime(2026, 11, 28, 12, tzinfo=UTC)
    referrals = pl.DataFrame(
        {
            "person_id": [1, 1, 2, 3, 4, 5],
            "vacancy_id": [10, 10, 10, 11, None, 11],
            "referred_at": [
                at - timedelta(days=1),
                at - timedelta(days=2),  # the same person again: counted once
                at - timedelta(days=27),
                at - timedelta(days=29),  # before the window
                at - timedelta(days=1),  # a course referral
                at,  # not before the moment
            ],
        },
        schema_overrides={"referred_at": UTC_MICROS},
    )
    load = recent_load(referrals, at)
    assert load([10, 11, 12]).tolist() == [2.0, 0.0, 0.0]
    assert load.count(10) == 2
    assert recent_load(referrals, at.replace(tzinfo=None))([10]).tolist() == [2.0]  # naive: UTC
    assert LoadIndex.empty()([10]).tolist() == [0.0]


def _sessions(times: list[datetime]) -> pl.DataFrame:
    """Sessions of different persons over the same two posts (A = 1 scored above B = 2)."""
    rows = []
    for query, at in enumerate(times):
        for vacancy, score in ((1, 2.0), (2, 1.0)):
            rows.append((query, 100 + query, vacancy, at, score, 1.0))
    return pl.DataFrame(
        rows,
        schema={
            "query_id": pl.Int64,
            "person_id": pl.Int64,
            "vacancy_id": pl.Int64,
            "at": UTC_MICROS,
            "score": pl.Float64,
            "v_openings": pl.Float64,
        },
        orient="row",
    )


def test_the_replayed_policy_counts_its_own_lists_and_the_referrals_before() -> None:
    day = datetime(2026, 10, 1, tzinfo=UTC)
    frame = _sessions([day, day + timedelta(days=1), day + timedelta(days=40)])
    pricing = CongestionPolicy(per_opening=0.5, strength=10.0, explore_slots=0)
    no_prior = pl.DataFrame(
        schema={"person_id": pl.Int64, "vacancy_id": pl.Int64, "referred_at": UTC_MICROS}
    )
    served = congestion_policy(no_prior, pricing, k=1)(frame)
    # the first is sent to A; the next day A holds one person against half a person per
    # opening, so B; forty days on the window is empty again
    assert served.sort("query_id")["vacancy_id"].to_list() == [1, 2, 1]
    prior = pl.DataFrame(
        {"person_id": [7], "vacancy_id": [1], "referred_at": [day - timedelta(days=3)]},
        schema_overrides={"referred_at": UTC_MICROS},
    )
    served = congestion_policy(prior, pricing, k=1)(frame)
    assert served.sort("query_id")["vacancy_id"].to_list() == [2, 1, 1]
    assert set(served["rank"].to_list()) == {1}


def _loaded(vacancy_ids: list[int], load: float) -> LoadIndex:
    return LoadIndex.of(
        pl.DataFrame({"vacancy_id": sorted(vacancy_ids), "load": [load] * len(vacancy_ids)})
    )


def _person_with_a_long_list() -> tuple[int, pl.DataFrame]:
    snapshot = city_snapshot()
    for person in snapshot.context.persons["id"].to_list()[:200]:
        rows = job_request(snapshot.frames, int(person), NOW)
        if rows.height >= 20:
            return int(person), rows
    raise AssertionError("no person of the test city has 20 candidates")


def test_the_served_list_is_the_replayed_order_and_says_why_a_line_moved() -> None:
    person, rows = _person_with_a_long_list()
    scores = job_rule_scores(rows)
    best = int(rows["vacancy_id"][int(np.argmax(scores))])
    plain = recommend_jobs(city_snapshot(), RULE, person, NOW, k=10)
    assert [line.plain_rank for line in plain.lines] == list(range(1, 11))
    assert plain.lines[0].vacancy_id == best
    # every post of the list but the best is busy (under what it absorbs); the best is crowded
    shown = [line.vacancy_id for line in plain.lines]
    crowded = replace(
        city_snapshot(),
        load=LoadIndex.of(
            pl.DataFrame({"vacancy_id": shown, "load": [600.0] + [1.0] * (len(shown) - 1)}).sort(
                "vacancy_id"
            )
        ),
    )
    moved = recommend_jobs(crowded, RULE, person, NOW, k=10)
    load = crowded.load(rows["vacancy_id"].to_numpy())
    openings = rows["v_openings"].cast(pl.Float64).fill_null(1.0).to_numpy()
    expected = CONGESTION.order(scores, load, openings, 10)[:10]
    assert [line.vacancy_id for line in moved.lines] == rows["vacancy_id"].gather(
        expected
    ).to_list()
    assert best not in [line.vacancy_id for line in moved.lines[:1]]
    notes = {line.vacancy_id: line.congestion for line in moved.lines}
    lines = {line.vacancy_id: line for line in moved.lines}
    if best in lines:
        assert "已推荐较多人" in str(notes[best]) and lines[best].plain_rank == 1
    explored = [line for line in moved.lines if line.vacancy_id not in shown]
    assert explored, "the last places go to posts nobody was sent to"
    for line in explored:
        assert "尚无人推荐" in str(line.congestion) and line.plain_rank > 10
    why = why_not_job(crowded, RULE, person, best, NOW, k=10)
    assert why is not None and why.rank is not None and why.rank > 1
    assert any("已推荐较多人" in text for text in why.held_down)
