"""How referrals were chosen before jobmatch existed: a counselor's rough rule, with noise.

Counselors look at the county, whether the job asks much of the person's weakest assessed
ability, the work mode and the pay, and their judgement varies (Gumbel noise). This is the
logging policy of the history: the ranks it records are the ranks the ranker must correct for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from matching.geo import PLACES, haversine_km
from matching.synth.abilities import DIMENSIONS

REACH_KM = 35.0  # counties whose seats are this close are one labour market (*assumption*)
MODES = ("on_site", "part_time", "home_based", "shift")
CATEGORY_KEY_DIMENSION = {
    "1": "vision",
    "2": "hearing",
    "3": "speech",
    "4": "mobility",
    "5": "learning",
    "6": "stress",
    "7": "mobility",
}


@dataclass(frozen=True)
class PersonView:
    """What a counselor sees of each person, by row."""

    county: npt.NDArray[np.str_]
    key_dimension: npt.NDArray[np.int64]
    key_score: npt.NDArray[np.float64]
    mode_bits: npt.NDArray[np.int64]
    expected_pay: npt.NDArray[np.float64]


@dataclass(frozen=True)
class VacancyView:
    county: npt.NDArray[np.str_]
    demand: npt.NDArray[np.float64]
    mode_bit: npt.NDArray[np.int64]
    home: npt.NDArray[np.bool_]
    pay: npt.NDArray[np.float64]
    opened: npt.NDArray[np.datetime64]
    closes: npt.NDArray[np.datetime64]


def person_view(persons: pl.DataFrame, assessments: pl.DataFrame) -> PersonView:
    scores = persons.select("id", "disability_category").join(
        assessments.sort("assessed_on").group_by("person_id").last(),
        left_on="id",
        right_on="person_id",
        how="left",
    )
    assessed = scores.select(DIMENSIONS).to_numpy().astype(float)
    fallback = np.array(
        [DIMENSIONS.index(CATEGORY_KEY_DIMENSION[c]) for c in scores["disability_category"]]
    )
    has = ~np.isnan(assessed).any(axis=1)
    key = np.where(has, np.argmin(np.nan_to_num(assessed, nan=4.0), axis=1), fallback)
    key_score = np.where(has, np.nan_to_num(assessed, nan=2.0)[np.arange(len(key)), key], 1.5)
    bits = np.array(
        [
            sum(1 << MODES.index(m) for m in modes or ())
            for modes in persons["preferred_work_modes"].to_list()
        ]
    )
    return PersonView(
        county=persons["county"].to_numpy(),
        key_dimension=key,
        key_score=key_score,
        mode_bits=bits,
        expected_pay=persons["expected_pay_min"].to_numpy().astype(float),
    )


def vacancy_view(vacancies: pl.DataFrame, as_of_end: np.datetime64) -> VacancyView:
    closes = vacancies["deadline"].to_numpy().astype("datetime64[s]")
    return VacancyView(
        county=vacancies["county"].to_numpy(),
        demand=vacancies.select([f"demand_{d}" for d in DIMENSIONS]).to_numpy().astype(float),
        mode_bit=np.array([1 << MODES.index(m) for m in vacancies["work_mode"]]),
        home=(vacancies["work_mode"] == "home_based").to_numpy(),
        pay=((vacancies["pay_min"] + vacancies["pay_max"]) / 2).to_numpy().astype(float),
        opened=vacancies["opened_on"].to_numpy().astype("datetime64[s]"),
        closes=np.where(np.isnat(closes), as_of_end, closes),
    )


def reachable(county: str, view: VacancyView) -> npt.NDArray[np.int64]:
    place = PLACES[county]
    near = [
        code
        for code, other in PLACES.items()
        if haversine_km(place.latitude, place.longitude, other.latitude, other.longitude)
        <= REACH_KM
    ]
    return np.flatnonzero(np.isin(view.county, near) | view.home)


def counselor_lists(
    rng: np.random.Generator,
    people: PersonView,
    jobs: VacancyView,
    person_rows: npt.NDArray[np.int64],
    times: npt.NDArray[np.datetime64],
    sizes: npt.NDArray[np.int64],
    *,
    noise: float = 1.0,
    chunk: int = 1500,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For each session (person row, time, list size): the vacancy rows shown and their ranks.

    Returns (session index, vacancy row, rank) for every shown item; vacancies must be open at
    the session's time and within reach of the person's county.
    """
    out_session, out_vacancy, out_rank = [], [], []
    for county in np.unique(people.county[person_rows]):
        candidates = reachable(str(county), jobs)
        sessions = np.flatnonzero(people.county[person_rows] == county)
        for start in range(0, len(sessions), chunk):
            part = sessions[start : start + chunk]
            rows = person_rows[part]
            t = times[part][:, None]
            open_ = (jobs.opened[candidates][None, :] <= t) & (
                t <= jobs.closes[candidates][None, :]
            )
            demand = jobs.demand[candidates][:, people.key_dimension[rows]].T
            score = (
                (jobs.county[candidates][None, :] == county) * 1.0
                + (demand <= people.key_score[rows][:, None] + 1.0) * 1.2
                + ((people.mode_bits[rows][:, None] & jobs.mode_bit[candidates][None, :]) > 0) * 0.5
                + (jobs.pay[candidates][None, :] >= people.expected_pay[rows][:, None]) * 0.4
                + rng.gumbel(0.0, noise, (len(part), len(candidates)))
            )
            score[~open_] = -np.inf
            k = int(sizes[part].max())
            top = np.argsort(-score, axis=1)[:, :k]
            for i, session in enumerate(part):
                chosen = top[i, : sizes[session]]
                chosen = chosen[np.isfinite(score[i, chosen])]
                out_session.append(np.full(len(chosen), session))
                out_vacancy.append(candidates[chosen])
                out_rank.append(np.arange(1, len(chosen) + 1))
    return np.concatenate(out_session), np.concatenate(out_vacancy), np.concatenate(out_rank)
