"""Recruitment-fair pre-matching: which candidate should queue at which booth.

Organisers want every candidate sent to the booths worth visiting without flooding any booth
(docs/domain.md). Choosing pairs to maximise the expected number of hires, with at most m booths per
candidate and at most cap[v] interviews per vacancy, is a bipartite b-matching, i.e. a min-cost
flow. Its constraint matrix is totally unimodular, so the LP relaxation has an integral optimal
vertex: HiGHS dual simplex (via SciPy, no extra dependency) returns such a vertex, and the duals
give a certified upper bound to check it against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
from scipy.optimize import Bounds, LinearConstraint, linprog, milp  # type: ignore[import-untyped]

from matching.errors import JobmatchError, ValidationError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
NaiveRule = Literal["arrival", "best"]


def _invalid(code: str, message: str, message_zh: str, name: str) -> ValidationError:
    return ValidationError(f"fair_{code}", message, message_zh, name)


def _counts(values: npt.ArrayLike, name: str, size: int | None = None) -> IntArray:
    """A vector of non-negative whole numbers, or a ValidationError naming the field."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or (size is not None and array.size != size):
        want = f"{size} values" if size is not None else "a 1-D vector"
        raise _invalid("shape", f"{name} must be {want}", f"{name} 的数量不对", name)
    if not np.all(np.isfinite(array) & (array >= 0) & (array == np.round(array))):
        raise _invalid("count", f"{name} must be whole numbers ≥ 0", f"{name} 必须是非负整数", name)
    return array.astype(np.int64)


def interview_capacity(
    openings: npt.ArrayLike, per_opening: float = 4.0, minimum: int = 2, maximum: int | None = None
) -> IntArray:
    """Interviews each vacancy may hold: ``per_opening`` per opening, clipped to [minimum, maximum].

    Tying capacity to openings keeps a one-post booth from being flooded while a booth hiring ten
    still meets enough people. A vacancy with no opening holds no interviews.
    """
    if per_opening <= 0 or minimum < 0 or (maximum is not None and maximum < minimum):
        raise _invalid(
            "rule", "need per_opening > 0, 0 ≤ minimum ≤ maximum", "面试容量参数不合理", ""
        )
    posts = _counts(openings, "openings")
    capacity = np.maximum(np.ceil(posts * per_opening).astype(np.int64), minimum)
    if maximum is not None:
        capacity = np.minimum(capacity, maximum)
    return np.where(posts > 0, capacity, 0)


@dataclass(frozen=True, eq=False)
class FairProblem:
    """One fair: candidates, vacancies (each interviewing at its own booth) and who may meet whom.

    ``probability[c, v]`` is the predicted hire probability, dense or scipy.sparse. The caller
    decides eligibility - job requirements, posts reserved for persons with disabilities (or for
    one category), venue accessibility for this candidate - and expresses it either as absent/zero
    entries or as a boolean ``eligible`` mask of the same shape. A pair with probability 0 is never
    proposed: it cannot add a hire. ``capacity`` caps interviews per vacancy (see
    ``interview_capacity``); ``slots`` is how many interview slots each booth runs from the fair's
    start; ``interviewers`` how many interviews a booth holds at once (default 1).
    """

    candidate_ids: Sequence[int]
    vacancy_ids: Sequence[int]
    probability: Any
    capacity: IntArray
    slots: IntArray
    max_booths_per_candidate: int = 3
    eligible: Any = None
    interviewers: IntArray | None = None
    pair_candidate: IntArray = field(init=False, repr=False)
    pair_vacancy: IntArray = field(init=False, repr=False)
    pair_probability: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("candidate_ids", "vacancy_ids"):
            ids = tuple(int(i) for i in getattr(self, name))
            if len(set(ids)) != len(ids):
                raise _invalid("duplicate_id", f"{name} must be unique", "编号重复", name)
            object.__setattr__(self, name, ids)
        n_vacancies = len(self.vacancy_ids)
        object.__setattr__(self, "capacity", _counts(self.capacity, "capacity", n_vacancies))
        object.__setattr__(self, "slots", _counts(self.slots, "slots", n_vacancies))
        if self.interviewers is not None:
            desks = _counts(self.interviewers, "interviewers", n_vacancies)
            object.__setattr__(self, "interviewers", desks)
        if self.max_booths_per_candidate < 0:
            message = "max_booths_per_candidate must be ≥ 0"
            raise _invalid(
                "max_booths", message, "每人展位数上限不能为负", "max_booths_per_candidate"
            )
        rows, cols, values = _eligible_pairs(self.probability, self.eligible, self.shape)
        object.__setattr__(self, "pair_candidate", rows)
        object.__setattr__(self, "pair_vacancy", cols)
        object.__setattr__(self, "pair_probability", values)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.candidate_ids), len(self.vacancy_ids)

    @property
    def desks(self) -> IntArray:
        """Interviews a booth can hold in one slot."""
        if self.interviewers is None:
            return np.ones(len(self.vacancy_ids), dtype=np.int64)
        return self.interviewers


