"""Interview slots for pre-matched pairs, so nobody has to be in two places at once.

Giving each pair a slot so that no candidate has two interviews in a slot and no interviewer has
two is edge colouring of a bipartite graph (each booth split into its interviewers). By König's
theorem Δ colours suffice, Δ the largest degree, and the alternating-path (Kempe chain) method
below finds such a colouring: with every booth running at least Δ slots it never fails. A booth
that runs fewer slots than Δ (one that leaves early) may only use a prefix of the day; König no
longer promises a colouring then, so if alternating paths get stuck a small feasibility MILP
(HiGHS, time-limited) decides, and only a timetable that does not exist (or is not found in
time) raises a ValidationError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

from matching.errors import ValidationError
from matching.fair_solver.assignment import (
    Assignment,
    FairProblem,
    FloatArray,
    IntArray,
    rank_within_groups,
)

EXACT_TIME_LIMIT_SECONDS = 10.0


@dataclass(frozen=True)
class Interview:
    """One line of a candidate's plan for the day."""

    vacancy_id: int
    slot: int
    start: time
    probability: float


@dataclass(frozen=True)
class ShortlistEntry:
    """One line of an employer's shortlist; ``interviewer`` is 0-based within the booth."""

    candidate_id: int
    slot: int
    start: time
    interviewer: int
    probability: float


@dataclass(frozen=True, eq=False)
class Timetable:
    """Each assigned pair with its slot; slot k starts at ``start`` + k × ``slot_minutes``."""

    candidate_ids: tuple[int, ...]
    vacancy_ids: tuple[int, ...]
    candidate: IntArray
    vacancy: IntArray
    probability: FloatArray
    slot: IntArray
    interviewer: IntArray
    start: time
    slot_minutes: int

    def start_time(self, slot: int) -> time:
        return (
            datetime.combine(datetime.min, self.start) + slot * timedelta(minutes=self.slot_minutes)
        ).time()

    def per_candidate(self) -> dict[int, list[Interview]]:
        """Every candidate's interviews in time order (an empty list: no booth this time)."""
        plans: dict[int, list[Interview]] = {cid: [] for cid in self.candidate_ids}
        for i in np.lexsort((self.slot, self.candidate)):
            slot = int(self.slot[i])
            plans[self.candidate_ids[self.candidate[i]]].append(
                Interview(
                    self.vacancy_ids[self.vacancy[i]],
                    slot,
                    self.start_time(slot),
                    float(self.probability[i]),
                )
            )
        return plans

    def per_vacancy(self) -> dict[int, list[ShortlistEntry]]:
        """Every vacancy's shortlist, most likely hire first."""
        lists: dict[int, list[ShortlistEntry]] = {vid: [] for vid in self.vacancy_ids}
        for i in np.lexsort((self.slot, -self.probability, self.vacancy)):
            slot = int(self.slot[i])
            lists[self.vacancy_ids[self.vacancy[i]]].append(
                ShortlistEntry(
                    self.candidate_ids[self.candidate[i]],
                    slot,
                    self.start_time(slot),
                    int(self.interviewer[i]),
                    float(self.probability[i]),
                )
            )
        return lists


def _refuse(code: str, message: str, message_zh: str, name: str) -> ValidationError:
    return ValidationError(f"fair_{code}", message, message_zh, name)


