"""Fair pre-matching: hand-made optima, limits never broken, clash-free timetables."""

from __future__ import annotations

import itertools
from datetime import time
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import scipy.optimize  # type: ignore[import-untyped]
import scipy.sparse as sp  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.errors import ValidationError
from matching.fair_solver import (
    Assignment,
    FairProblem,
    Timetable,
    assign,
    compare_with_naive,
    interview_capacity,
    make_timetable,
    naive_assignment,
)

Matrix = npt.NDArray[np.float64]


def problem_of(
    probability: Any,
    capacity: list[int] | npt.NDArray[np.int64],
    m: int = 1,
    slots: list[int] | npt.NDArray[np.int64] | None = None,
    **extra: Any,
) -> FairProblem:
    n_cand, n_vac = probability.shape
    cap = np.asarray(capacity, dtype=np.int64)
    return FairProblem(
        candidate_ids=[100 + c for c in range(n_cand)],
        vacancy_ids=[500 + v for v in range(n_vac)],
        probability=probability,
        capacity=cap,
        slots=np.asarray(slots if slots is not None else np.maximum(cap, m), dtype=np.int64),
        max_booths_per_candidate=m,
        **extra,
    )


def check_assignment(problem: FairProblem, found: Assignment, allowed: Matrix) -> None:
    """Limits hold, pairs are distinct and eligible, expected hires add up."""
    n_cand, n_vac = problem.shape
    assert np.bincount(found.candidate, minlength=n_cand).max(initial=0) <= (
        problem.max_booths_per_candidate
    )
    assert np.all(np.bincount(found.vacancy, minlength=n_vac) <= problem.capacity)
    assert np.unique(found.candidate * n_vac + found.vacancy).size == found.candidate.size
    assert np.all(allowed[found.candidate, found.vacancy] > 0)
    assert found.expected_hires == pytest.approx(allowed[found.candidate, found.vacancy].sum())
    assert found.expected_hires <= found.lp_bound * (1 + 1e-9) + 1e-9


def check_timetable(problem: FairProblem, found: Assignment, table: Timetable) -> None:
    """No candidate and no interviewer twice in one slot; every booth within its own slots."""
    assert np.array_equal(table.candidate, found.candidate)
    assert np.array_equal(table.vacancy, found.vacancy)
    slots_of = problem.slots[table.vacancy]
    assert np.all((table.slot >= 0) & (table.slot < slots_of))
    assert np.all((table.interviewer >= 0) & (table.interviewer < problem.desks[table.vacancy]))
    by_candidate = table.candidate * 1000 + table.slot
    assert np.unique(by_candidate).size == by_candidate.size
    by_desk = (table.vacancy * 100 + table.interviewer) * 1000 + table.slot
    assert np.unique(by_desk).size == by_desk.size


def brute_force_optimum(problem: FairProblem) -> float:
    """Best Σ p over every subset of eligible pairs (tiny problems only)."""
    cand, vac, prob = problem.pair_candidate, problem.pair_vacancy, problem.pair_probability
    n_cand, n_vac = problem.shape
    subsets = np.array(list(itertools.product([0, 1], repeat=prob.size)), dtype=np.int64)
    per_cand = subsets @ np.eye(n_cand, dtype=np.int64)[cand]
    per_vac = subsets @ np.eye(n_vac, dtype=np.int64)[vac]
    ok = np.all(per_cand <= problem.max_booths_per_candidate, axis=1) & np.all(
        per_vac <= problem.capacity, axis=1
    )
    return float((subsets[ok] @ prob).max(initial=0.0))


def test_greedy_trap_is_avoided() -> None:
    # Candidate 0 likes booth 0 best, but sending them to booth 1 frees booth 0 for candidate 1.
    p = np.array([[0.9, 0.8], [0.85, 0.1]])
    problem = problem_of(p, [1, 1])
    found = assign(problem)
    check_assignment(problem, found, p)
    assert sorted(zip(found.candidate.tolist(), found.vacancy.tolist(), strict=True)) == [
        (0, 1),
        (1, 0),
    ]
    assert found.expected_hires == pytest.approx(1.65)
    assert found.lp_bound == pytest.approx(1.65)
    naive = naive_assignment(problem, "best")
    assert naive.expected_hires == pytest.approx(0.9)  # both queue at booth 0, one is seen
    report = compare_with_naive(problem, found, naive)
    assert (report.optimal.largest_queue, report.naive.largest_queue) == (1, 2)
    assert (report.optimal.no_booth_share, report.naive.no_booth_share) == (0.0, 0.5)
    assert report.naive.booths_over_capacity == 1 and report.optimal.booths_over_capacity == 0
    assert len(report.lines()) == 4