def _eligible_pairs(
    probability: Any, eligible: Any, shape: tuple[int, int]
) -> tuple[IntArray, IntArray, FloatArray]:
    """Eligible pairs with p > 0, sorted by candidate, then best first."""
    if sp.issparse(probability):
        coo = sp.coo_array(probability)
        coo.sum_duplicates()
        rows, cols = np.asarray(coo.row), np.asarray(coo.col)
        values = np.asarray(coo.data, dtype=np.float64)
        got = tuple(coo.shape)
    else:
        dense = np.asarray(probability, dtype=np.float64)
        got = dense.shape
        rows, cols = np.nonzero(dense) if dense.ndim == 2 else (np.empty(0), np.empty(0))
        values = dense[rows, cols] if dense.ndim == 2 else np.empty(0)
    _check_shape(got, shape, "probability")
    if not np.all(np.isfinite(values) & (values >= 0) & (values <= 1)):
        raise _invalid(
            "probability", "probability must lie in [0, 1]", "概率须在0到1之间", "probability"
        )
    keep = values > 0
    if eligible is not None:
        mask = sp.csr_array(eligible) if sp.issparse(eligible) else np.asarray(eligible, dtype=bool)
        _check_shape(tuple(mask.shape), shape, "eligible")
        if rows.size:  # (sparse fancy indexing with no indices returns a sparse array)
            keep &= np.asarray(mask[rows, cols], dtype=bool).ravel()
    rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, -values, rows))
    return rows[order].astype(np.int64), cols[order].astype(np.int64), values[order]


def _check_shape(got: tuple[int, ...], shape: tuple[int, int], name: str) -> None:
    if got != shape:
        message = f"{name} is {got}; need (candidates, vacancies) = {shape}"
        raise _invalid("shape", message, f"{name} 矩阵行列数与候选人、岗位数量不一致", name)


@dataclass(frozen=True, eq=False)
class Assignment:
    """Chosen (candidate, vacancy) pairs as row/column indices into the problem, by candidate.

    ``expected_hires`` is Σ p over the pairs (a candidate likely at two booths counts twice).
    ``lp_bound`` is an upper bound on the LP relaxation, hence on every feasible assignment: it is
    built from HiGHS's duals by weak duality, so it holds even if the duals are slightly off.
    """

    candidate: IntArray
    vacancy: IntArray
    probability: FloatArray
    expected_hires: float
    lp_bound: float


def assign(problem: FairProblem) -> Assignment:
    """The pairs maximising Σ p under the per-candidate and per-vacancy limits, exactly."""
    m = problem.max_booths_per_candidate
    keep = problem.capacity[problem.pair_vacancy] > 0
    cand, vac = problem.pair_candidate[keep], problem.pair_vacancy[keep]
    prob = problem.pair_probability[keep]
    if m == 0 or prob.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return Assignment(empty, empty, np.empty(0), 0.0, 0.0)
    chosen, bound = _solve(cand, vac, prob, problem.shape, m, problem.capacity)
    return Assignment(
        cand[chosen], vac[chosen], prob[chosen], float(prob[chosen].sum()), max(bound, 0.0)
    )


def _solve(
    cand: IntArray, vac: IntArray, prob: FloatArray, shape: tuple[int, int], m: int, cap: IntArray
) -> tuple[BoolArray, float]:
    """Solve the LP with dual simplex (a vertex, so integral); fall back to MILP if it is not."""
    n_cand, n_vac = shape
    size = prob.size
    rows = np.concatenate([cand, n_cand + vac])
    matrix = sp.csr_array(
        (np.ones(2 * size), (rows, np.tile(np.arange(size), 2))), shape=(n_cand + n_vac, size)
    )
    limits = np.concatenate([np.full(n_cand, float(m)), cap.astype(np.float64)])
    result = linprog(-prob, A_ub=matrix, b_ub=limits, bounds=(0, 1), method="highs-ds")
    if result.status != 0:
        raise JobmatchError(f"the fair LP solver stopped without an optimum: {result.message}")
    duals = np.maximum(-np.asarray(result.ineqlin.marginals, dtype=np.float64), 0.0)
    slack = np.maximum(prob - duals[cand] - duals[n_cand + vac], 0.0)
    bound = float(m * duals[:n_cand].sum() + cap @ duals[n_cand:] + slack.sum())
    if np.any(np.abs(result.x - np.round(result.x)) > 1e-6):  # numerically fractional vertex
        constraints = LinearConstraint(matrix, -np.inf, limits)
        result = milp(-prob, constraints=constraints, integrality=1, bounds=Bounds(0, 1))
        if result.status != 0:
            raise JobmatchError(
                f"the fair MILP solver stopped without an optimum: {result.message}"
            )
    return np.asarray(result.x) > 0.5, bound


