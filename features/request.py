"""Request time: candidates and their features for one person at one moment.

The same functions build the training frames; only the queries differ (now instead of each past
referral's moment). ``tests/test_features.py`` checks both give the same numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from features.candidates import DEFAULT_LIMIT, job_candidates
from features.context import FeatureContext
from features.course import course_features
from features.jobs import job_features, job_pair_features, pair_inputs, people_at
from features.moment import Moment, micros_of, window
from features.one_person import OnePerson
from features.schema import JOB_FEATURE_SET
from features.sources import UTC_MICROS
from features.tables import Keyed
from features.vacancy import EMPLOYER_COUNTS, OPEN_ROW, vacancy_features

# Today's set plus two others, so a question about another moment does not push out today's;
# each set's memory on the demo city is in experiments/features.md.
KEPT_MOMENTS: Final = 3
# Small frames: the streaming engine's start-up costs more than the work itself.
ENGINE: Final = "in-memory"
# The plans are written lean (columns picked, cheap filters first); optimising them costs more
# than it saves for one person.
OPTIMIZATIONS: Final = pl.QueryOptFlags.none()


def collect(frame: pl.LazyFrame) -> pl.DataFrame:
    """Run a request-sized plan. ``collect_all`` runs it on polars' own thread pool, which spares
    a hand-over between threads at each parallel step (about 10% of a request here)."""
    (result,) = pl.collect_all([frame], engine=ENGINE, optimizations=OPTIMIZATIONS)
    return result


def one_query(person_id: int, at: datetime) -> pl.LazyFrame:
    """The query frame of one person at one moment (a naive moment is taken as UTC)."""
    return pl.DataFrame(
        [
            pl.Series("query_id", [1], pl.Int64),
            pl.Series("person_id", [person_id], pl.Int64),
            moment_column(at),
        ]
    ).lazy()


def moment_column(at: datetime) -> pl.Series:
    """``at`` as the one-row ``at`` column of a query (polars converts datetimes slowly)."""
    return pl.Series("at", [micros_of(at)], pl.Int64).cast(UTC_MICROS)


@dataclass(eq=False)
class RequestFrames:
    """A snapshot's request-time frames (``features.moment.Moment``), newest first: built when
    a request finds none covering its moment (once, whichever request comes first), a few
    kept, so that a caller asking about another moment (a fair's date, a past referral) does
    not push out the day's frames. Whoever serves requests keeps one per snapshot (the
    service: ``serving.runtime.snapshot``); the context holds none, so a narrowed copy of it
    (``dataclasses.replace``) cannot read frames of the whole snapshot."""

    context: FeatureContext
    kept: list[Moment] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def covering(self, micros: int) -> Moment | None:
        return next((moment for moment in self.kept if moment.covers(micros)), None)


def moment_of(frames: RequestFrames, at: datetime) -> Moment:
    """The frames covering ``at``: ones kept, or new ones built when none covers it."""
    micros = micros_of(at)
    kept = frames.covering(micros)
    if kept is not None:
        return kept
    with frames.lock:
        kept = frames.covering(micros)
        if kept is None:
            kept = _moment(frames.context, at, micros)
            frames.kept = [kept, *frames.kept][:KEPT_MOMENTS]
    return kept


def _moment(context: FeatureContext, at: datetime, micros: int) -> Moment:
    ids = context.person_table.frame[context.person_table.key].cast(pl.Int64)
    moment = pl.lit(moment_column(at)).first()
    queries = pl.DataFrame(
        [pl.Series("query_id", [1] * ids.len(), pl.Int64), ids.alias("person_id")]
    ).with_columns(moment)
    items = context.open_vacancies.lazy().select(
        pl.lit(1, pl.Int64).alias("query_id"), "vacancy_id", moment
    )
    vacancies = Keyed.of(
        collect(
            vacancy_features(
                items.with_columns(pl.col("at").dt.date().alias("_day")),
                context.vacancies,
                context.vacancy_history,
                context.employer_history,
            )
        ),
        "vacancy_id",
    )
    histories = (
        context.assessments,
        context.person_history,
        context.vacancy_history,
        context.employer_history,
    )
    after, until = window(micros, histories)
    people = Keyed.of(collect(people_at(context, queries.lazy())), "person_id")
    inputs = pair_inputs(context.sets)
    query = ("query_id", "person_id", "vacancy_id", "at", "_day")
    counts = vacancies.frame.select("vacancy_id", *EMPLOYER_COUNTS)
    open_vacancies = context.open_vacancies.join(
        counts, on="vacancy_id", how="left", maintain_order="left"
    )
    one_person = OnePerson.of(context.sets, people.frame, vacancies.frame, open_vacancies)
    return Moment(
        after=after,
        until=until,
        people=people,
        rows={person: row for row, person in enumerate(people.frame["person_id"].to_list())},
        vacancies=vacancies,
        person_columns=tuple(c for c in people.frame.columns if c in inputs and c not in query),
        vacancy_columns=tuple(c for c in vacancies.frame.columns if c in inputs and c not in query),
        open_vacancies=Keyed.of(open_vacancies, OPEN_ROW),
        one_person=one_person,
    )


def person_row(
    frames: RequestFrames, person_id: int, at: datetime
) -> tuple[pl.DataFrame, Moment | None]:
    """The person's features at ``at`` (one row, query_id 1) and the moment's frames they came
    from; for a person the snapshot lacks, a row built for itself (nulls) and None."""
    moment = moment_of(frames, at)
    person = moment.person(person_id)
    if person is None:
        return collect(people_at(frames.context, one_query(person_id, at))), None
    return person.with_columns(moment_column(at)), moment


def job_request(
    frames: RequestFrames, person_id: int, at: datetime, *, limit: int = DEFAULT_LIMIT
) -> pl.DataFrame:
    """Candidate vacancies for the person with their features (one row per vacancy), best
    pre-score first: with NumPy on the day's frames (``features.one_person``), which gives the
    rows a batch of queries gives, or with the polars plans (``polars_job_request``) where
    NumPy does not model the person's or the vacancies' values."""
    found = _engine_for(frames, person_id, at)
    if found is not None:
        engine, row, moment = found
        rows = engine.job_request(row, person_id, moment, limit)
        if rows is not None:
            return rows
    return polars_job_request(frames, person_id, at, limit=limit)


def job_matrix(
    frames: RequestFrames, person_id: int, at: datetime, *, limit: int = DEFAULT_LIMIT
) -> tuple[pl.DataFrame, npt.NDArray[np.float64]] | None:
    """``job_request``'s ids (query_id, person_id, vacancy_id, at) and its JOB_FEATURE_SET as a
    row-major Float64 matrix (a null as NaN), as a model reads them, when the NumPy engine
    serves the person; None when it does not (then ``job_request``)."""
    found = _engine_for(frames, person_id, at)
    if found is None:
        return None
    engine, row, moment = found
    return engine.job_matrix(row, person_id, moment, limit)


def _engine_for(
    frames: RequestFrames, person_id: int, at: datetime
) -> tuple[OnePerson, int, pl.Series] | None:
    """The day's NumPy engine, the person's row in it and the moment column, when it has both."""
    moment = moment_of(frames, at)
    row = moment.rows.get(person_id)
    if moment.one_person is None or row is None:
        return None
    return moment.one_person, row, moment_column(at)


def polars_job_request(
    frames: RequestFrames, person_id: int, at: datetime, *, limit: int = DEFAULT_LIMIT
) -> pl.DataFrame:
    """``job_request`` with the polars plans only. (Its candidates' order can differ from a
    training frame's where two pre-scores are a last bit apart: polars' in-memory engine, which
    runs request plans, computes some pre-scores a last bit apart from the streaming engine,
    which builds the training frames.)"""
    context = frames.context
    person, moment = person_row(frames, person_id, at)
    if moment is None:
        candidates = job_candidates(context, person.lazy(), limit=limit)
        return collect(
            job_features(context, person.lazy(), candidates.select("query_id", "vacancy_id"))
        )
    candidates = job_candidates(
        context, person.lazy(), limit=limit, vacancies=moment.open_vacancies
    )
    items = candidates.select("query_id", "vacancy_id")
    rows = moment.pairs(items, person_id, person["at"])
    features = job_pair_features(rows, context.sets)
    return collect(
        features.select("query_id", "person_id", "vacancy_id", "at", *JOB_FEATURE_SET.names)
    )


def job_features_for(
    frames: RequestFrames, person_id: int, at: datetime, vacancy_ids: list[int]
) -> pl.DataFrame:
    """Features of given vacancies for the person at a moment (no candidate generation)."""
    items = pl.DataFrame({"vacancy_id": vacancy_ids}, schema={"vacancy_id": pl.Int64})
    context = frames.context
    return _for_items(
        frames, person_id, at, items, lambda people, rows: job_features(context, people, rows)
    )


def course_request(frames: RequestFrames, person_id: int, at: datetime) -> pl.DataFrame:
    """Every open course for the person with its features (courses are few: no cut)."""
    context = frames.context
    courses = context.courses
    items = courses.filter(pl.col("_c_status") == "open").select("course_id")
    return _for_items(
        frames,
        person_id,
        at,
        items,
        lambda people, rows: course_features(courses.lazy(), context.course_history, people, rows),
    )


def course_requests(
    frames: RequestFrames, person_ids: Sequence[int], at: datetime
) -> dict[int, pl.DataFrame]:
    """``course_request`` of several persons at once, by person: one query for all of those the
    snapshot holds (each person's rows are the rows of their own request), one each for others."""
    context = frames.context
    courses = context.courses
    items = courses.filter(pl.col("_c_status") == "open").select("course_id")
    moment = moment_of(frames, at)
    held = [person_id for person_id in person_ids if person_id in moment.rows]
    found = {
        person_id: course_request(frames, person_id, at)
        for person_id in person_ids
        if person_id not in moment.rows or items.height == 0
    }
    if not held or items.height == 0:
        return found
    people = moment.people_rows(held, items.height, moment_column(at))
    queries = pl.Series("query_id", range(1, items.height * len(held) + 1), pl.Int64)
    repeated = [pl.concat([column] * len(held)) for column in items.get_columns()]
    rows = collect(
        course_features(
            courses.lazy(),
            context.course_history,
            people,
            pl.DataFrame([queries, *repeated]).lazy(),
        )
    ).sort("query_id")
    one = pl.lit(1, pl.Int64).alias("query_id")
    for index, person_id in enumerate(held):
        found[person_id] = rows.slice(index * items.height, items.height).with_columns(one)
    return found


def _for_items(
    frames: RequestFrames,
    person_id: int,
    at: datetime,
    items: pl.DataFrame,
    features: Callable[[pl.LazyFrame, pl.LazyFrame], pl.LazyFrame],
) -> pl.DataFrame:
    """``features(people, items)`` for one person's items (query_id 1 in the answer). Each item
    is its own query with the person's row gathered for it: a one-row person frame joined to
    the items would make polars divide by its values through their reciprocals, a last-bit
    difference from the training frames."""
    person, moment = person_row(frames, person_id, at)
    if moment is None:  # not in the snapshot: nothing to gather from
        items = items.select(pl.lit(1, pl.Int64).alias("query_id"), pl.all())
        return collect(features(person.lazy(), items.lazy()))
    queries = pl.Series("query_id", range(1, items.height + 1), pl.Int64)
    people = moment.person_rows(person_id, queries, person["at"])
    rows = collect(features(people, pl.DataFrame([queries, *items.get_columns()]).lazy()))
    return rows.with_columns(pl.lit(1, pl.Int64).alias("query_id"))
