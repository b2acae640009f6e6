"""Every status move of a 一人一策 ledger, allowed or refused, against the decision written out
here independently of the table in matching.ledgers.transitions."""

from __future__ import annotations

from itertools import product

import pytest

from matching.codes import GRADUATE_STATUSES
from matching.errors import ConflictError
from matching.ledgers.transitions import ALLOWED_MOVES, OPENING_STATUSES, check_move, check_opening

# (from, to) written by hand: leaving school, losing or changing a job, studying on; the
# public-welfare post only after 离校未就业; nothing goes back to 在校.
ALLOWED = {
    ("in_school", "unemployed"), ("in_school", "employed"), ("in_school", "further_study"),
    ("in_school", "flexible"),
    ("unemployed", "employed"), ("unemployed", "further_study"), ("unemployed", "flexible"),
    ("unemployed", "public_welfare"),
    ("employed", "unemployed"), ("employed", "further_study"), ("employed", "flexible"),
    ("further_study", "unemployed"), ("further_study", "employed"), ("further_study", "flexible"),
    ("flexible", "unemployed"), ("flexible", "employed"), ("flexible", "further_study"),
    ("public_welfare", "unemployed"), ("public_welfare", "employed"),
    ("public_welfare", "further_study"), ("public_welfare", "flexible"),
}  # fmt: skip
PAIRS = list(product(GRADUATE_STATUSES.codes, repeat=2))


def test_the_table_covers_every_status() -> None:
    assert set(ALLOWED_MOVES) == set(GRADUATE_STATUSES.codes)
    assert all(targets <= set(GRADUATE_STATUSES.codes) for targets in ALLOWED_MOVES.values())


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED), ids="→".join)
def test_allowed_move(current: str, new: str) -> None:
    check_move(current, new)


@pytest.mark.parametrize(("current", "new"), sorted(set(PAIRS) - ALLOWED), ids="→".join)
def test_refused_move(current: str, new: str) -> None:
    with pytest.raises(ConflictError) as caught:
        check_move(current, new)
    error = caught.value
    assert (error.code, error.field) == ("status_move_not_allowed", "status")
    allowed_zh = [GRADUATE_STATUSES.label(code) for code in sorted(ALLOWED_MOVES[current])]
    assert all(label in error.message_zh for label in allowed_zh)


def test_refusals_say_why_in_chinese() -> None:
    with pytest.raises(ConflictError) as caught:
        check_move("employed", "employed")
    assert "无需变更" in caught.value.message_zh
    with pytest.raises(ConflictError) as caught:
        check_move("in_school", "public_welfare")
    assert "兜底" in caught.value.message_zh
    with pytest.raises(ConflictError) as caught:
        check_move("employed", "in_school")
    assert "不能从“已就业”变更为“在校”" in caught.value.message_zh


def test_public_welfare_is_reached_only_from_unemployed() -> None:
    assert {current for current, new in ALLOWED if new == "public_welfare"} == {"unemployed"}
    assert not any(new == "in_school" for _, new in ALLOWED)


@pytest.mark.parametrize("status", GRADUATE_STATUSES.codes)
def test_opening_statuses(status: str) -> None:
    if status == "public_welfare":
        assert status not in OPENING_STATUSES
        with pytest.raises(ConflictError) as caught:
            check_opening(status)
        assert caught.value.code == "status_not_allowed_at_opening"
    else:
        check_opening(status)
