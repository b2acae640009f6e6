"""Two years of job referrals: counselor lists (with ranks), fair contacts and self-applications,
each carried through staged outcomes drawn from the ground truth with the position effect and
the competition for each vacancy's openings (``matching/synth/truth/competition.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from matching.synth.selection import PersonView, VacancyView, counselor_lists
from matching.synth.timeline import DAY, EventLog, after
from matching.synth.truth import JobTruth, examination_probability
from matching.synth.truth.competition import fill_in_order, screening

SESSIONS_PER_PERSON = 1.3  # counselor sessions with a job list in two years (*assumption*)
SELF_APPLICATIONS_PER_PERSON = 0.4  # *assumption*
LIST_SIZES = (5, 10)  # a counselor's printed list holds 5–10 vacancies (*assumption*)
SILENT_SHARE = 0.5  # half of the people who never apply are never heard from again
APPLY_REASONS = frozenset({"distance", "pay", "hours"})
EMPLOYER_REASONS = frozenset({"skills", "accessibility", "accommodation_unavailable"})


@dataclass(frozen=True)
class Referrals:
    """Referral rows before their stage is known: ids, person, vacancy, source, time, rank."""

    person_id: npt.NDArray[np.int64]
    vacancy_id: npt.NDArray[np.int64]
    source: npt.NDArray[np.str_]
    referred_at: npt.NDArray[np.datetime64]
    shown_rank: npt.NDArray[np.float64]  # NaN when not shown in a ranked list
    fair_id: npt.NDArray[np.float64]  # NaN when not at a fair


def session_times(
    rng: np.random.Generator,
    starts: npt.NDArray[np.datetime64],
    end: np.datetime64,
    per_person: float,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.datetime64]]:
    """Poisson-many sessions per person, uniform between the person's start and ``end``."""
    span = (end - starts) / np.timedelta64(1, "s")
    counts = rng.poisson(per_person * np.clip(span / (730 * 86400), 0, 1))
    rows = np.repeat(np.arange(len(starts)), counts)
    offsets = rng.random(len(rows)) * span[rows]
    return rows, starts[rows] + offsets.astype(np.int64) * np.timedelta64(1, "s")


def counselor_referrals(
    rng: np.random.Generator,
    people: PersonView,
    jobs: VacancyView,
    person_ids: npt.NDArray[np.int64],
    vacancy_ids: npt.NDArray[np.int64],
    starts: npt.NDArray[np.datetime64],
    end: np.datetime64,
) -> Referrals:
    rows, times = session_times(rng, starts, end, SESSIONS_PER_PERSON)
    sizes = rng.integers(LIST_SIZES[0], LIST_SIZES[1] + 1, len(rows))
    session, vacancy, rank = counselor_lists(rng, people, jobs, rows, times, sizes)
    return Referrals(
        person_id=person_ids[rows[session]],
        vacancy_id=vacancy_ids[vacancy],
        source=np.full(len(session), "counselor"),
        referred_at=times[session],
        shown_rank=rank.astype(float),
        fair_id=np.full(len(session), np.nan),
    )


def self_applications(
    rng: np.random.Generator,
    people: PersonView,
    jobs: VacancyView,
    person_ids: npt.NDArray[np.int64],
    vacancy_ids: npt.NDArray[np.int64],
    starts: npt.NDArray[np.datetime64],
    end: np.datetime64,
) -> Referrals:
    """People apply on their own to one vacancy they like (a noisier choice, no rank)."""
    rows, times = session_times(rng, starts, end, SELF_APPLICATIONS_PER_PERSON)
    session, vacancy, _rank = counselor_lists(
        rng, people, jobs, rows, times, np.ones(len(rows), dtype=np.int64), noise=2.0
    )
    return Referrals(
        person_id=person_ids[rows[session]],
        vacancy_id=vacancy_ids[vacancy],
        source=np.full(len(session), "self"),
        referred_at=times[session],
        shown_rank=np.full(len(session), np.nan),
        fair_id=np.full(len(session), np.nan),
    )


