"""Request-time frames kept per snapshot and day (``features.moment``): a request built from them
equals the rows a batch of queries gives (as the training frames are built), and they are
rebuilt when a moment falls outside their window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from features.candidates import job_candidates
from features.context import FeatureContext
from features.course import course_features
from features.jobs import job_features, people_at
from features.moment import DAY_MICROS, micros_of, window
from features.request import course_request, course_requests, job_request, moment_of
from features.sources import UTC_MICROS, snapshot_from_frames
from features.tables import History
from matching.synth.city import SCALES, build_city
from tests.request_frames import frames_of

NOW = datetime(2026, 11, 1, tzinfo=UTC)  # assessments of four persons become known right then


@pytest.fixture(scope="module")
def context() -> FeatureContext:
    city = build_city(21, SCALES["test"], date(2026, 11, 1))
    return FeatureContext.from_snapshot(snapshot_from_frames(city.frames))


def batch_rows(context: FeatureContext, persons: list[int], at: datetime) -> pl.DataFrame:
    """Candidates and features of several persons in one plan, as training frames are made."""
    queries = pl.LazyFrame(
        {"query_id": persons, "person_id": persons, "at": [at] * len(persons)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    people = people_at(context, queries).collect().lazy()
    candidates = job_candidates(context, people).collect().lazy()
    return job_features(context, people, candidates.select("query_id", "vacancy_id")).collect()


def same_rows(request: pl.DataFrame, batch: pl.DataFrame, person: int) -> bool:
    mine = batch.filter(pl.col("query_id") == person).drop("query_id").sort("vacancy_id")
    return request.drop("query_id").sort("vacancy_id").equals(mine, null_equal=True)


@pytest.mark.parametrize("hours", [0, 5, 30, -200])
def test_a_request_equals_the_rows_of_a_batch(context: FeatureContext, hours: int) -> None:
    at = NOW + timedelta(hours=hours)
    persons = context.persons["id"].sample(25, seed=hours + 300).to_list()
    batch = batch_rows(context, persons, at)
    assert batch.height > 1000
    for person in persons:
        assert same_rows(job_request(frames_of(context), person, at), batch, person), person


@pytest.mark.parametrize("hours", [0, 30])
def test_a_course_request_equals_the_rows_of_a_batch(context: FeatureContext, hours: int) -> None:
    at = NOW + timedelta(hours=hours)
    persons = context.persons["id"].sample(25, seed=hours + 300).to_list()
    queries = pl.LazyFrame(
        {"query_id": persons, "person_id": persons, "at": [at] * len(persons)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    courses = context.courses.filter(pl.col("_c_status") == "open")["course_id"].to_list()
    items = pl.LazyFrame(
        {
            "query_id": [person for person in persons for _ in courses],
            "course_id": [course for _ in persons for course in courses],
        }
    )
    people = people_at(context, queries).collect().lazy()
    batch = course_features(context.courses.lazy(), context.course_history, people, items)
    rows = batch.collect()
    for person in persons:
        request = course_request(frames_of(context), person, at).drop("query_id").sort("course_id")
        mine = rows.filter(pl.col("query_id") == person).drop("query_id").sort("course_id")
        assert request.equals(mine, null_equal=True), person


@pytest.mark.parametrize("hours", [0, 30, -2000])
def test_candidates_read_the_employers_counts_of_the_moment(
    context: FeatureContext, hours: int
) -> None:
    at = NOW + timedelta(hours=hours)
    persons = context.persons["id"].sample(30, seed=abs(hours)).to_list()
    queries = pl.LazyFrame(
        {"query_id": persons, "person_id": persons, "at": [at] * len(persons)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    people = people_at(context, queries).collect().lazy()
    looked_up = job_candidates(context, people).collect()
    counted = job_candidates(
        context, people, vacancies=moment_of(frames_of(context), at).open_vacancies
    )
    assert looked_up.height > 100
    assert counted.collect().equals(looked_up)


def test_an_event_coming_due_gives_new_frames(context: FeatureContext) -> None:
    person = 718  # assessed; known from NOW on, so counted only strictly after NOW
    later = NOW + timedelta(hours=1)
    at_now, then = (
        job_request(frames_of(context), person, NOW),
        job_request(frames_of(context), person, later),
    )
    assert same_rows(at_now, batch_rows(context, [person, 1], NOW), person)
    assert same_rows(then, batch_rows(context, [person, 1], later), person)
    assert at_now["p_assessment_age_days"][0] != then["p_assessment_age_days"][0]
    assert moment_of(frames_of(context), NOW) is not moment_of(frames_of(context), later)
    assert moment_of(frames_of(context), later) is moment_of(
        frames_of(context), later + timedelta(hours=3)
    )


def test_a_new_day_gives_new_frames(context: FeatureContext) -> None:
    evening = NOW + timedelta(hours=23, minutes=59)
    kept = moment_of(frames_of(context), NOW + timedelta(hours=1))
    assert moment_of(frames_of(context), evening) is kept
    assert not kept.covers(micros_of(NOW + timedelta(days=1)))


def test_another_moment_does_not_push_out_the_days_frames(context: FeatureContext) -> None:
    today = moment_of(frames_of(context), NOW + timedelta(hours=2))
    for days in (30, 60):  # e.g. a fair's date, then a past referral's
        moment_of(frames_of(context), NOW - timedelta(days=days))
    assert moment_of(frames_of(context), NOW + timedelta(hours=2)) is today
    for days in (90, 120, 150):
        moment_of(frames_of(context), NOW - timedelta(days=days))
    assert (
        moment_of(frames_of(context), NOW + timedelta(hours=2)) is not today
    )  # only a few are kept


@pytest.mark.parametrize("hours", [0, 30])
def test_course_requests_of_many_persons_equal_each_ones_request(
    context: FeatureContext, hours: int
) -> None:
    at = NOW + timedelta(hours=hours)
    persons = [*context.persons["id"].sample(25, seed=hours + 400).to_list(), 10_000_000]
    found = course_requests(frames_of(context), persons, at)
    assert sorted(found) == sorted(persons)
    for person in persons:  # the last one, not in the snapshot, asked alone
        alone = course_request(frames_of(context), person, at).sort("course_id")
        assert alone.height > 0
        assert found[person].sort("course_id").equals(alone, null_equal=True), person


def test_courses_come_from_the_same_person_row(context: FeatureContext) -> None:
    person = int(context.persons["id"][3])
    at = NOW + timedelta(hours=2)
    moment = moment_of(frames_of(context), at)
    rows = course_request(frames_of(context), person, at)
    assert rows.height > 0 and moment_of(frames_of(context), at) is moment


def test_a_person_the_snapshot_lacks_gets_no_candidates(context: FeatureContext) -> None:
    assert job_request(frames_of(context), 10_000_000, NOW).height == 0


def test_the_window_stops_at_the_neighbouring_moments_and_the_day() -> None:
    base = datetime(2026, 3, 1, tzinfo=UTC)
    moments = [base + timedelta(hours=h) for h in (-30, 3, 5, 5, 9)]
    history = History.of(pl.DataFrame({"k": [1, 1, 2, 3, 1], "at": moments}), "k")
    micros = micros_of

    assert window(micros(base + timedelta(hours=4)), (history,)) == (
        micros(base + timedelta(hours=3)),
        micros(base + timedelta(hours=5)),
    )
    # an event at the very moment is not yet counted (strictly before): the window ends there
    assert window(micros(base + timedelta(hours=5)), (history,)) == (
        micros(base + timedelta(hours=3)),
        micros(base + timedelta(hours=5)),
    )
    # after the last event the window runs to the end of the day; before the first, from its start
    assert window(micros(base + timedelta(hours=10)), (history,)) == (
        micros(base + timedelta(hours=9)),
        micros(base) + DAY_MICROS - 1,
    )
    assert window(micros(base + timedelta(hours=1)), ()) == (
        micros(base) - 1,
        micros(base) + DAY_MICROS - 1,
    )


def test_a_narrowed_copy_of_the_context_keeps_frames_of_its_own(context: FeatureContext) -> None:
    from serving.services.fair_scoring import only_vacancies

    kept = moment_of(frames_of(context), NOW)
    narrowed = only_vacancies(context, context.open_vacancies["vacancy_id"].head(5).to_list())
    assert not hasattr(narrowed, "moment")  # the context holds no request-time frames
    assert moment_of(frames_of(narrowed), NOW).vacancies.frame.height == 5
    assert moment_of(frames_of(context), NOW) is kept
