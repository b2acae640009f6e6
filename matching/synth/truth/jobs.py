"""Ground-truth outcome probabilities of referring a person to a vacancy."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from matching import codes
from matching.geo import haversine_km
from matching.quota import weighted_disabled_staff
from matching.synth.abilities import DIMENSIONS
from matching.synth.truth.latents import (
    ACCOMMODATION_BOOST,
    MASSAGE_OCCUPATIONS,
    FloatArray,
    IntArray,
    JobOutcome,
    Latents,
    pair_noise,
    sigmoid,
)

ACCOMMODATION_CODES = codes.ACCOMMODATIONS.codes
MODES = codes.WORK_MODES.codes
CLOSES = np.array(
    [[dim in codes.ACCOMMODATION_CLOSES[acc] for dim in DIMENSIONS] for acc in ACCOMMODATION_CODES],
    dtype=float,
)


def rows_of(ids: pl.Series) -> tuple[IntArray, IntArray]:
    """Sorted ids and the row each sorted id sits at, for vectorised id → row lookups."""
    values = ids.to_numpy().astype(np.int64)
    order = np.argsort(values, kind="stable")
    return values[order], order


def lookup(index: tuple[IntArray, IntArray], ids: IntArray) -> IntArray:
    sorted_ids, order = index
    return np.asarray(order[np.searchsorted(sorted_ids, ids)])


def multi_hot(lists: pl.Series, vocabulary: dict[str, int]) -> npt.NDArray[np.bool_]:
    matrix = np.zeros((len(lists), len(vocabulary)), dtype=bool)
    for row, items in enumerate(lists.to_list()):
        for item in items or ():
            if item in vocabulary:
                matrix[row, vocabulary[item]] = True
    return matrix


class JobTruth:
    """Computes ``JobOutcome`` for any (person, vacancy) pairs from visible rows plus latents."""

    def __init__(
        self,
        latents: Latents,
        persons: pl.DataFrame,
        vacancies: pl.DataFrame,
        employers: pl.DataFrame,
    ) -> None:
        self.seed = latents.seed
        person = persons.join(latents.persons, left_on="id", right_on="person_id", how="left")
        self.person_index = rows_of(person["id"])
        self.vacancy_index = rows_of(vacancies["id"])
        self.ability = person.select([f"true_{d}" for d in DIMENSIONS]).to_numpy().astype(float)
        self.motivation = person["motivation"].to_numpy()
        self.hours = person["sustainable_hours"].to_numpy().astype(float)
        self.p_lat, self.p_lon = person["latitude"].to_numpy(), person["longitude"].to_numpy()
        self.commute = np.maximum(person["commute_km"].to_numpy().astype(float), 1.0)
        self.expected_pay = person["expected_pay_min"].to_numpy().astype(float)
        self.mode_bits = np.array(
            [
                sum(1 << MODES.index(m) for m in modes or ())
                for modes in person["preferred_work_modes"].to_list()
            ]
        )
        self.education = _ranks(person["education"])
        self.graduate = person["is_graduate"].to_numpy().astype(bool)
        self.birth_year = person["birth_date"].dt.year().to_numpy()
        skills = sorted(
            {s for items in person["skills"].to_list() for s in items or ()}
            | {s for items in vacancies["skills_wanted"].to_list() for s in items or ()}
        )
        vocabulary = {skill: index for index, skill in enumerate(skills)}
        self.person_skills = multi_hot(person["skills"], vocabulary)
        self.massage_licence = np.array(
            ["盲人医疗按摩" in (items or ()) for items in person["skills"].to_list()]
        )
        self.demand = vacancies.select([f"demand_{d}" for d in DIMENSIONS]).to_numpy().astype(float)
        offered = multi_hot(
            vacancies["accommodations_offered"], {a: i for i, a in enumerate(ACCOMMODATION_CODES)}
        )
        self.boost = np.minimum(offered.astype(float) @ CLOSES, 1.0) * ACCOMMODATION_BOOST
        self.toilet = offered[:, ACCOMMODATION_CODES.index("accessible_toilet")]
        self.v_lat, self.v_lon = vacancies["latitude"].to_numpy(), vacancies["longitude"].to_numpy()
        self.home = (vacancies["work_mode"] == "home_based").to_numpy()
        self.work_mode_bit = np.array([1 << MODES.index(m) for m in vacancies["work_mode"]])
        self.pay = ((vacancies["pay_min"] + vacancies["pay_max"]) / 2).to_numpy().astype(float)
        self.v_hours = vacancies["hours_per_day"].cast(pl.Float64).to_numpy()
        self.education_min = _ranks(vacancies["education_min"])
        self.age_min = vacancies["age_min"].fill_null(16).to_numpy()
        self.age_max = vacancies["age_max"].fill_null(75).to_numpy()
        self.for_graduates = vacancies["graduate_oriented"].to_numpy().astype(bool)
        self.reserved = vacancies["reserved_for_disabled"].to_numpy().astype(bool)
        self.massage = vacancies["occupation_code"].is_in(list(MASSAGE_OCCUPATIONS)).to_numpy()
        self.vacancy_skills = multi_hot(vacancies["skills_wanted"], vocabulary)
        self.opened_year = vacancies["opened_on"].dt.year().to_numpy()
        # posts to fill (matching/synth/vacancies.py draws them; at least one)
        self.openings = np.maximum(vacancies["openings"].fill_null(1).to_numpy(), 1).astype(
            np.int64
        )
        employer = vacancies.select("employer_id").join(
            _employer_terms(employers, latents), left_on="employer_id", right_on="id", how="left"
        )
        self.openness = employer["openness"].to_numpy()
        self.quota_pressure = employer["quota_pressure"].to_numpy()

    def vacancy_rows(self, vacancy_ids: IntArray) -> IntArray:
        """Row of each vacancy id in this truth's arrays (dense indices, e.g. for ``openings``)."""
        return lookup(self.vacancy_index, np.asarray(vacancy_ids, dtype=np.int64))

    def outcome(self, person_ids: IntArray, vacancy_ids: IntArray) -> JobOutcome:
        p = lookup(self.person_index, np.asarray(person_ids, dtype=np.int64))
        v = lookup(self.vacancy_index, np.asarray(vacancy_ids, dtype=np.int64))
        gap = np.maximum(0.0, self.demand[v] - self.ability[p] - self.boost[v])
        worst = gap.max(axis=1)
        fit = -0.9 * gap.sum(axis=1) - 1.6 * np.maximum(0.0, worst - 0.7)
        wheelchair = (self.ability[p, DIMENSIONS.index("standing")] < 0.8) & (
            self.ability[p, DIMENSIONS.index("mobility")] < 1.5
        )
        toilet = np.where(wheelchair & ~self.toilet[v] & ~self.home[v], -1.0, 0.0)
        distance = np.where(
            self.home[v],
            0.0,
            haversine_km(self.p_lat[p], self.p_lon[p], self.v_lat[v], self.v_lon[v]),
        )
        ratio = distance / self.commute[p]
        far = -1.8 * np.maximum(0.0, ratio - 1.0) - 0.6 * np.minimum(ratio, 1.0)
        pay = 1.2 * np.clip((self.pay[v] - self.expected_pay[p]) / self.expected_pay[p], -1.0, 0.6)
        hours = -0.7 * np.maximum(0.0, self.v_hours[v] - self.hours[p])
        mode = np.where((self.mode_bits[p] & self.work_mode_bit[v]) > 0, 0.5, -0.3)
        education = np.where(self.education[p] < self.education_min[v], -1.5, 0.0)
        age = self.opened_year[v] - self.birth_year[p]
        age_term = np.where((age < self.age_min[v]) | (age > self.age_max[v]), -2.5, 0.0)
        graduate = np.where(self.for_graduates[v], np.where(self.graduate[p], 0.7, -0.5), 0.0)
        overlap = (self.person_skills[p] & self.vacancy_skills[v]).sum(axis=1)
        skills = 0.5 * np.minimum(overlap, 2) + np.where(
            self.massage[v], np.where(self.massage_licence[p], 1.5, -2.0), 0.0
        )
        motivation = self.motivation[p]
        employer = self.openness[v] + self.quota_pressure[v] + np.where(self.reserved[v], 0.3, 0.0)
        noise_a = 0.5 * pair_noise(self.seed, person_ids, vacancy_ids, salt=1)
        noise_b = 0.5 * pair_noise(self.seed, person_ids, vacancy_ids, salt=2)
        apply = sigmoid(
            0.4 + 0.8 * pay + far + mode + hours + 0.5 * motivation + 0.3 * fit + noise_a
        )
        interview = sigmoid(
            -0.2 + 0.8 * fit + education + age_term + employer + 0.8 * skills + graduate + toilet
        )
        offer = sigmoid(0.0 + 0.9 * fit + skills + 0.6 * self.openness[v] + toilet + noise_b)
        accept = sigmoid(1.8 + 0.8 * pay + 0.5 * far + 0.3 * motivation)
        retain = sigmoid(0.8 + 0.8 * fit + hours + 0.5 * motivation + toilet)
        hint = _refusal_hints(far, pay, hours, worst, gap, toilet)
        return JobOutcome(apply, interview, offer, accept, retain, hint)