def test_per_candidate_limit_takes_the_best_booths() -> None:
    p = np.array([[0.1, 0.5, 0.3, 0.7, 0.2]])
    found = assign(problem_of(p, [1] * 5, m=2))
    assert sorted(found.vacancy.tolist()) == [1, 3]


def test_capacity_takes_the_likeliest_candidates() -> None:
    p = np.array([[0.2], [0.6], [0.4], [0.9]])
    found = assign(problem_of(p, [2]))
    assert sorted(found.candidate.tolist()) == [1, 3]


def test_ineligible_and_zero_pairs_are_never_assigned() -> None:
    p = np.array([[0.9, 0.0, 0.3], [0.8, 0.7, 0.0]])
    mask = np.array([[False, True, True], [True, True, True]])  # e.g. booth 0 not step-free
    problem = problem_of(p, [5, 5, 5], m=3, eligible=mask)
    found = assign(problem)
    check_assignment(problem, found, p * mask)
    assert sorted(zip(found.candidate.tolist(), found.vacancy.tolist(), strict=True)) == [
        (0, 2),
        (1, 0),
        (1, 1),
    ]
    naive = naive_assignment(problem)
    assert np.all((p * mask)[naive.candidate, naive.vacancy] > 0)


def test_sparse_input_gives_the_same_answer_as_dense() -> None:
    rng = np.random.default_rng(3)
    p = rng.random((20, 6)) * (rng.random((20, 6)) < 0.5)
    mask = rng.random((20, 6)) < 0.8
    dense = assign(problem_of(p, [3] * 6, m=2, eligible=mask))
    sparse = assign(problem_of(sp.csr_array(p), [3] * 6, m=2, eligible=sp.csr_matrix(mask)))
    assert sparse.expected_hires == pytest.approx(dense.expected_hires)
    assert np.array_equal(sparse.candidate, dense.candidate)


def test_no_room_no_booths_and_no_pairs() -> None:
    p = np.array([[0.5, 0.4]])
    assert assign(problem_of(p, [0, 0])).candidate.size == 0
    assert assign(problem_of(p, [1, 1], m=0)).candidate.size == 0
    empty = assign(problem_of(np.zeros((3, 2)), [1, 1]))
    assert (empty.expected_hires, empty.lp_bound) == (0.0, 0.0)
    assert make_timetable(problem_of(np.zeros((3, 2)), [1, 1]), empty).per_candidate()[100] == []


def test_a_fractional_lp_answer_falls_back_to_the_milp(monkeypatch: pytest.MonkeyPatch) -> None:
    real = scipy.optimize.linprog

    def fractional(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        result.x = np.full_like(result.x, 0.5)
        return result

    monkeypatch.setattr("matching.fair_solver.assignment.linprog", fractional)
    p = np.array([[0.9, 0.8], [0.85, 0.1]])
    assert assign(problem_of(p, [1, 1])).expected_hires == pytest.approx(1.65)


def test_interview_capacity_follows_openings() -> None:
    capacity = interview_capacity([0, 1, 2, 10], per_opening=3, minimum=4, maximum=20)
    assert capacity.tolist() == [0, 4, 6, 20]
    assert interview_capacity([1, 3], per_opening=1.5).tolist() == [2, 5]
    with pytest.raises(ValidationError, match="whole numbers"):
        interview_capacity([1.5])
    with pytest.raises(ValidationError):
        interview_capacity([1], minimum=5, maximum=2)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"probability": np.ones((2, 3))}, "fair_shape"),
        ({"probability": np.array([[1.5, 0.1], [0.1, 0.1]])}, "fair_probability"),
        ({"probability": np.array([[np.nan, 0.1], [0.1, 0.1]])}, "fair_probability"),
        ({"capacity": np.array([1, -1])}, "fair_count"),
        ({"slots": np.array([1])}, "fair_shape"),
        ({"candidate_ids": [7, 7]}, "fair_duplicate_id"),
        ({"max_booths_per_candidate": -1}, "fair_max_booths"),
        ({"eligible": np.ones((3, 2), dtype=bool)}, "fair_shape"),
    ],
)
def test_bad_problems_are_refused(change: dict[str, Any], code: str) -> None:
    fields: dict[str, Any] = {
        "candidate_ids": [1, 2],
        "vacancy_ids": [1, 2],
        "probability": np.full((2, 2), 0.5),
        "capacity": np.array([1, 1]),
        "slots": np.array([3, 3]),
    }
    with pytest.raises(ValidationError) as caught:
        FairProblem(**(fields | change))
    assert caught.value.code == code and caught.value.message_zh