@dataclass(frozen=True, eq=False)
class NaiveAssignment:
    """Everyone's own top-m booths (the queues) and who each booth actually interviews."""

    candidate: IntArray
    vacancy: IntArray
    probability: FloatArray
    interviewed: BoolArray
    rule: NaiveRule
    expected_hires: float


def naive_assignment(
    problem: FairProblem, rule: NaiveRule = "arrival", seed: int = 0
) -> NaiveAssignment:
    """The way fairs work without pre-matching, with flooding counted honestly.

    Each candidate queues at their top-m eligible booths, ignoring capacity. A booth interviews at
    most cap[v] of its queue and turns the rest away: under ``"arrival"`` it takes the first cap[v]
    in a random arrival order (seeded); under ``"best"`` the cap[v] most likely hires, an upper
    bound for the naive way. Expected hires count interviewed pairs only.
    """
    if rule not in ("arrival", "best"):
        raise _invalid("rule", "rule must be 'arrival' or 'best'", "规则只能是 arrival 或 best", "")
    cand, vac, prob = problem.pair_candidate, problem.pair_vacancy, problem.pair_probability
    top = rank_within_groups(cand) < problem.max_booths_per_candidate  # pairs are sorted best first
    cand, vac, prob = cand[top], vac[top], prob[top]
    if rule == "arrival":
        arrival = np.random.default_rng(seed).permutation(problem.shape[0])
        order = np.lexsort((arrival[cand], vac))
    else:
        order = np.lexsort((cand, -prob, vac))
    interviewed = np.zeros(prob.size, dtype=bool)
    interviewed[order] = rank_within_groups(vac[order]) < problem.capacity[vac[order]]
    hires = float(prob[interviewed].sum())
    return NaiveAssignment(cand, vac, prob, interviewed, rule, hires)


def rank_within_groups(groups: IntArray) -> IntArray:
    """0, 1, 2… within each run of equal values of a grouped (sorted by group) array."""
    if groups.size == 0:
        return np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    lengths = np.diff(np.r_[starts, groups.size])
    return np.arange(groups.size) - np.repeat(starts, lengths)


@dataclass(frozen=True)
class WayReport:
    """Figures for one way of sending candidates to booths."""

    name: str
    expected_hires: float
    interviews: int
    largest_queue: int
    booths_over_capacity: int
    no_booth_share: float


@dataclass(frozen=True)
class Comparison:
    """Pre-matching against the naive way; ``no_eligible_share`` is what no way can fix."""

    optimal: WayReport
    naive: WayReport
    lp_bound: float
    no_eligible_share: float

    def lines(self) -> list[str]:
        """A small text table for logs and benchmarks."""
        head = f"{'way':<16}{'exp. hires':>12}{'interviews':>12}{'max queue':>11}{'over cap':>10}"
        return [
            f"{head}{'no booth':>10}",
            *(
                f"{w.name:<16}{w.expected_hires:>12.2f}{w.interviews:>12}{w.largest_queue:>11}"
                f"{w.booths_over_capacity:>10}{w.no_booth_share:>10.1%}"
                for w in (self.optimal, self.naive)
            ),
            f"LP bound {self.lp_bound:.2f}; no eligible booth {self.no_eligible_share:.1%}",
        ]


def compare_with_naive(
    problem: FairProblem, optimal: Assignment, naive: NaiveAssignment
) -> Comparison:
    """Expected hires, the longest queue at one booth and who gets no interview, both ways.

    A naive queue counts everyone who turns up, interviewed or not; "no booth" means no
    interview at all.
    """
    n_cand, n_vac = problem.shape

    def share_without(seen: IntArray) -> float:
        return 1 - np.unique(seen).size / n_cand if n_cand else 0.0

    def way(name: str, queue: IntArray, seen: IntArray, hires: float) -> WayReport:
        load = np.bincount(queue, minlength=n_vac)
        over = int(np.sum(load > problem.capacity))
        return WayReport(
            name, hires, seen.size, int(load.max(initial=0)), over, share_without(seen)
        )

    naive_seen = naive.candidate[naive.interviewed]
    return Comparison(
        way("pre-matched", optimal.vacancy, optimal.candidate, optimal.expected_hires),
        way(f"naive/{naive.rule}", naive.vacancy, naive_seen, naive.expected_hires),
        optimal.lp_bound,
        share_without(problem.pair_candidate),
    )
