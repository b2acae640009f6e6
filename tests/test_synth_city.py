"""The synthetic city: reproducible, valid, and realistic enough that a toy would fail."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import polars as pl
import pytest

from matching.geo import haversine_km
from matching.quota import quota_status
from matching.synth.city import SCALES, City, build_city
from matching.validators import parse_certificate, parse_resident_id, parse_uscc

AS_OF = date(2026, 11, 1)


def mean_of(series: pl.Series) -> float:
    value = series.cast(pl.Float64).mean()
    assert isinstance(value, float), f"no values in {series.name}"
    return value


@pytest.fixture(scope="module")
def city() -> City:
    return build_city(11, SCALES["test"], AS_OF)


@pytest.fixture(scope="module")
def job_referrals(city: City) -> pl.DataFrame:
    """Job referrals with what was reached (applied, hired) and the home–work distance."""
    events = city.frames["referral_events"]
    reached = events.group_by("referral_id").agg(
        applied=(pl.col("stage") == "applied").any(),
        hired=pl.col("stage").is_in(["hired", "retained_6m"]).any(),
    )
    persons = city.frames["persons"].select(
        pl.col("id").alias("person_id"),
        "latitude",
        "longitude",
        "disability_category",
        "disability_level",
    )
    vacancies = city.frames["vacancies"].select(
        pl.col("id").alias("vacancy_id"),
        pl.col("latitude").alias("v_lat"),
        pl.col("longitude").alias("v_lon"),
        "work_mode",
        "demand_hearing",
    )
    frame = (
        city.frames["referrals"]
        .filter(pl.col("vacancy_id").is_not_null())
        .join(reached, left_on="id", right_on="referral_id")
        .join(persons, on="person_id")
        .join(vacancies, on="vacancy_id")
    )
    distance = haversine_km(
        frame["latitude"].to_numpy(),
        frame["longitude"].to_numpy(),
        frame["v_lat"].to_numpy(),
        frame["v_lon"].to_numpy(),
    )
    return frame.with_columns(distance=pl.Series(distance))


def test_the_same_seed_gives_the_same_city(city: City) -> None:
    again = build_city(11, SCALES["test"], AS_OF)
    for name, frame in city.frames.items():
        assert frame.equals(again.frames[name]), name
    assert city.latents.persons.equals(again.latents.persons)


def test_another_seed_gives_another_city(city: City) -> None:
    other = build_city(12, SCALES["test"], AS_OF)
    assert not other.frames["persons"].equals(city.frames["persons"])
    assert not other.frames["referrals"].equals(city.frames["referrals"])


def test_every_identifier_passes_the_validators(city: City) -> None:
    persons = city.frames["persons"]
    for number, certificate in persons.select("id_number", "certificate_number").iter_rows():
        parse_certificate(certificate, parse_resident_id(number, today=AS_OF).number)
    assert persons["id_number"].n_unique() == persons.height
    codes = city.frames["employers"]["credit_code"]
    assert [parse_uscc(code) for code in codes] == codes.to_list()
    assert codes.n_unique() == len(codes)


def test_certificates_agree_with_the_person(city: City) -> None:
    persons = city.frames["persons"]
    for row in persons.iter_rows(named=True):
        certificate = parse_certificate(row["certificate_number"], row["id_number"])
        assert (certificate.category, certificate.level) == (
            row["disability_category"],
            row["disability_level"],
        )
        assert parse_resident_id(row["id_number"]).sex == row["sex"]


def test_severely_blind_people_hold_massage_licences_far_more_often() -> None:
    persons = build_city(3, SCALES["demo"].__class__(6000, 50, 20, 20, 30), AS_OF)
    frame = persons.frames["persons"].join(
        persons.latents.persons.select("person_id", "skills"), left_on="id", right_on="person_id"
    )
    licensed = frame["skills"].list.contains("盲人医疗按摩")
    blind = (frame["disability_category"] == "1") & (frame["disability_level"] == "1")
    share_blind = licensed.filter(blind).mean()
    share_others = licensed.filter(~blind).mean()
    assert isinstance(share_blind, float) and isinstance(share_others, float)
    assert share_blind > 0.2
    assert share_blind > 10 * share_others


def test_assessments_follow_the_disability(city: City) -> None:
    scores = city.frames["assessments"].join(
        city.frames["persons"].select("id", "disability_category", "disability_level"),
        left_on="person_id",
        right_on="id",
    )

    def mean(column: str, category: str, levels: tuple[str, ...] = ("1", "2")) -> float:
        chosen = scores.filter(
            (pl.col("disability_category") == category) & pl.col("disability_level").is_in(levels)
        )
        return mean_of(chosen[column])

    overall = {name: mean_of(scores[name]) for name in ("vision", "hearing", "learning", "stress")}
    assert mean("vision", "1") < overall["vision"] - 1.5
    assert mean("hearing", "2") < overall["hearing"] - 1.5
    assert mean("learning", "5") < overall["learning"] - 1.0
    assert mean("stress", "6") < overall["stress"] - 1.0


def test_some_people_have_no_or_an_outdated_assessment(city: City) -> None:
    assessed = city.frames["assessments"]
    missing = 1 - assessed["person_id"].n_unique() / city.frames["persons"].height
    outdated = (assessed["assessed_on"] < date(AS_OF.year - 3, AS_OF.month, AS_OF.day)).mean()
    assert 0.05 < missing < 0.2
    assert isinstance(outdated, float) and 0.05 < outdated < 0.3


def test_a_realistic_share_of_employers_is_below_quota(city: City) -> None:
    employers = city.frames["employers"].filter(pl.col("staff_count") > 30)
    below = [
        not quota_status(
            staff, 2 * severe + other, employer_kind=kind, is_school=school
        ).meets_quota
        for staff, severe, other, kind, school in employers.select(
            "staff_count", "disabled_staff_severe", "disabled_staff_other", "kind", "is_school"
        ).iter_rows()
    ]
    assert 0.45 <= float(np.mean(below)) <= 0.85


def test_hearing_impaired_people_are_rarely_hired_into_phone_jobs(
    job_referrals: pl.DataFrame,
) -> None:
    phone = job_referrals.filter(pl.col("demand_hearing") >= 3)
    deaf = phone.filter(
        (pl.col("disability_category") == "2") & pl.col("disability_level").is_in(["1", "2"])
    )
    others = phone.filter(~pl.col("disability_category").is_in(["2", "7"]))
    assert deaf.height >= 30
    assert mean_of(deaf["hired"]) < 0.3 * mean_of(others["hired"])


def test_outcomes_fall_with_distance(job_referrals: pl.DataFrame) -> None:
    on_site = job_referrals.filter(pl.col("work_mode") != "home_based")
    near = on_site.filter(pl.col("distance") < 8)
    far = on_site.filter(pl.col("distance") > 25)
    assert near.height > 200 and far.height > 200
    assert mean_of(far["applied"]) < 0.7 * mean_of(near["applied"])


def test_outcomes_fall_with_the_rank_shown(job_referrals: pl.DataFrame) -> None:
    listed = job_referrals.filter(pl.col("source") == "counselor")
    top = listed.filter(pl.col("shown_rank") <= 2)
    low = listed.filter(pl.col("shown_rank") >= 8)
    assert mean_of(low["applied"]) < 0.7 * mean_of(top["applied"])


def test_newest_referrals_can_still_be_open(city: City) -> None:
    events = city.frames["referral_events"]
    latest = events["at"].max()
    assert isinstance(latest, datetime)
    assert latest <= datetime(AS_OF.year, AS_OF.month, AS_OF.day, tzinfo=UTC)
    assert city.frames["referrals"].filter(pl.col("stage") == "referred").height > 0


def test_there_is_a_training_base_in_every_county(city: City) -> None:
    from matching.codes import COUNTIES

    assert set(city.frames["training_bases"]["county"]) == set(COUNTIES.codes)
