"""Benchmark: pre-match 3,000 candidates to 500 vacancies (budget in docs/architecture.md: ≤ 10 s
on 2 cores).

Run: .venv/bin/python experiments/fair_prematch_benchmark.py [--runs 5] [--seed 2024]

The synthetic fair is sparse and skewed on purpose: each candidate is eligible for 60-150
vacancies, popular vacancies are eligible for many and attract higher probabilities, so everyone's
top-3 piles up at a few booths. Capacity follows openings; 15% of booths close an hour early.
Exits non-zero if any constraint is broken or expected hires fall below the naive way's or below
99% of the LP bound.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time as clock
from datetime import time
from typing import Any

import numpy as np
import scipy  # type: ignore[import-untyped]
import scipy.sparse as sp  # type: ignore[import-untyped]

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
from matching.fair_solver.assignment import IntArray

N_CANDIDATES, N_VACANCIES, MAX_BOOTHS = 3_000, 500, 3
DAY_SLOTS, EARLY_SLOTS = 9, 6  # 20-minute slots from 9:00 to 12:00; early booths close at 11:00


Fair = tuple[Any, IntArray, IntArray, IntArray]


def synthetic_fair(seed: int) -> Fair:
    """Probability matrix, capacity, slots and interviewers per vacancy of one synthetic fair."""
    rng = np.random.default_rng(seed)
    popularity = rng.lognormal(0.0, 1.0, N_VACANCIES)
    appeal = 0.6 * np.log(popularity) + rng.normal(0.0, 0.3, N_VACANCIES)
    ability = rng.normal(-3.2, 0.7, N_CANDIDATES)
    weight = np.sqrt(popularity) / np.sqrt(popularity).sum()
    eligible = rng.integers(60, 151, N_CANDIDATES)
    rows = np.repeat(np.arange(N_CANDIDATES), eligible)
    cols = np.concatenate([rng.choice(N_VACANCIES, k, replace=False, p=weight) for k in eligible])
    logit = ability[rows] + appeal[cols] + rng.normal(0.0, 1.0, rows.size)
    probability = sp.csr_array(
        (1 / (1 + np.exp(-logit)), (rows, cols)), shape=(N_CANDIDATES, N_VACANCIES)
    )
    openings = np.minimum(rng.geometric(0.5, N_VACANCIES), 10)
    capacity = interview_capacity(openings, per_opening=4, minimum=3, maximum=24)
    slots = np.where(rng.random(N_VACANCIES) < 0.15, EARLY_SLOTS, DAY_SLOTS).astype(np.int64)
    interviewers = np.maximum(-(-capacity // slots), 1)
    return probability, capacity, slots, interviewers


def prematch(fair: Fair) -> tuple[FairProblem, Assignment, Timetable, dict[str, float]]:
    """One timed run: build the problem, assign, make the timetable."""
    probability, capacity, slots, interviewers = fair
    started = clock.perf_counter()
    problem = FairProblem(
        candidate_ids=range(N_CANDIDATES),
        vacancy_ids=range(10_000, 10_000 + N_VACANCIES),
        probability=probability,
        capacity=capacity,
        slots=slots,
        max_booths_per_candidate=MAX_BOOTHS,
        interviewers=interviewers,
    )
    built = clock.perf_counter()
    found = assign(problem)
    assigned = clock.perf_counter()
    table = make_timetable(problem, found, start=time(9, 0), slot_minutes=20)
    done = clock.perf_counter()
    seconds = {
        "build": built - started,
        "assign": assigned - built,
        "timetable": done - assigned,
        "total": done - started,
    }
    return problem, found, table, seconds


def broken_constraints(problem: FairProblem, found: Assignment, table: Timetable) -> list[str]:
    """Every rule the output must keep, checked from scratch."""
    n_cand, n_vac = problem.shape
    dense = sp.csr_array(problem.probability).toarray()
    problems = []
    if np.any(np.bincount(found.vacancy, minlength=n_vac) > problem.capacity):
        problems.append("a vacancy over capacity")
    if np.any(np.bincount(found.candidate, minlength=n_cand) > problem.max_booths_per_candidate):
        problems.append("a candidate over the booth limit")
    if np.any(dense[found.candidate, found.vacancy] <= 0):
        problems.append("an ineligible pair")
    if np.unique(table.candidate * 100 + table.slot).size != table.slot.size:
        problems.append("a candidate with clashing slots")
    desk_slot = (table.vacancy * 100 + table.interviewer) * 100 + table.slot
    if np.unique(desk_slot).size != table.slot.size:
        problems.append("an interviewer with clashing slots")
    if np.any(table.slot >= problem.slots[table.vacancy]):
        problems.append("an interview after its booth closes")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)

    cpu = "unknown"
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if "model name" in line), cpu
            )
    print(f"machine: nproc={os.cpu_count()} cpu={cpu}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}")

    fair = synthetic_fair(args.seed)
    runs = [prematch(fair) for _ in range(args.runs)]
    problem, found, table, _ = runs[-1]
    totals = [seconds["total"] for *_, seconds in runs]
    print(f"fair: {problem.shape[0]} candidates × {problem.shape[1]} vacancies, ", end="")
    print(f"{problem.pair_probability.size} eligible pairs, m={MAX_BOOTHS}, ", end="")
    print(f"capacity {int(problem.capacity.sum())} interviews")
    for name in ("build", "assign", "timetable", "total"):
        values = [seconds[name] for *_, seconds in runs]
        print(f"  {name:<10} median {statistics.median(values):6.3f} s   max {max(values):6.3f} s")

    started = clock.perf_counter()
    naives = [naive_assignment(problem, rule, seed=args.seed) for rule in ("arrival", "best")]
    naive_seconds = clock.perf_counter() - started
    print(f"  naive (both rules) {naive_seconds:.3f} s")
    for naive in naives:
        print("\n".join(compare_with_naive(problem, found, naive).lines()))
    print(f"slots used: {int(table.slot.max()) + 1} of {DAY_SLOTS}")
    ratio_bound = found.expected_hires / found.lp_bound
    print(
        f"optimal / LP bound = {ratio_bound:.6f}; gap {found.lp_bound - found.expected_hires:.2e}"
    )
    for naive in naives:
        print(f"optimal / naive({naive.rule}) = {found.expected_hires / naive.expected_hires:.3f}")

    failures = broken_constraints(problem, found, table)
    if max(totals) > 10:
        failures.append(f"slowest run {max(totals):.2f} s > 10 s")
    if any(found.expected_hires < naive.expected_hires for naive in naives):
        failures.append("expected hires below the naive way")
    if ratio_bound < 0.99:
        failures.append("expected hires more than 1% below the LP bound")
    print("checks:", "all passed" if not failures else "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