def make_timetable(
    problem: FairProblem, assignment: Assignment, start: time = time(9, 0), slot_minutes: int = 20
) -> Timetable:
    """Slot every assigned pair with no clash for any candidate or interviewer.

    Booth v may use slots 0..slots[v]-1 with ``problem.desks[v]`` interviewers at once; a booth
    whose slots cannot hold its capacity is refused up front, naming it.
    """
    n_cand, n_vac = problem.shape
    desks, window = problem.desks, problem.slots
    short = np.flatnonzero(problem.capacity > window * desks)
    if short.size:
        ids = [problem.vacancy_ids[v] for v in short[:5]]
        raise _refuse(
            "slots_too_few",
            f"vacancies {ids} have more interview capacity than slots × interviewers; "
            "lower their capacity or give them more slots or interviewers",
            "部分展位的面试时段不足以容纳其面试容量",
            "slots",
        )
    if slot_minutes <= 0:
        raise _refuse(
            "slot_minutes", "slot_minutes must be > 0", "每个时段分钟数必须大于0", "slot_minutes"
        )
    if start.hour * 60 + start.minute + int(window.max(initial=0)) * slot_minutes > 24 * 60:
        raise _refuse(
            "slot_minutes", "the fair's slots run past midnight", "面试时段超过午夜", "slot_minutes"
        )
    cand, vac = assignment.candidate, assignment.vacancy
    if (
        np.any((cand < 0) | (cand >= n_cand) | (vac < 0) | (vac >= n_vac))
        or np.any(np.bincount(vac, minlength=n_vac) > problem.capacity)
        or np.any(np.bincount(cand, minlength=n_cand) > problem.max_booths_per_candidate)
        or np.unique(cand * n_vac + vac).size != cand.size
    ):
        raise _refuse(
            "assignment",
            "the assignment does not fit this fair problem",
            "分配结果与招聘会不符",
            "assignment",
        )
    # Split each booth into its interviewers, best candidates spread over them round-robin.
    order = np.lexsort((cand, -assignment.probability, vac))
    rank = np.empty(cand.size, dtype=np.int64)
    rank[order] = rank_within_groups(vac[order])
    desk = np.concatenate([[0], np.cumsum(desks)[:-1]])[vac] + rank % desks[vac]
    desk_window = np.repeat(window, desks)
    degree = max(np.bincount(cand, minlength=1).max(), np.bincount(desk, minlength=1).max())
    # Compact first (König: Δ slots suffice when every booth runs them), then the booths' whole
    # windows, then an exact search, since early leavers can force slots beyond Δ.
    slot = _kempe(cand, desk, n_cand, np.minimum(desk_window, degree))
    if slot is None:
        slot = _kempe(cand, desk, n_cand, desk_window)
    if slot is None:
        slot = _exact(cand, vac, n_cand, window, desks)
    if slot is None:
        early = [problem.vacancy_ids[v] for v in np.flatnonzero(window < window.max())[:5]]
        raise _refuse(
            "timetable",
            f"no clash-free timetable fits the booths' slots (booths that close early: {early}); "
            "give those booths more slots or interviewers",
            "部分展位时段不足，无法无冲突地安排全部面试",
            "slots",
        )
    # Interviewers in a booth's slot: the likeliest hire with the first.
    order = np.lexsort((cand, -assignment.probability, slot, vac))
    interviewer = np.empty(cand.size, dtype=np.int64)
    interviewer[order] = rank_within_groups(vac[order] * (window.max() + 1) + slot[order])
    return Timetable(
        tuple(problem.candidate_ids),
        tuple(problem.vacancy_ids),
        cand,
        vac,
        assignment.probability,
        slot,
        interviewer,
        start,
        slot_minutes,
    )


def _kempe(cand: IntArray, desk: IntArray, n_cand: int, limit: IntArray) -> IntArray | None:
    """Slots by alternating paths, tightest booths first; None if a booth's window blocks it."""
    colouring = _Colouring(cand.tolist(), desk.tolist(), n_cand, limit.tolist())
    for e in np.argsort(limit[desk], kind="stable").tolist():
        if not colouring.place(e):
            return None
    return np.asarray(colouring.colour, dtype=np.int64)