def concat(parts: list[Referrals]) -> Referrals:
    return Referrals(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in Referrals.__dataclass_fields__)
    )


def play_out(
    rng: np.random.Generator,
    referrals: Referrals,
    truth: JobTruth,
    first_id: int,
    as_of: np.datetime64,
) -> tuple[pl.DataFrame, EventLog]:
    """Draw every referral's stages from the truth; return referral rows and the event log."""
    n = len(referrals.person_id)
    ids = np.arange(first_id, first_id + n)
    outcome = truth.outcome(referrals.person_id, referrals.vacancy_id)
    direct = referrals.source != "counselor"  # fair contacts and self-applications are applications
    examined = direct | (rng.random(n) < examination_probability(referrals.shown_rank))
    applied = direct | (examined & (rng.random(n) < outcome.apply))
    # Applicants compete: beyond four per opening the employer shortlists (competition.py).
    vacancy_row = truth.vacancy_rows(referrals.vacancy_id)
    openings = truth.openings[vacancy_row]
    applicants = np.bincount(vacancy_row, weights=applied, minlength=len(truth.openings))
    considered = screening(applicants[vacancy_row], openings)
    interviewed = applied & (rng.random(n) < outcome.interview * considered)
    offered = interviewed & (rng.random(n) < outcome.offer)
    would_hire = offered & (rng.random(n) < outcome.accept)
    stays = rng.random(n) < outcome.retain
    log = EventLog(as_of)
    t0 = referrals.referred_at
    log.add(ids, "referred", t0, ~direct)
    t_apply = np.where(direct, t0, after(rng, t0, 1, 7))
    log.add(ids, "applied", t_apply, applied)
    t_interview = after(rng, t_apply, 3, 14)
    t_offer = after(rng, t_interview, 1, 7)
    t_hire = after(rng, t_offer, 3, 14)
    # The post closes when filled (no offer after that); a person takes one job at most.
    hired, post_filled = fill_in_order(
        referrals.person_id, vacancy_row, t_hire, would_hire, openings
    )
    offered &= ~post_filled
    retained = hired & stays
    log.add(ids, "interviewed", t_interview, interviewed)
    log.add(ids, "offered", t_offer, offered)
    log.add(ids, "hired", t_hire, hired)
    log.add(ids, "retained_6m", t_hire + 182 * DAY, retained)
    hint = outcome.refusal_hint
    person_side = np.where(np.isin(hint, list(APPLY_REASONS)), hint, "person_declined")
    person_side = np.where(rng.random(n) < 0.15, "no_contact", person_side)
    employer_side = np.where(np.isin(hint, list(EMPLOYER_REASONS)), hint, "employer_declined")
    declined_offer = np.where(np.isin(hint, ["pay", "distance"]), hint, "person_declined")
    silent = rng.random(n) < SILENT_SHARE
    log.add(
        ids,
        "refused",
        after(rng, t0, 5, 25),
        examined & ~applied & ~silent,
        person_side.astype(object),
    )
    log.add(
        ids,
        "refused",
        after(rng, t_apply, 5, 20),
        applied & ~interviewed,
        employer_side.astype(object),
    )
    log.add(
        ids,
        "refused",
        after(rng, t_interview, 2, 10),
        interviewed & ~offered,
        employer_side.astype(object),
    )
    log.add(
        ids, "refused", after(rng, t_offer, 1, 5), offered & ~hired, declined_offer.astype(object)
    )
    rows = pl.DataFrame(
        {
            "id": ids,
            "person_id": referrals.person_id,
            "vacancy_id": referrals.vacancy_id,
            "course_id": np.full(n, None),
            "source": referrals.source,
            "fair_id": referrals.fair_id,
            "referred_at": t0.astype("datetime64[us]"),
        },
        strict=False,
    ).with_columns(
        pl.col("fair_id").fill_nan(None).cast(pl.Int64),
        pl.col("course_id").cast(pl.Int64),
        shown_rank=pl.Series(referrals.shown_rank).fill_nan(None).cast(pl.Int16),
    )
    return rows, log
