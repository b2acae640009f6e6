"""What a batch worker does with one block: rank every person's jobs and courses with the served
champions, by the functions the API answers with (``serving.services.recommend``,
``recommend_courses``), so the night's lists are the lists a counselor would have seen.

Each process builds the serving state (snapshot and champions) once per ``BatchSource`` and keeps
it for the blocks it is given next: a Dask worker reads the database once, not once per block.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl

from features.congestion import recent_load
from features.request import course_requests
from matching.storage import make_engine
from serving.batch.blocks import Block
from serving.runtime.models import ServedModel
from serving.runtime.state import ServiceState
from serving.services.fair_calibration import fit_calibration
from serving.services.recommend import recommend_jobs
from serving.services.recommend_courses import course_facts, recommend_courses

__all__ = ["ROW_SCHEMA", "BatchSource", "NightState", "night_state", "rank_block", "write_block"]

ROW_SCHEMA: dict[str, pl.DataType] = {
    "batch_at": pl.Datetime("us", "UTC"),
    "person_id": pl.Int64(),
    "county": pl.String(),
    "kind": pl.String(),
    "rank": pl.Int32(),
    "item_id": pl.Int64(),
    "title": pl.String(),
    "score": pl.Float64(),
    "probability": pl.Float64(),  # jobs: calibrated P(hire) of a referral; courses: null
    "reasons": pl.List(pl.String()),
    "cautions": pl.List(pl.String()),
    "note": pl.String(),
    "model_version": pl.String(),
    "feature_set": pl.String(),
}


@dataclass(frozen=True)
class BatchSource:
    """Where a worker reads the city and the champions, and the moment the night ranks at."""

    database_url: str
    tracking_uri: str
    data_dir: str
    at: datetime
    jobs_k: int = 10
    courses_k: int = 5


@dataclass(frozen=True)
class NightState:
    """A process's serving state for one night, and its models with their trees compiled."""

    state: ServiceState
    jobs: ServedModel
    courses: ServedModel


_STATES: dict[BatchSource, NightState] = {}
_LOCK = threading.Lock()


def serving_state(source: BatchSource) -> ServiceState:
    """The serving state of ``source`` in this process, read once."""
    return night_state(source).state


def night_state(source: BatchSource) -> NightState:
    """The state ``source`` is ranked with in this process: read, and its trees compiled, once."""
    with _LOCK:
        loaded = _STATES.get(source)
        if loaded is None:
            state = ServiceState()
            state.load(make_engine(source.database_url), source.tracking_uri, Path(source.data_dir))
            if state.snapshot is None or state.jobs is None or state.courses is None:
                raise RuntimeError("the database holds no snapshot to rank (no persons?)")
            # the load on each vacancy as of the night's moment, not of when this process read
            # it: every worker then prices the lists alike (features.congestion)
            referrals = state.snapshot.context.snapshot.referrals
            state.snapshot = replace(state.snapshot, load=recent_load(referrals, source.at))
            # the night scores every candidate row of every person: the compiled trees give
            # LightGBM's scores for less CPU (serving.runtime.forest)
            loaded = NightState(state, state.jobs.with_forest(), state.courses.with_forest())
            _STATES.clear()  # one night at a time per process: memory stays bounded
            _STATES[source] = loaded
        return loaded


def rank_block(source: BatchSource, block: Block) -> pl.DataFrame:
    """Every person of the block: top jobs, then top courses, one row per line."""
    night = night_state(source)
    snapshot, jobs_model, courses_model = night.state.snapshot, night.jobs, night.courses
    assert snapshot is not None
    calibration = snapshot.per_model(fit_calibration, jobs_model)
    held = [person_id for person_id in block.person_ids if snapshot.holds(person_id)]
    # the course rows of the whole block in one query, each person's as their own request's
    course_rows = course_requests(snapshot.frames, held, source.at)
    facts = course_facts(snapshot.context, source.at)
    rows: list[tuple[object, ...]] = []
    for person_id in held:
        jobs = recommend_jobs(
            snapshot, jobs_model, person_id, source.at, source.jobs_k, with_skill_courses=False
        )
        scores = np.array([line.score for line in jobs.lines], np.float64)
        chances = calibration.referral_probability(scores).tolist()
        for rank, (line, chance) in enumerate(zip(jobs.lines, chances, strict=True), start=1):
            rows.append(
                (source.at, person_id, block.county, "jobs", rank, line.vacancy_id, line.title,
                 line.score, chance, line.reasons, line.cautions, line.congestion, jobs.model,
                 jobs.feature_set)
            )  # fmt: skip
        courses = recommend_courses(
            snapshot,
            courses_model,
            person_id,
            source.at,
            source.courses_k,
            rows=course_rows[person_id],
            facts=facts,
        )
        for rank, course in enumerate(courses.lines, start=1):
            rows.append(
                (source.at, person_id, block.county, "courses", rank, course.course_id,
                 course.title, course.score, None, course.reasons, course.cautions,
                 course.congestion, courses.model, courses.feature_set)
            )  # fmt: skip
    return pl.DataFrame(rows, schema=ROW_SCHEMA, orient="row")


def write_block(source: BatchSource, block: Block, folder: str) -> str:
    """Rank the block and write its part file (written under a temporary name, then renamed:
    a part that exists is complete, which is what resuming trusts)."""
    path = Path(folder) / block.name
    partial = path.with_suffix(".partial")
    rank_block(source, block).write_parquet(partial)
    partial.replace(path)
    return str(path)
