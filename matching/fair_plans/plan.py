"""One pre-match: the solver of ``matching.fair_solver`` run on a fair's probabilities, both ways.

The caller brings the predicted hire probabilities of the eligible pairs (zero elsewhere) and each
booth's interview capacity; ``plan_fair`` splits the day into slots, gives every booth enough
interviewers for its capacity (or the number the organiser sets, clipping the capacity to what
they can hold), assigns pairs exactly, times them without clashes and measures the naive way
(everyone at their own top booths) on the same fair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

import numpy as np

from matching.errors import ValidationError
from matching.fair_solver import (
    Assignment,
    Comparison,
    FairProblem,
    Timetable,
    WayReport,
    assign,
    compare_with_naive,
    make_timetable,
    naive_assignment,
)
from matching.fair_solver.assignment import IntArray

MAX_BOOTHS = 10
MAX_SLOTS = 48
MAX_SLOT_MINUTES = 120
MAX_INTERVIEWERS = 20


@dataclass(frozen=True)
class Day:
    """How the fair's day runs and how many booths one candidate may visit."""

    max_booths: int = 3
    slots: int = 9
    slot_minutes: int = 20
    start: time = time(9, 0)
    interviewers: int | None = None  # per booth; None: as many as its capacity needs
    naive_seed: int = 0

    def __post_init__(self) -> None:
        checks = (
            ("max_booths", 1 <= self.max_booths <= MAX_BOOTHS, f"1..{MAX_BOOTHS}"),
            ("slots", 1 <= self.slots <= MAX_SLOTS, f"1..{MAX_SLOTS}"),
            ("slot_minutes", 5 <= self.slot_minutes <= MAX_SLOT_MINUTES, f"5..{MAX_SLOT_MINUTES}"),
            (
                "interviewers",
                self.interviewers is None or 1 <= self.interviewers <= MAX_INTERVIEWERS,
                f"1..{MAX_INTERVIEWERS}",
            ),
        )
        for name, ok, allowed in checks:
            if not ok:
                raise ValidationError(
                    "fair_day", f"{name} must be {allowed}", f"{name} 应在 {allowed} 之间", name
                )
        minutes = self.start.hour * 60 + self.start.minute + self.slots * self.slot_minutes
        if minutes > 24 * 60:
            raise ValidationError(
                "fair_day",
                "the interview slots run past midnight: start earlier, or use fewer or shorter "
                "slots",
                "面试时段超过午夜：请提前开始时间，或减少时段数、缩短每段时长",
                "slots",
            )


@dataclass(frozen=True, eq=False)
class FairPlan:
    """The problem solved, the chosen pairs with their slots and the comparison."""

    problem: FairProblem
    assignment: Assignment
    timetable: Timetable
    comparison: Comparison  # against the naive way, first arrivals interviewed
    naive_best: WayReport  # the naive way at its most generous (booths take their likeliest)
    capacity: IntArray  # interviews per booth after clipping to slots × interviewers
    interviewers: IntArray


def plan_fair(
    candidate_ids: Sequence[int],
    vacancy_ids: Sequence[int],
    probability: Any,
    capacity: Sequence[int],
    day: Day,
) -> FairPlan:
    """Solve one fair; ``probability`` is candidates × vacancies (dense or scipy.sparse)."""
    wanted = np.asarray(capacity, dtype=np.int64)
    if day.interviewers is None:
        interviewers = np.maximum(-(-wanted // day.slots), 1)
    else:
        interviewers = np.full(wanted.size, day.interviewers, dtype=np.int64)
    held = np.minimum(wanted, interviewers * day.slots)
    problem = FairProblem(
        candidate_ids=candidate_ids,
        vacancy_ids=vacancy_ids,
        probability=probability,
        capacity=held,
        slots=np.full(wanted.size, day.slots, dtype=np.int64),
        max_booths_per_candidate=min(day.max_booths, day.slots),  # one slot per booth visited
        interviewers=interviewers,
    )
    assignment = assign(problem)
    timetable = make_timetable(problem, assignment, day.start, day.slot_minutes)
    arrival = naive_assignment(problem, "arrival", seed=day.naive_seed)
    best = naive_assignment(problem, "best")
    return FairPlan(
        problem=problem,
        assignment=assignment,
        timetable=timetable,
        comparison=compare_with_naive(problem, assignment, arrival),
        naive_best=compare_with_naive(problem, assignment, best).naive,
        capacity=problem.capacity,
        interviewers=interviewers,
    )