def _exact(
    cand: IntArray, vac: IntArray, n_cand: int, window: IntArray, desks: IntArray
) -> IntArray | None:
    """Slots by a feasibility MILP over (pair, slot) choices; None if none exists in time."""
    per_pair = window[vac]
    pair = np.repeat(np.arange(cand.size), per_pair)
    colour = np.arange(pair.size) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    width, n_rows = int(window.max()), cand.size + (n_cand + window.size) * int(window.max())
    by_cand = cand.size + cand[pair] * width + colour
    by_booth = cand.size + (n_cand + vac[pair]) * width + colour
    rows = np.concatenate([pair, by_cand, by_booth])
    columns = np.tile(np.arange(pair.size), 3)
    matrix = sp.csr_array((np.ones(rows.size), (rows, columns)), shape=(n_rows, pair.size))
    upper = np.concatenate([np.ones(cand.size + n_cand * width), np.repeat(desks, width)])
    lower = np.concatenate([np.ones(cand.size), np.zeros(n_rows - cand.size)])
    result = milp(
        np.zeros(pair.size),
        constraints=LinearConstraint(matrix, lower, upper),
        integrality=np.ones(pair.size),
        bounds=Bounds(0, 1),
        options={"time_limit": EXACT_TIME_LIMIT_SECONDS},
    )
    if result.status != 0 or result.x is None:
        return None
    chosen = np.asarray(result.x) > 0.5
    slots = np.empty(cand.size, dtype=np.int64)
    slots[pair[chosen]] = colour[chosen]
    return slots


class _Colouring:
    """Kempe-chain edge colouring; colours of desk d are limited to 0..limit[d]-1."""

    def __init__(self, cand: list[int], desk: list[int], n_cand: int, limit: list[int]):
        palette = max(limit, default=0)
        self.cand, self.desk, self.limit, self.palette = cand, desk, limit, palette
        self.colour = [-1] * len(cand)
        self.at_cand = [[-1] * palette for _ in range(n_cand)]
        self.at_desk = [[-1] * palette for _ in range(len(limit))]

    def place(self, e: int) -> bool:
        """Colour edge e, recolouring one alternating path if needed; False if stuck."""
        c, d = self.cand[e], self.desk[e]
        at_c, at_d, limit = self.at_cand[c], self.at_desk[d], self.limit[d]
        for k in range(limit):
            if at_c[k] < 0 and at_d[k] < 0:
                self._set(e, k)
                return True
        free_c = [k for k in range(self.palette) if at_c[k] < 0]
        free_d = [k for k in range(limit) if at_d[k] < 0]
        # Free a colour of c at d: swap the a/b path that starts at d (it cannot reach c).
        for a in (k for k in free_c if k < limit):
            for b in free_d:
                if self._swap(self._path(d, True, a, b), a, b):
                    self._set(e, a)
                    return True
        # Or free a colour of d at c: swap the b/a path that starts at c (it cannot reach d).
        for b in free_d:
            for a in free_c:
                if self._swap(self._path(c, False, b, a), b, a):
                    self._set(e, b)
                    return True
        return False

    def _set(self, e: int, k: int) -> None:
        self.colour[e] = k
        self.at_cand[self.cand[e]][k] = e
        self.at_desk[self.desk[e]][k] = e

    def _path(self, vertex: int, on_desk: bool, first: int, second: int) -> list[int]:
        path, k = [], first
        while (e := (self.at_desk if on_desk else self.at_cand)[vertex][k]) >= 0:
            path.append(e)
            vertex = self.cand[e] if on_desk else self.desk[e]
            on_desk, k = not on_desk, second if k == first else first
        return path

    def _swap(self, path: list[int], first: int, second: int) -> bool:
        """Exchange the two colours along the path unless a desk would leave its slots."""
        new = [second if self.colour[e] == first else first for e in path]
        if any(k >= self.limit[self.desk[e]] for e, k in zip(path, new, strict=True)):
            return False
        for e in path:
            self.at_cand[self.cand[e]][self.colour[e]] = -1
            self.at_desk[self.desk[e]][self.colour[e]] = -1
        for e, k in zip(path, new, strict=True):
            self._set(e, k)
        return True