def test_timetable_times_and_views() -> None:
    p = np.array([[0.9, 0.3], [0.8, 0.6], [0.7, 0.0]])
    problem = problem_of(p, [3, 2], m=2, slots=[3, 3])
    found = assign(problem)
    table = make_timetable(problem, found, start=time(9, 0), slot_minutes=20)
    check_timetable(problem, found, table)
    assert table.start_time(3) == time(10, 0)
    shortlist = table.per_vacancy()[500]
    assert [entry.candidate_id for entry in shortlist] == [100, 101, 102]
    assert len({entry.start for entry in shortlist}) == 3
    plans = table.per_candidate()
    assert {line.vacancy_id for line in plans[101]} == {500, 501}
    assert all(a.slot < b.slot for a, b in itertools.pairwise(plans[101]))
    assert all(line.start == table.start_time(line.slot) for line in plans[101])


def test_two_interviewers_share_a_booths_slots() -> None:
    p = np.full((6, 1), 0.5)
    problem = problem_of(p, [6], slots=[3], interviewers=np.array([2]))
    found = assign(problem)
    table = make_timetable(problem, found)
    check_timetable(problem, found, table)
    assert sorted(table.slot.tolist()) == [0, 0, 1, 1, 2, 2]


def test_too_few_slots_are_refused() -> None:
    p = np.full((4, 1), 0.5)
    problem = problem_of(p, [4], slots=[3])
    with pytest.raises(ValidationError) as caught:
        make_timetable(problem, assign(problem))
    assert caught.value.code == "fair_slots_too_few"


def test_booths_that_leave_early_can_make_a_timetable_impossible() -> None:
    # One candidate, two one-slot booths: both interviews would fall in slot 0.
    problem = problem_of(np.array([[0.5, 0.4]]), [1, 1], m=2, slots=[1, 1])
    with pytest.raises(ValidationError) as caught:
        make_timetable(problem, assign(problem))
    assert caught.value.code == "fair_timetable"


def test_an_assignment_of_another_problem_is_refused() -> None:
    small = problem_of(np.array([[0.5]]), [1])
    big = problem_of(np.full((3, 3), 0.5), [3, 3, 3], m=3)
    with pytest.raises(ValidationError) as caught:
        make_timetable(small, assign(big))
    assert caught.value.code == "fair_assignment"


