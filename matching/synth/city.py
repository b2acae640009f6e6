"""Build the synthetic Liaocheng: persons, employers, vacancies, training, two years of history.

``build_city(seed, scale, as_of)`` is a pure function of its arguments (same inputs, same city);
each part draws from its own child of one seed sequence, so changing one part's draws does not
shift the others. The latents (the ground truth) come back separately and are saved beside the
database, never in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from matching.synth.employers import generate_employers
from matching.synth.fairs_history import past_fairs
from matching.synth.history_courses import course_referrals, play_out_courses
from matching.synth.history_jobs import concat, counselor_referrals, play_out, self_applications
from matching.synth.ledger_plans import ledger_plans
from matching.synth.ledgers import graduate_ledgers
from matching.synth.people import generate_persons
from matching.synth.selection import person_view, vacancy_view
from matching.synth.timeline import as_datetime64, current_stage
from matching.synth.training import generate_training
from matching.synth.truth import CourseTruth, JobTruth, Latents
from matching.synth.vacancies import generate_vacancies

HISTORY_DAYS = 730


@dataclass(frozen=True)
class Scale:
    persons: int
    employers: int
    open_vacancies: int
    past_vacancies: int
    training_bases: int


SCALES = {
    "demo": Scale(20_000, 2_000, 6_000, 6_000, 35),
    "city": Scale(100_000, 8_000, 20_000, 16_000, 60),
    "test": Scale(1_500, 200, 450, 450, 30),
}


@dataclass(frozen=True)
class City:
    frames: dict[str, pl.DataFrame]
    latents: Latents


def build_city(
    seed: int, scale: Scale, as_of: date, progress: Callable[[str], None] = lambda _step: None
) -> City:
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    progress("persons")
    persons, assessments, person_latent = generate_persons(streams[0], scale.persons, as_of)
    progress("employers")
    employers, employer_latent = generate_employers(streams[1], scale.employers)
    vacancies = generate_vacancies(
        streams[2], employers, scale.open_vacancies, scale.past_vacancies, as_of, HISTORY_DAYS
    )
    progress("training")
    bases, courses, course_latent = generate_training(streams[3], scale.training_bases, as_of)
    latents = Latents(seed, as_of, person_latent, employer_latent, course_latent)
    progress("history")
    end = as_datetime64(as_of)
    window = as_datetime64(as_of - timedelta(days=HISTORY_DAYS))
    starts = np.maximum(persons["registered_on"].to_numpy().astype("datetime64[s]"), window)
    people, jobs = person_view(persons, assessments), vacancy_view(vacancies, end)
    pids, vids = persons["id"].to_numpy(), vacancies["id"].to_numpy()
    fairs, booths, candidates, contacts = past_fairs(streams[4], persons, vacancies, as_of)
    job_referrals = concat(
        [
            counselor_referrals(streams[5], people, jobs, pids, vids, starts, end),
            self_applications(streams[5], people, jobs, pids, vids, starts, end),
            contacts,
        ]
    )
    referrals, log = play_out(
        streams[6], job_referrals, JobTruth(latents, persons, vacancies, employers), 1, end
    )
    course_args = course_referrals(streams[7], persons, courses, bases, starts, end)
    durations = dict(zip(courses["id"].to_list(), courses["duration_days"].to_list(), strict=True))
    course_rows = play_out_courses(
        streams[7],
        *course_args,
        CourseTruth(latents, persons, courses, bases),
        durations,
        referrals.height + 1,
        log,
    )
    events = log.frame()
    all_referrals = _with_stage(pl.concat([referrals, course_rows], how="diagonal_relaxed"), events)
    ledgers, follow_ups = graduate_ledgers(streams[4], persons, as_of)
    plans = np.random.default_rng(streams[4].integers(2**63))  # after the ledgers' own draws
    ledgers, ledger_actions, status_changes = ledger_plans(plans, ledgers, persons, as_of)
    frames = {
        "persons": _employment_after_history(persons, all_referrals),
        "assessments": assessments,
        "employers": employers,
        "vacancies": vacancies,
        "training_bases": bases,
        "courses": courses,
        "fairs": fairs,
        "fair_vacancies": booths,
        "fair_candidates": candidates,
        "referrals": all_referrals,
        "referral_events": events,
        "graduate_ledgers": ledgers,
        "ledger_follow_ups": follow_ups,
        "ledger_actions": ledger_actions,
        "ledger_status_changes": status_changes,
    }
    return City(frames, latents)


def _with_stage(referrals: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    stage = current_stage(events)
    return referrals.join(stage, left_on="id", right_on="referral_id", how="left").with_columns(
        pl.col("referred_at").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
        referred_by=pl.lit(None, dtype=pl.Int64),
        model_version=pl.lit(None, dtype=pl.String),
    )


def _employment_after_history(persons: pl.DataFrame, referrals: pl.DataFrame) -> pl.DataFrame:
    """People hired through a referral and still there are employed now."""
    placed = referrals.filter(pl.col("stage").is_in(["hired", "retained_6m"]))["person_id"]
    return persons.with_columns(
        employment_status=pl.when(pl.col("id").is_in(placed.implode()))
        .then(pl.lit("employed"))
        .otherwise(pl.col("employment_status"))
    )