def _ranks(series: pl.Series) -> IntArray:
    ranks = {item.code: item.rank for item in codes.EDUCATION_LEVELS}
    return np.array([ranks.get(value, 0) if value else 0 for value in series.to_list()])


def _employer_terms(employers: pl.DataFrame, latents: Latents) -> pl.DataFrame:
    """Hidden openness, plus quota pressure: large employers below quota have a reason to hire."""
    weighted = [
        weighted_disabled_staff(["1"] * severe + ["3"] * other)
        for severe, other in zip(
            employers["disabled_staff_severe"], employers["disabled_staff_other"], strict=True
        )
    ]
    below = np.array(weighted) < employers["staff_count"].to_numpy() * 0.015
    pressure = np.where(below & (employers["staff_count"].to_numpy() > 30), 0.3, 0.0)
    return (
        employers.select("id")
        .with_columns(quota_pressure=pressure)
        .join(latents.employers, left_on="id", right_on="employer_id", how="left")
    )


def _refusal_hints(
    far: FloatArray,
    pay: FloatArray,
    hours: FloatArray,
    worst: FloatArray,
    gap: FloatArray,
    toilet: FloatArray,
) -> npt.NDArray[np.str_]:
    """The most likely stated reason if the referral fails: the largest negative term."""
    mobility_gap = gap[:, DIMENSIONS.index("mobility")] + gap[:, DIMENSIONS.index("standing")]
    sensory_gap = gap[:, DIMENSIONS.index("hearing")] + gap[:, DIMENSIONS.index("vision")]
    candidates = np.stack([far, pay, hours, -worst, -mobility_gap + toilet, -sensory_gap])
    names = np.array(
        ["distance", "pay", "hours", "skills", "accessibility", "accommodation_unavailable"]
    )
    strongest = np.argmin(candidates, axis=0)
    return np.where(candidates.min(axis=0) < -0.6, names[strongest], "employer_declined")
