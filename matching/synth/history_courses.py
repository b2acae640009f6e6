"""Course referrals with ranks, and enrolments, completions and jobs found afterwards."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from matching.geo import haversine_km
from matching.synth.history_jobs import session_times
from matching.synth.timeline import EventLog, after
from matching.synth.truth import CourseTruth, examination_probability

COURSE_SESSIONS_PER_PERSON = 0.35  # counselor sessions that end in a training list (*assumption*)
COURSES_SHOWN = 3


def course_referrals(
    rng: np.random.Generator,
    persons: pl.DataFrame,
    courses: pl.DataFrame,
    bases: pl.DataFrame,
    starts: npt.NDArray[np.datetime64],
    end: np.datetime64,
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.datetime64], npt.NDArray[np.int64]
]:
    """(person ids, course ids, times, ranks): a counselor shows the three nearest accessible
    courses with some judgement noise."""
    rows, times = session_times(rng, starts, end, COURSE_SESSIONS_PER_PERSON)
    located = courses.join(
        bases.select("id", "latitude", "longitude"), left_on="base_id", right_on="id"
    )
    lat = persons["latitude"].to_numpy()[rows]
    lon = persons["longitude"].to_numpy()[rows]
    distance = haversine_km(
        lat[:, None],
        lon[:, None],
        located["latitude"].to_numpy()[None, :],
        located["longitude"].to_numpy()[None, :],
    )
    score = -distance / 15.0 + rng.gumbel(0.0, 1.0, distance.shape)
    top = np.argsort(-score, axis=1)[:, :COURSES_SHOWN]
    person_ids = np.repeat(persons["id"].to_numpy()[rows], COURSES_SHOWN)
    course_ids = located["id"].to_numpy()[top].ravel()
    ranks = np.tile(np.arange(1, COURSES_SHOWN + 1), len(rows))
    return person_ids, course_ids, np.repeat(times, COURSES_SHOWN), ranks


def play_out_courses(
    rng: np.random.Generator,
    person_ids: npt.NDArray[np.int64],
    course_ids: npt.NDArray[np.int64],
    times: npt.NDArray[np.datetime64],
    ranks: npt.NDArray[np.int64],
    truth: CourseTruth,
    durations: dict[int, int],
    first_id: int,
    log: EventLog,
) -> pl.DataFrame:
    n = len(person_ids)
    ids = np.arange(first_id, first_id + n)
    outcome = truth.outcome(person_ids, course_ids)
    examined = rng.random(n) < examination_probability(ranks)
    enrolled = examined & (rng.random(n) < outcome.enroll)
    completed = enrolled & (rng.random(n) < outcome.complete)
    employed = completed & (rng.random(n) < outcome.employed)
    length = np.array([durations[int(c)] for c in course_ids])
    log.add(ids, "referred", times, np.ones(n, dtype=bool))
    t_enrol = after(rng, times, 7, 60)
    log.add(ids, "enrolled", t_enrol, enrolled)
    t_done = t_enrol + length * np.timedelta64(1, "D")
    log.add(ids, "completed", t_done, completed)
    log.add(ids, "dropped", after(rng, t_enrol, 3, 20), enrolled & ~completed)
    log.add(ids, "employed_6m", after(rng, t_done, 20, 180), employed)
    return pl.DataFrame(
        {
            "id": ids,
            "person_id": person_ids,
            "vacancy_id": np.full(n, None),
            "course_id": course_ids,
            "source": np.full(n, "counselor"),
            "fair_id": np.full(n, None),
            "referred_at": times.astype("datetime64[us]"),
            "shown_rank": ranks,
        },
        strict=False,
    ).with_columns(
        pl.col("vacancy_id").cast(pl.Int64),
        pl.col("fair_id").cast(pl.Int64),
        pl.col("shown_rank").cast(pl.Int16),
    )
