"""Feature pipelines: declared columns, point in time, one code path, candidate rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from features.context import FeatureContext
from features.request import course_request, job_features_for, job_request
from features.schema import COURSE_FEATURE_SET, JOB_FEATURES
from features.sources import read_snapshot, snapshot_from_frames
from features.training_frames import course_training_frame, job_training_frame
from matching.storage import make_engine, upgrade_database
from matching.synth.city import SCALES, City, build_city
from matching.synth.writer import write_frames

AS_OF = date(2026, 11, 1)
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def city() -> City:
    return build_city(21, SCALES["test"], AS_OF)


@pytest.fixture(scope="module")
def context(city: City) -> FeatureContext:
    return FeatureContext.from_snapshot(snapshot_from_frames(city.frames))


@pytest.fixture(scope="module")
def job_frame(context: FeatureContext) -> pl.DataFrame:
    return job_training_frame(context).collect()


def test_frames_carry_the_declared_features_with_their_dtypes(
    context: FeatureContext, job_frame: pl.DataFrame
) -> None:
    for frame, feature_set in (
        (job_frame, JOB_FEATURES),
        (course_training_frame(context).collect(), COURSE_FEATURE_SET),
    ):
        for feature in feature_set.features:
            assert frame.schema[feature.name] == feature.dtype(), feature.name
        assert frame.height > 1000
        assert frame["grade"].max() in (3, 4)


def test_the_feature_set_hash_changes_with_the_list() -> None:
    from features.schema import FeatureSet

    shorter = FeatureSet("jobs", JOB_FEATURES.features[:-1])
    swapped = FeatureSet(
        "jobs", (JOB_FEATURES.features[1], JOB_FEATURES.features[0], *JOB_FEATURES.features[2:])
    )
    assert len({JOB_FEATURES.hash, shorter.hash, swapped.hash}) == 3


def _change_the_future(city: City, cutoff: datetime) -> dict[str, pl.DataFrame]:
    """A city whose history after ``cutoff`` is different: new assessments, more referrals,
    other outcomes."""
    frames = dict(city.frames)
    later = cutoff + timedelta(days=1)
    assessments = frames["assessments"]
    scores = {c: pl.lit(4, dtype=assessments.schema[c]) for c in ("vision", "hearing", "learning")}
    extra_assessments = assessments.with_columns(
        id=pl.col("id") + 1_000_000, assessed_on=pl.lit(later.date()), **scores
    )
    frames["assessments"] = pl.concat([assessments, extra_assessments])
    referrals = frames["referrals"]
    events = frames["referral_events"]
    future = referrals.filter(pl.col("referred_at") >= cutoff)
    copies = future.with_columns(id=pl.col("id") + 1_000_000)
    frames["referrals"] = pl.concat([referrals, copies])
    future_events = events.join(future.select(pl.col("id").alias("referral_id")), on="referral_id")
    copied_events = future_events.with_columns(
        id=pl.col("id") + 2_000_000, referral_id=pl.col("referral_id") + 1_000_000
    )
    hired_later = events.filter(pl.col("at") >= cutoff).with_columns(stage=pl.lit("hired"))
    kept = events.filter(pl.col("at") < cutoff)
    frames["referral_events"] = pl.concat([kept, hired_later, copied_events])
    return frames


def test_changing_the_future_does_not_move_past_features(
    city: City, context: FeatureContext, job_frame: pl.DataFrame
) -> None:
    cutoff = job_frame["at"].sort()[job_frame.height // 2]
    assert isinstance(cutoff, datetime)
    changed = FeatureContext.from_snapshot(snapshot_from_frames(_change_the_future(city, cutoff)))
    other = job_training_frame(changed).collect()
    key = ["query_id", "vacancy_id"]
    columns = ["person_id", "at", *JOB_FEATURES.names]

    def past(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(pl.col("at") < cutoff).select(*key, *columns).sort(key)

    assert past(job_frame).height > 1000
    assert past(other).equals(past(job_frame))
    future_before = job_frame.filter(pl.col("at") >= cutoff)
    future_after = other.filter(pl.col("at") >= cutoff)
    assert not future_after.select(columns).equals(future_before.select(columns))


def test_request_time_features_equal_the_training_frame(
    context: FeatureContext, job_frame: pl.DataFrame
) -> None:
    sample = job_frame.sample(40, seed=3)
    for row in sample.iter_rows(named=True):
        served = job_features_for(context, row["person_id"], row["at"], [row["vacancy_id"]])
        expected = sample.filter(
            (pl.col("query_id") == row["query_id"]) & (pl.col("vacancy_id") == row["vacancy_id"])
        )
        assert served.select(JOB_FEATURES.names).equals(expected.select(JOB_FEATURES.names))


def test_candidates_are_open_within_reach_and_bounded(context: FeatureContext) -> None:
    vacancies = context.snapshot.vacancies
    for person_id in (1, 2, 3, 50, 400):
        rows = job_request(context, person_id, NOW, limit=120)
        assert 0 < rows.height <= 120
        chosen = vacancies.filter(pl.col("id").is_in(rows["vacancy_id"].implode()))
        assert (chosen["status"] == "open").all()
        assert (chosen["opened_on"] <= AS_OF).all()
        reachable = (rows["x_commute_ratio"] <= 2.0) | (rows["x_distance_km"] <= 10.0)
        assert reachable.all()


def test_no_disability_category_is_left_without_candidates(context: FeatureContext) -> None:
    persons = context.snapshot.persons
    for category in ("1", "2", "3", "4", "5", "6", "7"):
        sample = persons.filter(pl.col("disability_category") == category).head(3)["id"]
        sizes = [job_request(context, int(pid), NOW).height for pid in sample]
        assert max(sizes) > 20, category


def test_courses_are_offered_to_everyone(context: FeatureContext) -> None:
    rows = course_request(context, 1, NOW)
    assert rows.height == context.courses.filter(pl.col("_c_status") == "open").height
    assert rows.select(COURSE_FEATURE_SET.names).width == len(COURSE_FEATURE_SET.features)


def test_the_database_gives_the_same_frame_as_memory(
    city: City, job_frame: pl.DataFrame, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'city.db'}")
    upgrade_database(engine)
    write_frames(engine, city.frames, lambda _table, _n: None)
    from_db = job_training_frame(FeatureContext.from_snapshot(read_snapshot(engine))).collect()
    columns = ["query_id", "vacancy_id", *JOB_FEATURES.names, "grade"]
    assert from_db.select(columns).equals(job_frame.select(columns))
