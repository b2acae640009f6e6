"""The synthetic employers, vacancies and training bases: valid codes, storage columns, realism.

The realism checks pin the documented assumptions (below-quota band, every kind and county
present, reserved channels flagged), so a later edit cannot quietly turn the city into a toy.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from matching.codes import (
    ACCOMMODATIONS,
    COUNTIES,
    COURSE_STATUSES,
    EDUCATION_LEVELS,
    EMPLOYER_KINDS,
    VACANCY_CHANNELS,
    VACANCY_STATUSES,
    WORK_MODES,
)
from matching.occupations import load_occupations
from matching.quota import quota_status
from matching.storage.employers import Employer, Vacancy
from matching.storage.training_bases import Course, TrainingBase
from matching.synth import skills
from matching.synth.employer_names import employer_profile
from matching.synth.employers import BELOW_QUOTA_BAND, generate_employers
from matching.synth.training import generate_training
from matching.synth.vacancies import SHANDONG_MIN_WAGE_CLASS2, generate_vacancies
from matching.synth.vacancy_profiles import PROFILES
from matching.validators import parse_uscc

AS_OF = date(2024, 6, 30)


def model_columns(model: type) -> list[str]:
    table = model.__table__  # type: ignore[attr-defined]
    return [c.name for c in table.columns if c.name not in ("created_at", "updated_at")]


DEMANDS = [c for c in model_columns(Vacancy) if c.startswith("demand_")]


@pytest.fixture(scope="module")
def small() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(20240630)
    employers, latent = generate_employers(rng, 400)
    return employers, latent, generate_vacancies(rng, employers, 300, 300, AS_OF)


@pytest.fixture(scope="module")
def city() -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(7)
    employers, _ = generate_employers(rng, 2000)
    return employers, generate_vacancies(rng, employers, 6000, 6000, AS_OF)


@pytest.fixture(scope="module")
def training() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return generate_training(np.random.default_rng(3), 35, AS_OF)


def test_credit_codes_are_valid_and_unique(small: tuple[pl.DataFrame, ...]) -> None:
    codes = small[0]["credit_code"].to_list()
    assert [parse_uscc(code) for code in codes] == codes
    assert len(set(codes)) == len(codes)


def test_frames_have_exactly_the_storage_columns(
    small: tuple[pl.DataFrame, ...], training: tuple[pl.DataFrame, ...]
) -> None:
    employers, latent, vacancies = small
    bases, courses, course_latent = training
    assert employers.columns == model_columns(Employer)
    assert vacancies.columns == model_columns(Vacancy)
    assert bases.columns == model_columns(TrainingBase)
    assert courses.columns == model_columns(Course)
    assert latent.columns == ["employer_id", "openness"]
    assert course_latent.columns == ["course_id", "quality"]
    for frame in (employers, vacancies, bases, courses):
        assert frame["id"].to_list() == list(range(1, frame.height + 1))


def test_employer_values_are_in_the_code_lists(small: tuple[pl.DataFrame, ...]) -> None:
    employers = small[0]
    assert set(employers["kind"]) <= set(EMPLOYER_KINDS.codes)
    assert set(employers["county"]) <= set(COUNTIES.codes)
    assert set(employers["accommodations"].explode().drop_nulls()) <= set(ACCOMMODATIONS.codes)
    assert employers["name"].n_unique() == employers.height
    public = employers["kind"].is_in(["agency", "institution"])
    assert (employers["established_posts"].is_not_null() == public).all()
    assert not employers.filter(pl.col("is_school") & (pl.col("kind") != "institution")).height
    disabled = employers["disabled_staff_severe"] + employers["disabled_staff_other"]
    assert (disabled <= employers["staff_count"]).all()
    assert employers["contact_phone"].str.contains(r"^0635-\d{7}$").all()


def test_every_kind_and_a_ru_kang_home_in_every_county(city: tuple[pl.DataFrame, ...]) -> None:
    employers = city[0]
    assert set(employers["kind"]) == set(EMPLOYER_KINDS.codes)
    centres = employers.filter(pl.col("kind") == "auxiliary_center")
    assert set(centres["county"]) == set(COUNTIES.codes)


def test_below_quota_share_of_larger_employers_is_in_the_documented_band(
    city: tuple[pl.DataFrame, ...],
) -> None:
    below = []
    for row in city[0].filter(pl.col("staff_count") >= 30).iter_rows(named=True):
        staff = row["established_posts"] or row["staff_count"]
        weighted = 2 * row["disabled_staff_severe"] + row["disabled_staff_other"]
        status = quota_status(
            staff, min(weighted, 2 * staff), employer_kind=row["kind"], is_school=row["is_school"]
        )
        below.append(not status.meets_quota)
    low, high = BELOW_QUOTA_BAND
    assert len(below) > 300
    assert low <= float(np.mean(below)) <= high


def test_same_seed_same_city_other_seed_other_city() -> None:
    def make(seed: int) -> tuple[pl.DataFrame, ...]:
        rng = np.random.default_rng(seed)
        employers, latent = generate_employers(rng, 150)
        vacancies = generate_vacancies(rng, employers, 100, 100, AS_OF)
        return employers, latent, vacancies, *generate_training(rng, 12, AS_OF)

    first, again, other = make(1), make(1), make(2)
    assert all(a.equals(b) for a, b in zip(first, again, strict=True))
    assert not any(a.equals(b) for a, b in zip(first, other, strict=True))


def test_openness_stays_out_of_the_visible_frame(small: tuple[pl.DataFrame, ...]) -> None:
    employers, latent, _ = small
    assert "openness" not in employers.columns
    assert latent["employer_id"].to_list() == employers["id"].to_list()
    assert latent["openness"].is_finite().all()


def test_every_employer_maps_to_a_known_hiring_profile(city: tuple[pl.DataFrame, ...]) -> None:
    profiles = {employer_profile(k, n) for k, n in city[0].select("kind", "name").iter_rows()}
    assert profiles <= set(PROFILES)


def test_vacancy_dates_and_statuses(small: tuple[pl.DataFrame, ...]) -> None:
    vacancies = small[2]
    open_ = vacancies.filter(pl.col("status") == "open")
    past = vacancies.filter(pl.col("status") != "open")
    assert open_.height == 300 and past.height == 300
    assert (open_["deadline"] > AS_OF).all()
    assert (open_["opened_on"] >= AS_OF - timedelta(days=90)).all()
    assert (past["deadline"] <= AS_OF).all()
    assert (past["opened_on"] >= AS_OF - timedelta(days=730)).all()
    assert (vacancies["opened_on"] <= vacancies["deadline"]).all()
    assert set(vacancies["status"]) <= set(VACANCY_STATUSES.codes)
    assert vacancies["opened_on"].is_sorted()


def test_vacancy_values_are_in_range(small: tuple[pl.DataFrame, ...]) -> None:
    employers, _, vacancies = small
    assert set(vacancies["channel"]) <= set(VACANCY_CHANNELS.codes)
    assert set(vacancies["work_mode"]) <= set(WORK_MODES.codes)
    assert set(vacancies["education_min"].drop_nulls()) <= set(EDUCATION_LEVELS.codes)
    assert set(vacancies["occupation_code"]) <= set(load_occupations())
    offered = vacancies["accommodations_offered"].explode().drop_nulls()
    assert set(offered) <= set(ACCOMMODATIONS.codes)
    assert set(vacancies["skills_wanted"].explode()) <= skills.SKILL_VOCABULARY
    assert (vacancies["skills_wanted"].list.len() >= 1).all()
    assert vacancies["code"].n_unique() == vacancies.height
    for column in DEMANDS:
        assert vacancies[column].is_between(0, 4).all(), column
    assert (vacancies["pay_min"] <= vacancies["pay_max"]).all()
    full_time = vacancies.filter(
        (pl.col("hours_per_day") == 8) & (pl.col("channel") != "auxiliary")
    )
    assert (full_time["pay_min"] >= SHANDONG_MIN_WAGE_CLASS2).all()
    assert vacancies["openings"].is_between(1, 20).all()
    joined = vacancies.join(employers, left_on="employer_id", right_on="id", suffix="_e")
    assert joined.height == vacancies.height
    assert (joined["county"] == joined["county_e"]).all()
    assert (joined["latitude"] == joined["latitude_e"]).all()


def test_reserved_channels_are_flagged_and_fit_their_employers(
    city: tuple[pl.DataFrame, ...],
) -> None:
    employers, vacancies = city
    assert set(vacancies["channel"]) == set(VACANCY_CHANNELS.codes)
    reserved = vacancies.filter(pl.col("channel") != "open")
    assert reserved["reserved_for_disabled"].all()
    kinds = vacancies.join(employers.select("id", "kind"), left_on="employer_id", right_on="id")
    assert set(kinds.filter(pl.col("channel") == "auxiliary")["kind"]) == {"auxiliary_center"}
    assert set(kinds.filter(pl.col("channel") == "blind_massage")["kind"]) == {"blind_massage"}
    massage = vacancies.filter(pl.col("channel") == "blind_massage")["skills_wanted"]
    assert all({"盲人医疗按摩", "保健按摩"} & set(wanted) for wanted in massage.to_list())


def test_open_vacancies_cover_many_occupations(city: tuple[pl.DataFrame, ...]) -> None:
    open_ = city[1].filter(pl.col("status") == "open")
    assert open_.height == 6000
    assert open_["occupation_code"].n_unique() >= 50


def test_training_bases_cover_every_county(training: tuple[pl.DataFrame, ...]) -> None:
    bases, courses, latent = training
    assert bases.height >= 30
    assert set(bases["county"]) == set(COUNTIES.codes)
    assert bases["code"].n_unique() == bases.height
    per_base = courses.group_by("base_id").len()["len"]
    assert per_base.min() >= 2 and per_base.max() <= 6  # type: ignore[operator]
    assert latent["course_id"].to_list() == courses["id"].to_list()
    with pytest.raises(ValueError, match="one per county"):
        generate_training(np.random.default_rng(0), 5, AS_OF)


def test_courses_are_valid_and_teach_what_vacancies_ask_for(
    training: tuple[pl.DataFrame, ...], city: tuple[pl.DataFrame, ...]
) -> None:
    courses = training[1]
    wanted = set(city[1]["skills_wanted"].explode())
    assert all(set(taught) & wanted for taught in courses["skills"].to_list())
    assert set(courses["skills"].explode()) <= skills.SKILL_VOCABULARY
    assert set(courses["occupation_code"]) <= set(load_occupations())
    assert set(courses["accessibility"].explode().drop_nulls()) <= set(ACCOMMODATIONS.codes)
    assert set(courses["status"]) <= set(COURSE_STATUSES.codes)
    assert courses["capacity"].is_between(15, 60).all()
    assert courses["next_intake"].is_between(AS_OF, AS_OF + timedelta(days=120)).all()
    assert (courses["fee_subsidy"] >= 0).all() and (courses["living_subsidy"] >= 0).all()
    assert courses["code"].n_unique() == courses.height


def test_skill_and_certificate_vocabulary_covers_the_occupations() -> None:
    occupations = load_occupations()
    assert set(skills.SKILLS_BY_OCCUPATION) == set(occupations)
    assert set(skills.SECTOR_SKILLS) == {o.sector for o in occupations.values()}
    for codes in skills.CERTIFICATE_OCCUPATIONS.values():
        assert set(codes) <= set(occupations)
    assert skills.certificate_for("2-05-10-00") == skills.MASSAGE_LICENCE
    assert skills.certificate_for("4-09-08-01") is None
    assert skills.skills_for("2-05-10-00")[0] == "盲人医疗按摩"
    assert skills.skills_for("4-10-04-02")[0] == "保健按摩"
