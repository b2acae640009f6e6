"""The channel rules (issue 19 §4): one rule set for job recommendations and fairs — a certificate
for reserved posts and the kiosk, lottery and tobacco channels, employment difficulty for
public-welfare posts, the licence for blind medical massage."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import numpy as np
import polars as pl

from features.candidates import job_candidates
from features.exclusion import rule_check
from features.jobs import people_at
from features.request import person_row
from features.sources import UTC_MICROS
from matching.eligibility import (
    DIFFICULTY_EXCLUDED,
    MASSAGE_LICENCE,
    MASSAGE_SKILL,
    RESERVED_CHANNELS,
    WELFARE_CHANNELS,
    channel_allows,
    channel_reasons,
)
from matching.fair_plans.rules import CandidateTerms, VacancyTerms, reservation_allows
from serving.runtime.models import ServedModel
from serving.services.why_not import why_not_job
from tests.api_models import city_context, city_snapshot

NOW = datetime(2026, 11, 28, tzinfo=UTC)
NAMES = (
    "needs_certificate",
    "needs_difficulty",
    "needs_licence",
    "has_certificate",
    "has_difficulty",
    "has_licence",
)


def test_one_rule_set_as_arrays_as_expressions_and_as_reasons() -> None:
    cases = list(itertools.product([False, True], repeat=len(NAMES)))
    columns = {name: [case[i] for case in cases] for i, name in enumerate(NAMES)}
    arrays = channel_allows(**{name: np.array(values) for name, values in columns.items()})
    frame = pl.DataFrame(columns).select(
        allowed=channel_allows(**{name: pl.col(name) for name in NAMES})
    )
    reasons = [channel_reasons(**dict(zip(NAMES, case, strict=True))) for case in cases]
    assert arrays.tolist() == frame["allowed"].to_list() == [not found for found in reasons]
    blocked = dict(zip(NAMES, (True, False, False, False, True, True), strict=True))
    assert channel_reasons(**blocked) == ["残疾人专岗，需持残疾人证"]


def _pairs() -> pl.DataFrame:
    """Every candidate of 300 persons of the test city with what the rules read of both sides."""
    context = city_context()
    persons = context.persons["id"].head(300).to_list()
    queries = pl.LazyFrame(
        {"query_id": persons, "person_id": persons, "at": [NOW] * len(persons)},
        schema={"query_id": pl.Int64, "person_id": pl.Int64, "at": UTC_MICROS},
    )
    found = job_candidates(context, people_at(context, queries).collect().lazy()).collect()
    latest = context.snapshot.assessments.sort("assessed_on").group_by("person_id").last()
    people = context.persons.select(
        person_id="id",
        certified=pl.col("certificate_number").is_not_null(),
        status="employment_status",
    ).join(
        latest.select("person_id", licensed=pl.col("certificates").list.contains(MASSAGE_LICENCE)),
        on="person_id",
        how="left",
    )
    posts = context.snapshot.vacancies.select(
        vacancy_id="id",
        reserved=pl.col("reserved_for_disabled") | pl.col("channel").is_in(list(RESERVED_CHANNELS)),
        welfare=pl.col("channel").is_in(list(WELFARE_CHANNELS)),
        massage=pl.col("skills_wanted").list.contains(MASSAGE_SKILL),
    )
    return (
        found.rename({"query_id": "person_id"})
        .join(people, on="person_id")
        .join(posts, on="vacancy_id")
    )


def test_recommended_jobs_keep_the_channel_rules() -> None:
    pairs = _pairs()
    assert pairs.height > 1000
    assert pairs.filter(pl.col("reserved") & ~pl.col("certified")).height == 0
    difficulty_excluded = pl.col("status").is_in(list(DIFFICULTY_EXCLUDED))
    assert pairs.filter(pl.col("welfare") & difficulty_excluded).height == 0
    assert pairs.filter(pl.col("massage") & ~pl.col("licensed").fill_null(False)).height == 0
    # the rules bite: the posts they guard reach those who may take them, and persons employed
    # (every person of the synthetic city holds a certificate: the first rule is tested by hand)
    assert pairs.filter(pl.col("welfare")).height > 0
    assert pairs.filter(pl.col("massage")).height > 0
    assert pairs.filter(difficulty_excluded)["person_id"].n_unique() > 10


def test_the_fairs_apply_the_same_rules() -> None:
    pairs = _pairs().head(400)
    candidates = [
        CandidateTerms(bool(r["certified"]), str(r["status"]), bool(r["licensed"]))
        for r in pairs.iter_rows(named=True)
    ]
    posts = city_context().snapshot.vacancies
    terms = {
        r["id"]: VacancyTerms(
            bool(r["reserved_for_disabled"]), str(r["channel"]), MASSAGE_SKILL in r["skills_wanted"]
        )
        for r in posts.iter_rows(named=True)
    }
    allowed = reservation_allows(candidates, [terms[v] for v in pairs["vacancy_id"].to_list()])
    assert np.diagonal(allowed).all()  # every recommended pair may also meet at a fair


def test_why_not_names_the_channel_rule() -> None:
    context = city_context()
    employed = context.persons.filter(pl.col("employment_status") == "employed")["id"].to_list()
    welfare = (
        context.open_vacancies.filter(pl.col("_needs_difficulty"))["vacancy_id"].head(40).to_list()
    )
    rule = ServedModel("jobs", "rule", None, None)
    for person_id in employed[:40]:
        person, _moment = person_row(city_snapshot().frames, person_id, NOW)
        for vacancy_id in welfare:
            check = rule_check(context, person, vacancy_id)
            if check is None or not (check.open_now and check.age_ok and check.near):
                continue
            assert not check.channel_ok and not check.passes
            assert check.channel_reasons == ["公益性岗位仅面向就业困难人员"]
            answer = why_not_job(city_snapshot(), rule, person_id, vacancy_id, NOW)
            assert answer is not None and answer.verdict == "excluded"
            assert "channel" in answer.rules and "就业困难人员" in answer.summary_zh
            return
    raise AssertionError("no employed person of the test city has a public-welfare post in reach")
