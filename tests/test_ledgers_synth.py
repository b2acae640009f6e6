"""The synthetic city's ledgers obey the ledger rules: histories follow the transition table,
plans are consistent, public-welfare posts come after a job referral carried out."""

from __future__ import annotations

from itertools import pairwise

import polars as pl

from matching.codes import GRADUATE_DEGREES, LEDGER_ACTION_STATUSES, LEDGER_SERVICES
from matching.ledgers.transitions import OPENING_STATUSES, check_move
from tests import api_city


def test_histories_follow_the_transition_table() -> None:
    frames = api_city.test_city().frames
    ledgers, changes = frames["graduate_ledgers"], frames["ledger_status_changes"]
    assert ledgers.height > 0 and set(ledgers["degree"]) <= set(GRADUATE_DEGREES.codes)
    for ledger in ledgers.iter_rows(named=True):
        history = changes.filter(pl.col("ledger_id") == ledger["id"]).sort("changed_on", "id")
        moves = list(zip(history["from_status"], history["to_status"], strict=True))
        assert moves[0][0] is None and moves[0][1] in OPENING_STATUSES
        for (_, before), (after_from, after) in pairwise(moves):
            assert after_from == before
            check_move(before, after)  # raises when the table forbids the move
        assert moves[-1][1] == ledger["status"]
        assert history["changed_on"].is_sorted()


def test_plans_are_consistent_and_the_last_resort_comes_last() -> None:
    frames = api_city.test_city().frames
    actions, changes = frames["ledger_actions"], frames["ledger_status_changes"]
    assert set(actions["service"]) <= set(LEDGER_SERVICES.codes)
    assert set(actions["status"]) == set(LEDGER_ACTION_STATUSES.codes)
    assert (actions["status"] == "done").to_list() == actions["done_on"].is_not_null().to_list()
    placements = changes.filter(pl.col("to_status") == "public_welfare")
    assert placements.height > 0
    for ledger_id, placed in placements.select("ledger_id", "changed_on").iter_rows():
        referrals = actions.filter(
            (pl.col("ledger_id") == ledger_id)
            & (pl.col("service") == "job_referral")
            & (pl.col("status") == "done")
        )
        assert referrals.height > 0 and referrals["done_on"].min() <= placed
