"""Feature pipelines: declared columns, point in time, one code path, candidate rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.context import FeatureContext
from features.request import course_request, job_features_for, job_request
from features.schema import COURSE_FEATURE_SET, JOB_FEATURE_SET
from features.sources import read_snapshot, snapshot_from_frames
from features.training_frames import course_training_frame, job_training_frame
from matching.storage import make_engine, upgrade_database
from matching.synth.city import SCALES, City, build_city
from matching.synth.writer import write_frames
from tests.request_frames import frames_of

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
        (job_frame, JOB_FEATURE_SET),
        (course_training_frame(context).collect(), COURSE_FEATURE_SET),
    ):
        for feature in feature_set.features:
            assert frame.schema[feature.name] == feature.dtype(), feature.name
        assert frame.height > 1000
        assert frame["grade"].max() in (3, 4)


def test_the_feature_set_hash_changes_with_the_list() -> None:
    from features.schema import FeatureSet

    shorter = FeatureSet("jobs", JOB_FEATURE_SET.features[:-1])
    swapped = FeatureSet(
        "jobs",
        (JOB_FEATURE_SET.features[1], JOB_FEATURE_SET.features[0], *JOB_FEATURE_SET.features[2:]),
    )
    assert len({JOB_FEATURE_SET.hash, shorter.hash, swapped.hash}) == 3


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
    columns = ["person_id", "at", *JOB_FEATURE_SET.names]

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
        served = job_features_for(
            frames_of(context), row["person_id"], row["at"], [row["vacancy_id"]]
        )
        expected = sample.filter(
            (pl.col("query_id") == row["query_id"]) & (pl.col("vacancy_id") == row["vacancy_id"])
        )
        assert served.select(JOB_FEATURE_SET.names).equals(expected.select(JOB_FEATURE_SET.names))


def test_candidates_are_open_within_reach_and_bounded(context: FeatureContext) -> None:
    vacancies = context.snapshot.vacancies
    for person_id in (1, 2, 3, 50, 400):
        rows = job_request(frames_of(context), person_id, NOW, limit=120)
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
        sizes = [job_request(frames_of(context), int(pid), NOW).height for pid in sample]
        assert max(sizes) > 20, category


def test_courses_are_offered_to_everyone(context: FeatureContext) -> None:
    rows = course_request(frames_of(context), 1, NOW)
    assert rows.height == context.courses.filter(pl.col("_c_status") == "open").height
    assert rows.select(COURSE_FEATURE_SET.names).width == len(COURSE_FEATURE_SET.features)


def test_the_database_gives_the_same_frame_as_memory(
    city: City, job_frame: pl.DataFrame, tmp_path: Path
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'city.db'}")
    upgrade_database(engine)
    write_frames(engine, city.frames, lambda _table, _n: None)
    from_db = job_training_frame(FeatureContext.from_snapshot(read_snapshot(engine))).collect()
    columns = ["query_id", "vacancy_id", *JOB_FEATURE_SET.names, "grade"]
    assert from_db.select(columns).equals(job_frame.select(columns))


# Lookups, bitsets and the request path: each checked against the plain polars way of doing it.

UTC_MICROS = pl.Datetime("us", "UTC")


def _as_of_reference(rows: pl.DataFrame, history: pl.DataFrame, key: str, column: str) -> pl.Series:
    """The value in the history's last row of the key strictly before ``at`` (0 when none),
    by a sort and ``join_asof``."""
    joined = (
        rows.with_row_index("_order")
        .sort("at")
        .join_asof(
            history.sort("at").rename({"at": "_history_at"}),
            left_on="at",
            right_on="_history_at",
            by=key,
            strategy="backward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .sort("_order")
    )
    return joined[column].fill_null(0)


@given(
    events=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 12), st.integers(1, 5)), max_size=40
    ),
    asks=st.lists(st.tuples(st.integers(-1, 8) | st.none(), st.integers(-1, 14)), max_size=30),
)
@settings(max_examples=60, deadline=None)
def test_history_lookups_equal_an_as_of_join(
    events: list[tuple[int, int, int]], asks: list[tuple[int | None, int]]
) -> None:
    from features.tables import History

    base = datetime(2026, 1, 1, tzinfo=UTC)
    # one row per key and moment, counts growing with time as the running histories are
    history = (
        pl.DataFrame(
            {
                "k": [k for k, _, _ in events],
                "at": [base + timedelta(hours=h) for _, h, _ in events],
                "n": [n for _, _, n in events],
            },
            schema={"k": pl.Int64, "at": UTC_MICROS, "n": pl.Int64},
        )
        .group_by("k", "at")
        .agg(pl.col("n").sum())
        .sort("k", "at")
        .with_columns(pl.col("n").cum_sum().over("k"))
    )
    rows = pl.DataFrame(
        {"k": [k for k, _ in asks], "at": [base + timedelta(hours=h) for _, h in asks]},
        schema={"k": pl.Int64, "at": UTC_MICROS},
    )
    table = History.of(history, "k")
    found = table.locate(rows.lazy(), "k", "at", "_row")
    got = found.with_columns(table.values("_row", ["n"], missing=0)).collect()["n"]
    assert got.to_list() == _as_of_reference(rows, history, "k", "n").to_list()
    attached = table.attach(found, "_row", ["n"], missing=0).collect()["n"]
    assert attached.to_list() == got.to_list()


@pytest.mark.parametrize("ids", [[1, 2, 3, 5, 8], [3, 1_000_000_000, 7], []])
def test_keyed_rows_are_found_by_id_dense_or_sparse(ids: list[int]) -> None:
    from features.tables import Keyed

    table = Keyed.of(
        pl.DataFrame(
            {"id": ids, "v": [f"row{i}" for i in ids]}, schema={"id": pl.Int64, "v": pl.String}
        ),
        "id",
    )
    asked = [*ids, 4, 0, -3, 2_000_000_000, None]
    rows = pl.LazyFrame({"id": asked}, schema={"id": pl.Int64})
    got = table.attach(rows.with_columns(table.row("id").alias("_r")), "_r", ["v"]).collect()
    expected = [f"row{i}" if i in ids else None for i in asked]
    assert got["v"].to_list() == expected


@given(
    left=st.lists(st.lists(st.sampled_from("abcdefghij") | st.text(max_size=3)), max_size=20),
    right=st.lists(st.lists(st.sampled_from("abcdefghij") | st.text(max_size=3)), max_size=20),
)
@settings(max_examples=60, deadline=None)
def test_bitset_overlaps_count_like_list_intersections(
    left: list[list[str]], right: list[list[str]]
) -> None:
    from features.vocabularies import Bitsets

    size = min(len(left), len(right))
    frame = pl.DataFrame(
        {"a": left[:size], "b": right[:size]},
        schema={"a": pl.List(pl.String), "b": pl.List(pl.String)},
    )
    names = Bitsets.of(frame["a"], frame["b"])
    coded = frame.with_columns(*names.encode(pl.col("a"), "_a"), *names.encode(pl.col("b"), "_b"))
    got = coded.with_columns(names.shared("_a", "_b").alias("n"))["n"]
    expected = frame.select(pl.col("a").list.set_intersection("b").list.len().alias("n"))["n"]
    assert got.to_list() == expected.to_list()


def test_one_query_reads_a_naive_moment_as_utc() -> None:
    from features.request import one_query

    naive = datetime(2026, 3, 4, 5, 6, 7, 890123)
    aware = datetime(2026, 3, 4, 13, 6, 7, 890123, tzinfo=timezone(timedelta(hours=8)))
    for moment in (naive, aware):
        frame = one_query(9, moment).collect()
        assert frame.schema["at"] == UTC_MICROS
        assert frame.row(0) == (1, 9, naive.replace(tzinfo=UTC))


def test_one_persons_candidates_are_those_of_a_batch(context: FeatureContext) -> None:
    from features.candidates import job_candidates
    from features.jobs import people_at

    persons = [1, 2, 3, 50, 400]
    queries = pl.LazyFrame(
        {"query_id": persons, "person_id": persons, "at": [NOW] * len(persons)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    batch = job_candidates(context, people_at(context, queries).collect().lazy()).collect()
    for person in persons:
        alone = job_request(frames_of(context), person, NOW)
        chosen = batch.filter(pl.col("query_id") == person)["vacancy_id"]
        assert sorted(alone["vacancy_id"].to_list()) == sorted(chosen.to_list())


def test_history_rates_count_only_what_happened_before(
    context: FeatureContext, job_frame: pl.DataFrame
) -> None:
    from features.vacancy import RATE_PRIOR, TYPICAL_RATES

    snapshot = context.snapshot
    referrals = snapshot.referrals.filter(pl.col("vacancy_id").is_not_null()).join(
        snapshot.vacancies.select(pl.col("id").alias("vacancy_id"), "employer_id"), on="vacancy_id"
    )
    events = snapshot.events.join(
        referrals.select(pl.col("id").alias("referral_id"), "vacancy_id", "employer_id"),
        on="referral_id",
    )
    rows = job_frame.filter(pl.col("v_employer_past_referrals") > 0).sample(30, seed=4)
    employers = snapshot.vacancies.select(pl.col("id").alias("vacancy_id"), "employer_id")
    for row in rows.join(employers, on="vacancy_id").iter_rows(named=True):
        before = pl.col("at") < row["at"]
        mine = pl.col("employer_id") == row["employer_id"]
        referred = referrals.filter(mine & (pl.col("referred_at") < row["at"])).height
        applied = events.filter(mine & before & (pl.col("stage") == "applied")).height
        interviewed = events.filter(mine & before & (pl.col("stage") == "interviewed")).height
        assert referred == row["v_employer_past_referrals"]
        prior = RATE_PRIOR * TYPICAL_RATES["applied"]
        assert row["v_employer_apply_rate"] == pytest.approx(
            (applied + prior) / (referred + RATE_PRIOR)
        )
        prior = RATE_PRIOR * TYPICAL_RATES["interview_per_apply"]
        assert row["v_employer_interviews_per_apply"] == pytest.approx(
            (interviewed + prior) / (applied + RATE_PRIOR)
        )
        this = pl.col("vacancy_id") == row["vacancy_id"]
        v_referred = referrals.filter(this & (pl.col("referred_at") < row["at"])).height
        v_interviewed = events.filter(this & before & (pl.col("stage") == "interviewed")).height
        prior = RATE_PRIOR * TYPICAL_RATES["interviewed"]
        assert row["v_interview_rate"] == pytest.approx(
            (v_interviewed + prior) / (v_referred + RATE_PRIOR)
        )
    assert rows["v_employer_hire_rate"].n_unique() > 1


def test_shortfall_toilet_and_licence_follow_the_records(context: FeatureContext) -> None:
    """Hand-computed from the raw rows: a recorded need caps the score it speaks for (step-free
    entry → mobility ≤ 1.3), an offered accommodation makes up two points of what it closes."""
    from features.person import NEEDS_SHOW_LOW, TOILET
    from features.schema import DIMENSIONS
    from matching import codes
    from matching.eligibility import MASSAGE_SKILL

    snapshot = context.snapshot
    once = snapshot.assessments.filter(pl.len().over("person_id") == 1)
    needs = pl.col("accommodations_needed")
    needy = pl.concat(
        [
            once.filter(needs.list.contains(TOILET)).head(2),
            once.filter(needs.list.contains("step_free") & (pl.col("mobility") >= 2)).head(2),
        ]
    )
    open_now = snapshot.vacancies.filter(pl.col("status") == "open")
    vacancies = pl.concat(
        [
            open_now.filter(pl.col("skills_wanted").list.contains(MASSAGE_SKILL)).head(5),
            open_now.filter(~pl.col("skills_wanted").list.contains(MASSAGE_SKILL)).sample(
                35, seed=5
            ),
        ]
    )
    toilets = unlicensed_rows = capped_rows = 0
    for person in needy.iter_rows(named=True):
        needed = set(person["accommodations_needed"])
        rows = job_features_for(
            frames_of(context), person["person_id"], NOW, vacancies["id"].to_list()
        )
        for row, vacancy in zip(
            rows.sort("vacancy_id").iter_rows(named=True),
            vacancies.sort("id").iter_rows(named=True),
            strict=True,
        ):
            offered = set(vacancy["accommodations_offered"] or ())
            shortfall = uncapped = 0.0
            for d in DIMENSIONS:
                score = capped = float(person[d])
                shown_by, ceiling = NEEDS_SHOW_LOW.get(d, ((), score))
                if needed & set(shown_by):
                    capped = min(score, ceiling)
                closed = any(d in codes.ACCOMMODATION_CLOSES[a] for a in offered)
                shortfall += max(0.0, vacancy[f"demand_{d}"] - capped - 2.0 * closed)
                uncapped += max(0.0, vacancy[f"demand_{d}"] - score - 2.0 * closed)
            assert row["x_shortfall_accommodated"] == pytest.approx(shortfall)
            capped_rows += shortfall > uncapped
            no_toilet = TOILET in needed and TOILET not in offered
            no_toilet &= vacancy["work_mode"] != "home_based"
            assert row["x_toilet_missing"] == int(no_toilet)
            unlicensed = MASSAGE_SKILL in (
                vacancy["skills_wanted"] or ()
            ) and MASSAGE_SKILL not in (person["skills"] or ())
            assert row["x_massage_unlicensed"] == int(unlicensed)
            toilets += no_toilet
            unlicensed_rows += unlicensed
    assert needy.height == 4 and vacancies.height == 40
    assert capped_rows and toilets and unlicensed_rows, (capped_rows, toilets, unlicensed_rows)


def test_candidates_come_best_first_and_ties_by_vacancy_id(context: FeatureContext) -> None:
    """A fixed order: polars' joins do not keep one, and tied scores later follow it."""
    from features.candidates import job_candidates
    from features.jobs import people_at

    persons = context.snapshot.persons["id"].head(40).to_list()
    queries = pl.LazyFrame(
        {"query_id": persons, "person_id": persons, "at": [NOW] * len(persons)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    batch = job_candidates(context, people_at(context, queries).collect().lazy()).collect()
    for _query, rows in batch.group_by("query_id"):
        expected = rows.sort(["prescore", "vacancy_id"], descending=[True, False])
        assert rows["vacancy_id"].to_list() == expected["vacancy_id"].to_list()
    assert batch.select(pl.struct("query_id", "prescore").is_duplicated().any()).item()