@st.composite
def small_problems(draw: st.DrawFn, max_cand: int, max_vac: int, tight: bool) -> FairProblem:
    n_cand = draw(st.integers(1, max_cand))
    n_vac = draw(st.integers(1, max_vac))
    levels = st.sampled_from([0.0, 0.0, 0.05, 0.1, 0.3, 0.5, 0.9]) | st.floats(0.0, 1.0)
    p = np.array(draw(st.lists(levels, min_size=n_cand * n_vac, max_size=n_cand * n_vac)))
    m = draw(st.integers(1, 4))
    cap = np.array(draw(st.lists(st.integers(0, 6), min_size=n_vac, max_size=n_vac)))
    desks = np.array(draw(st.lists(st.integers(1, 2), min_size=n_vac, max_size=n_vac)))
    need = -(-cap // desks)
    if tight:  # every booth runs the whole day: König promises a timetable
        slots = np.full(n_vac, max(m, int(need.max())))
    else:  # some booths leave early
        extra = draw(st.lists(st.integers(0, 2), min_size=n_vac, max_size=n_vac))
        slots = np.maximum(need, 1) + np.array(extra)
    return problem_of(
        p.reshape(n_cand, n_vac), cap, m=m, slots=slots, interviewers=desks.astype(np.int64)
    )


@settings(max_examples=60, deadline=None)
@given(small_problems(max_cand=5, max_vac=3, tight=True))
def test_assignment_is_optimal_on_tiny_problems(problem: FairProblem) -> None:
    found = assign(problem)
    check_assignment(problem, found, np.asarray(problem.probability))
    assert found.expected_hires == pytest.approx(brute_force_optimum(problem), abs=1e-9)
    assert found.lp_bound == pytest.approx(found.expected_hires, abs=1e-7)
    for rule in ("arrival", "best"):
        assert found.expected_hires >= naive_assignment(problem, rule, seed=1).expected_hires - 1e-9


@settings(max_examples=80, deadline=None)
@given(small_problems(max_cand=30, max_vac=8, tight=True))
def test_timetable_has_no_clash_when_booths_run_all_day(problem: FairProblem) -> None:
    found = assign(problem)
    check_timetable(problem, found, make_timetable(problem, found))


@settings(max_examples=80, deadline=None)
@given(small_problems(max_cand=30, max_vac=8, tight=False))
def test_timetable_is_clash_free_or_refused_when_booths_leave_early(problem: FairProblem) -> None:
    found = assign(problem)
    try:
        table = make_timetable(problem, found)
    except ValidationError as error:
        assert error.code == "fair_timetable"
    else:
        check_timetable(problem, found, table)


def test_medium_random_fair() -> None:
    rng = np.random.default_rng(20240)
    n_cand, n_vac, m = 300, 50, 3
    popularity = rng.lognormal(0.0, 0.8, n_vac)
    eligible = rng.random((n_cand, n_vac)) < 0.4 * popularity / popularity.mean()
    logit = (
        rng.normal(-2.5, 0.7, (n_cand, 1))
        + 0.8 * np.log(popularity)
        + rng.normal(0, 0.8, (n_cand, n_vac))
    )
    p = np.where(eligible, 1 / (1 + np.exp(-logit)), 0.0)
    capacity = interview_capacity(rng.geometric(0.5, n_vac), per_opening=4, minimum=3, maximum=20)
    slots = np.full(n_vac, 9)
    problem = problem_of(
        sp.csr_array(p), capacity, m=m, slots=slots, interviewers=-(-capacity // 9)
    )
    found = assign(problem)
    check_assignment(problem, found, p)
    assert found.expected_hires >= 0.99 * found.lp_bound
    assert found.lp_bound - found.expected_hires <= 1e-6 * found.lp_bound
    for rule in ("arrival", "best"):
        naive = naive_assignment(problem, rule)
        assert found.expected_hires >= naive.expected_hires
        report = compare_with_naive(problem, found, naive)
        assert report.optimal.booths_over_capacity == 0
        assert report.optimal.largest_queue <= capacity.max()
    check_timetable(problem, found, make_timetable(problem, found))


@pytest.mark.parametrize("seed", range(10))
def test_regular_graphs_need_exactly_delta_slots(seed: int) -> None:
    # Every candidate meets m booths and every booth m candidates: greedy slotting gets stuck
    # here and the alternating-path repair must still fit everything into m slots.
    rng = np.random.default_rng(seed)
    n, m = 40, 4
    shifts = rng.choice(np.arange(1, n), size=m - 1, replace=False)
    perm = rng.permutation(n)
    order = rng.permutation(n * m)  # the order pairs arrive in decides where greedy gets stuck
    cand = np.repeat(np.arange(n), m)[order]
    vac = perm[(np.arange(n)[:, None] + np.r_[0, shifts][None, :]) % n].ravel()[order]
    p = np.zeros((n, n))
    p[cand, vac] = rng.uniform(0.05, 0.9, cand.size)
    problem = problem_of(p, np.full(n, m), m=m, slots=np.full(n, m))
    found = Assignment(cand, vac, p[cand, vac], float(p.sum()), float(p.sum()))
    table = make_timetable(problem, found)
    check_timetable(problem, found, table)
    assert table.slot.max() == m - 1


def test_a_timetable_only_the_exact_search_finds() -> None:
    # Found by random search: with booths 1 and 2 closing after one slot, alternating paths get
    # stuck, yet a clash-free timetable exists.
    p = np.array(
        [
            [0.21, 0.0, 0.51, 0.0],
            [0.0, 0.0, 0.88, 0.67],
            [0.37, 0.23, 0.0, 0.83],
            [0.0, 0.09, 0.0, 0.09],
            [0.0, 0.49, 0.81, 0.18],
        ]
    )
    problem = problem_of(p, [1, 1, 1, 3], m=2, slots=[2, 1, 1, 3])
    found = assign(problem)
    check_timetable(problem, found, make_timetable(problem, found))
