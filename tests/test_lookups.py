"""Per-snapshot lookups: the same answers as filtering the snapshot's tables, one object per
serving snapshot."""

from __future__ import annotations

from datetime import date

import polars as pl

from features.context import FeatureContext
from features.sources import snapshot_from_frames
from serving.runtime.lookups import Lookups
from serving.runtime.snapshot import ServingSnapshot
from tests import api_city
from tests.api_models import city_context, city_snapshot


def test_vacancy_details_match_the_tables() -> None:
    context = city_context()
    lookups = city_snapshot().lookups
    vacancies, employers = context.snapshot.vacancies, context.snapshot.employers
    assert set(lookups.vacancies) == set(vacancies["id"].to_list())
    for row in vacancies.sample(20, seed=3).iter_rows(named=True):
        detail = lookups.vacancies[row["id"]]
        employer = employers.filter(pl.col("id") == row["employer_id"])["name"].item()
        assert (detail.title, detail.employer) == (row["title"], employer)
        assert detail.offered == list(row["accommodations_offered"] or [])


def test_the_latest_assessment_gives_the_needs_and_persons_without_one_have_none() -> None:
    frames = dict(api_city.test_city().frames)
    assessments = frames["assessments"]
    person = assessments["person_id"][0]
    template = assessments.filter(pl.col("person_id") == person).head(1)
    newer = template.with_columns(
        id=pl.lit(int(assessments["id"].max()) + 1, pl.Int64),  # type: ignore[arg-type]
        assessed_on=pl.lit(date(2099, 1, 1)),
        accommodations_needed=pl.lit(["手语翻译"], pl.List(pl.String)),
    )
    frames["assessments"] = pl.concat([newer, assessments], how="vertical_relaxed")
    lookups = Lookups.of(FeatureContext.from_snapshot(snapshot_from_frames(frames)))
    assert lookups.accommodations_needed[person] == ["手语翻译"]
    assessed = set(assessments["person_id"].to_list())
    unassessed = [p for p in frames["persons"]["id"].to_list() if p not in assessed]
    assert all(p not in lookups.accommodations_needed for p in unassessed)


def test_each_snapshot_gets_its_own_lookups() -> None:
    first = city_snapshot()
    frames = dict(api_city.test_city().frames)
    frames["persons"] = frames["persons"].head(5)
    second = ServingSnapshot.of(FeatureContext.from_snapshot(snapshot_from_frames(frames)))
    assert second.lookups is not first.lookups
    assert second.lookups.person_ids == frozenset(frames["persons"]["id"].to_list())
    assert len(first.lookups.person_ids) == first.context.persons.height > 5
    person = frames["persons"]["id"][0]
    outside = max(first.lookups.person_ids) + 1
    assert second.holds(person) and first.holds(person) and not first.holds(outside)
