"""Competition for a vacancy's openings: the part of the ground truth that makes a list's quality
depend on everyone else's lists.

A vacancy has ``openings`` posts (``matching/synth/vacancies.py`` draws them; the column is in
the database). Its employer shortlists about ``SHORTLIST_PER_OPENING`` applicants per opening for
interview, so each applicant's chance of an interview falls once applicants per opening pass that
figure; hires happen in the order offers are accepted and the post closes when its openings are
filled; a person takes at most one job. The history (``play_out``) draws this; the city replay
(``training/oracle_city.py``) takes its expectation (``expected_fills``, ``rationed``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matching.synth.truth.latents import FloatArray, IntArray

# An employer interviews about four applicants per opening: the fair solver's default
# interviews per opening (matching/fair_solver/assignment.py, ``per_opening=4.0``), itself an
# *assumption* of a day's interviewing per post. Below that load every applicant is considered.
SHORTLIST_PER_OPENING = 4.0


def screening(applicants: npt.ArrayLike, openings: npt.ArrayLike) -> FloatArray:
    """Chance an applicant is considered at all: 1 while applicants ≤ 4 × openings, then
    4 × openings / applicants (the employer reads a shortlist, not every application)."""
    load = np.asarray(applicants, dtype=float)
    posts = np.maximum(np.asarray(openings, dtype=float), 1.0)
    return np.asarray(np.minimum(1.0, SHORTLIST_PER_OPENING * posts / np.maximum(load, 1e-12)))


def fill_in_order(
    person: IntArray,
    vacancy: IntArray,
    at: npt.NDArray[np.datetime64],
    would_hire: npt.NDArray[np.bool_],
    openings: IntArray,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Which would-be hires happen: in time order, while the vacancy has an opening left and the
    person has no job yet. Returns (hired, post_filled): a would-be hire that is not hired lost
    either to a filled post or to the person's earlier job. ``openings`` is per row.

    Deterministic (a stable sort on time, then row); a loop over the would-be hires only, which
    are a few per cent of the referrals (a few thousand on the demo city).
    """
    rows = np.flatnonzero(would_hire)
    rows = rows[np.argsort(at[rows], kind="stable")]
    hired = np.zeros(len(person), dtype=bool)
    filled = np.zeros(len(person), dtype=bool)
    taken: dict[int, int] = {}
    employed: set[int] = set()
    for row in rows.tolist():
        post, who = int(vacancy[row]), int(person[row])
        if who in employed:
            continue
        if taken.get(post, 0) >= max(int(openings[row]), 1):
            filled[row] = True
            continue
        taken[post] = taken.get(post, 0) + 1
        employed.add(who)
        hired[row] = True
    return hired, filled


def expected_fills(q: FloatArray, vacancy: IntArray, openings: IntArray) -> FloatArray:
    """E[min(openings, hires)] of each vacancy when its applicants would each be hired with
    probability ``q`` independently (a Poisson-binomial, exact by dynamic programming truncated
    at the openings). ``vacancy`` holds dense indices 0..V-1 per row, ``openings`` one per vacancy.
    Two persons at one opening: 1 − (1 − q₁)(1 − q₂)."""
    posts = np.maximum(np.asarray(openings, dtype=np.int64), 1)
    n_vacancies = len(posts)
    top = int(posts.max()) if n_vacancies else 1
    order = np.argsort(vacancy, kind="stable")
    v_sorted, q_sorted = vacancy[order], q[order]
    starts = np.searchsorted(v_sorted, np.arange(n_vacancies))
    position = np.arange(len(v_sorted)) - starts[v_sorted]
    # dist[v, j] = P(j hires so far) for j < top; the last column holds P(≥ top)
    dist = np.zeros((n_vacancies, top + 1))
    dist[:, 0] = 1.0
    for step in range(int(position.max()) + 1 if len(position) else 0):
        at = position == step
        v, p = v_sorted[at], q_sorted[at][:, None]
        old = dist[v]
        new = old * (1.0 - p)
        new[:, 1:] += old[:, :-1] * p
        new[:, -1] += old[:, -1] * p[:, 0]  # ≥ top stays ≥ top
        dist[v] = new
    j = np.arange(top + 1)
    capped = np.minimum(j[None, :], posts[:, None])
    return np.asarray((dist * capped).sum(axis=1))


def rationed(q: FloatArray, vacancy: IntArray, openings: IntArray) -> FloatArray:
    """Each row's hire probability after its vacancy's openings are shared out: the vacancy's
    expected fills split in proportion to ``q`` (an applicant's share of a filled post)."""
    n_vacancies = len(openings)
    fills = expected_fills(q, vacancy, openings)
    wanted = np.bincount(vacancy, weights=q, minlength=n_vacancies)
    share = np.divide(fills, wanted, out=np.zeros(n_vacancies), where=wanted > 0)
    return np.asarray(q * share[vacancy])


def one_job_each(r: FloatArray, person: IntArray, n_persons: int) -> FloatArray:
    """P(a person is placed) = 1 − ∏(1 − r) over their rows: several offers, one job."""
    log_miss = np.bincount(
        person, weights=np.log1p(-np.minimum(r, 1.0 - 1e-12)), minlength=n_persons
    )
    return np.asarray(1.0 - np.exp(log_miss))
