"""The city replay behind ``jobmatch evaluate city``: the test months again, with counselors
following the served lists, judged by what the whole city gets (issue 19 §2).

Every counselor session of the newest ``months`` months (the test months of
``training/split.py``) is replayed: the session's person, at its moment, gets the candidate set
candidate generation gives today's code (``features.candidates``), each policy serves its top-10,
and the ground truth (``training/oracle_city.py``, outcomes only) says what the served lists are
expected to yield once everyone competes for the same openings. Policies see the candidate
frame and the plain ranker's score, never the truth (``training/city_policies.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from features.candidates import job_candidates
from features.context import FeatureContext
from features.jobs import job_features, people_at
from features.sources import UTC_MICROS
from training.city_metrics import PolicyReport, policy_report
from training.city_policies import Policy
from training.oracle_city import CityTruth, expected_outcome
from training.split import TimeSplit

__all__ = ["CityReplay", "ReplayCity", "replay", "replay_city", "sessions"]

CHUNK = 300  # sessions whose candidate features are built at once (bounds memory)


@dataclass(frozen=True)
class ReplayCity:
    """What every policy is replayed on: the sessions' candidate frames and the open catalogue."""

    frame: pl.DataFrame  # query_id, person_id, vacancy_id, at, features, score
    persons: pl.DataFrame  # person_id, county, disability_category (one row per replayed person)
    vacancies: pl.DataFrame  # vacancy_id, openings: open at some moment of the replayed months
    start: datetime
    end: datetime


@dataclass(frozen=True)
class CityReplay:
    months: int
    sessions: int
    city: ReplayCity
    reports: dict[str, PolicyReport]


def sessions(context: FeatureContext, months: int) -> tuple[pl.DataFrame, datetime, datetime]:
    """The counselor sessions (query_id, person_id, at) of the newest ``months`` months."""
    jobs = context.snapshot.referrals.filter(pl.col("vacancy_id").is_not_null())
    end = jobs["referred_at"].max()
    assert isinstance(end, datetime), "the history holds no job referral"
    start = TimeSplit.newest_months(end, test_months=months).valid_end
    found = (
        jobs.filter((pl.col("source") == "counselor") & (pl.col("referred_at") >= start))
        .select("person_id", at=pl.col("referred_at").cast(UTC_MICROS))
        .unique()
        .sort("at", "person_id")
        .with_row_index("query_id")
        .with_columns(pl.col("query_id").cast(pl.Int64))
    )
    return found, start, end


def candidate_frame(
    context: FeatureContext, queries: pl.DataFrame, score: Callable[[pl.DataFrame], np.ndarray]
) -> pl.DataFrame:
    """Every session's candidates with the job features and the plain ranker's ``score``."""
    parts = []
    for offset in range(0, queries.height, CHUNK):
        chunk = queries.slice(offset, CHUNK).lazy()
        people = people_at(context, chunk).collect()
        items = job_candidates(context, people.lazy()).select("query_id", "vacancy_id")
        frame = job_features(context, people.lazy(), items).collect()
        parts.append(frame.with_columns(score=pl.Series(score(frame), dtype=pl.Float64)))
    return pl.concat(parts).sort("query_id", "vacancy_id")


def open_catalogue(context: FeatureContext, start: datetime, end: datetime) -> pl.DataFrame:
    """Vacancies open at some moment of [start, end], with their openings."""
    opened = context.open_vacancies.filter(
        (pl.col("_opened_on") <= end.date())
        & (pl.col("_deadline").is_null() | (pl.col("_deadline") >= start.date()))
    ).select("vacancy_id")
    openings = context.snapshot.vacancies.select(
        vacancy_id=pl.col("id"), openings=pl.col("openings").fill_null(1).clip(1, None)
    )
    return opened.join(openings, on="vacancy_id", how="left").sort("vacancy_id")


def replay_city(
    context: FeatureContext,
    months: int,
    score: Callable[[pl.DataFrame], np.ndarray],
    *,
    frame: pl.DataFrame | None = None,
) -> ReplayCity:
    """The replay of the newest ``months``; ``frame``: the candidate frame kept from an earlier
    call on the same city and scores (it is the costly part), built when None."""
    queries, start, end = sessions(context, months)
    if frame is None:
        frame = candidate_frame(context, queries, score)
    persons = (
        queries.select("person_id")
        .unique()
        .join(
            context.persons.select(
                person_id=pl.col("id"), county=pl.col("county"), category="disability_category"
            ),
            on="person_id",
            how="left",
        )
        .sort("person_id")
    )
    catalogue = open_catalogue(context, start, end)
    extra = frame.select("vacancy_id").unique().join(catalogue, on="vacancy_id", how="anti")
    if extra.height:  # a candidate outside the window's catalogue (deadline edge): count it
        more = extra.join(
            context.snapshot.vacancies.select(vacancy_id="id", openings="openings"),
            on="vacancy_id",
            how="left",
        ).with_columns(pl.col("openings").fill_null(1).clip(1, None))
        catalogue = pl.concat([catalogue, more], how="vertical_relaxed").sort("vacancy_id")
    return ReplayCity(frame, persons, catalogue, start, end)


def replay(
    city: ReplayCity, truth: CityTruth, policies: Mapping[str, Policy], *, baseline: str = "plain"
) -> dict[str, PolicyReport]:
    """Serve each policy's lists and judge them; ratios are against ``baseline``."""
    grades = truth.grades(city.frame)
    judged = city.frame.select("query_id", "person_id", "vacancy_id").with_columns(
        grade=pl.Series(grades)
    )
    person_index = city.persons["person_id"]
    vacancy_index = city.vacancies["vacancy_id"]
    openings = city.vacancies["openings"].to_numpy().astype(np.int64)
    reports: dict[str, PolicyReport] = {}
    for name, policy in policies.items():
        served = policy(city.frame).join(
            city.frame.select("query_id", "vacancy_id", "person_id"),
            on=["query_id", "vacancy_id"],
            how="left",
        )
        person = _dense(served["person_id"], person_index)
        vacancy = _dense(served["vacancy_id"], vacancy_index)
        outcome = expected_outcome(
            truth.stages(served),
            served["rank"].to_numpy(),
            person,
            vacancy,
            openings,
            len(person_index),
        )
        reports[name] = policy_report(served, judged, outcome, city.persons, city.vacancies)
    base = reports.get(baseline)
    if base is not None:
        for report in reports.values():
            report.relate_to(base)
    return reports


def _dense(ids: pl.Series, index: pl.Series) -> np.ndarray:
    """Row of each id in the sorted ``index`` (every id must be there)."""
    keys, wanted = index.to_numpy(), ids.to_numpy()
    rows = np.searchsorted(keys, wanted)
    if len(keys) == 0 or not (keys[np.minimum(rows, len(keys) - 1)] == wanted).all():
        raise ValueError("a served id is not in the replay's persons or vacancies")
    return rows.astype(np.int64)
