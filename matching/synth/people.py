"""Synthetic job seekers with disabilities, their certificates and vocational assessments.

Every share below is either from docs/domain.md or marked *assumption* with the reasoning. The true
abilities (what the person can really do) are kept apart as a latent: an assessment is a noisy,
sometimes outdated or missing measurement of them, as in life.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from matching import codes
from matching.geo import PLACES, population_weights, sample_points
from matching.synth.abilities import DIM, DIMENSIONS, true_abilities
from matching.synth.assessments import generate_assessments
from matching.synth.names import mobile_numbers, person_names
from matching.validators import make_certificate, make_resident_id

# Category shares among working-age job seekers (*assumption*). The 2006 survey shares of all
# disabled persons (physical 29.07%, hearing 24.16%, multiple 16.30%, visual 14.86%, psychosocial
# 7.40%, intellectual 6.68%, speech 1.53%) are dominated by old-age hearing and multiple
# disabilities; among job seekers physical disabilities lead and hearing/multiple shrink.
CATEGORY_SHARES = {"1": 0.13, "2": 0.16, "3": 0.03, "4": 0.40, "5": 0.10, "6": 0.08, "7": 0.10}
# Level 1 is the most severe. Job seekers are mostly level 3–4 (*assumption*).
LEVEL_SHARES = np.array([0.07, 0.18, 0.35, 0.40])
MALE_SHARE = 0.57  # *assumption*: men register as job seekers more often (survey: 51.55% of all)
GRADUATE_SHARE = 0.03  # "graduates ≈ a few percent" (issue 3)
EDUCATION_SHARES = {  # non-graduates; *assumption* from the low schooling of disabled adults
    "none": 0.06,
    "primary": 0.20,
    "junior": 0.38,
    "senior": 0.14,
    "secondary_vocational": 0.15,
    "college": 0.07,
}
STATUS_SHARES = {
    "seeking": 0.72,
    "employed": 0.08,
    "flexible": 0.08,
    "auxiliary": 0.05,
    "not_seeking": 0.07,
}
UNIVERSITIES = (
    "聊城大学",
    "聊城职业技术学院",
    "山东特殊教育职业学院",
    "滨州医学院",
    "山东师范大学",
    "山东大学",
    "青岛大学",
    "济南大学",
    "长春大学特殊教育学院",
    "北京联合大学特殊教育学院",
)
MAJORS = (
    "计算机科学与技术",
    "会计学",
    "电子商务",
    "针灸推拿学",
    "视觉传达设计",
    "特殊教育",
    "汉语言文学",
    "软件技术",
    "康复治疗技术",
    "工商管理",
    "数字媒体艺术",
    "社会工作",
)


def generate_persons(
    rng: np.random.Generator, n: int, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(persons, assessments, person_latent) with storage column names and integer ids."""
    county_codes, county_weights = population_weights()
    county = rng.choice(np.array(county_codes), size=n, p=county_weights)
    category = rng.choice(np.array(list(CATEGORY_SHARES)), size=n, p=list(CATEGORY_SHARES.values()))
    level = rng.choice(np.array(["1", "2", "3", "4"]), size=n, p=LEVEL_SHARES)
    sex = np.where(rng.random(n) < MALE_SHARE, "M", "F")
    graduate = rng.random(n) < GRADUATE_SHARE
    age = np.where(graduate, rng.integers(21, 31, n), np.clip(rng.normal(40, 10, n), 17, 59))
    birth = [
        as_of - timedelta(days=int(a * 365.25 + d))
        for a, d in zip(age, rng.integers(0, 365, n), strict=True)
    ]
    id_numbers = _unique_ids(rng, county, birth, sex)
    urban_share = (
        np.array([PLACES[c].urban_share for c in county]) * 0.85
    )  # more rural (*assumption*)
    education = _education(rng, category, level, graduate)
    rank = np.array([codes.EDUCATION_LEVELS.get(e).rank for e in education])
    true_ability = true_abilities(rng, category, level, rank, age)
    latitude, longitude = sample_points(rng, county, spread=0.6)
    registered_days = rng.integers(0, 3 * 365, n)
    sustainable = _sustainable_hours(rng, category, level)
    mobility_limited = true_ability[:, DIM["mobility"]] < 2
    persons = pl.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "id_number": id_numbers,
            "certificate_number": [
                make_certificate(number, cat, lv)
                for number, cat, lv in zip(id_numbers, category, level, strict=True)
            ],
            "name": person_names(rng, sex),
            "sex": sex,
            "birth_date": birth,
            "county": county,
            "hukou": np.where(rng.random(n) < urban_share, "urban", "rural"),
            "disability_category": category,
            "disability_level": level,
            "education": education,
            "employment_status": np.where(
                graduate & (age < 23),
                "studying",
                rng.choice(np.array(list(STATUS_SHARES)), size=n, p=list(STATUS_SHARES.values())),
            ),
            "phone": mobile_numbers(rng, n),
            "registered_on": [
                max(as_of - timedelta(days=int(d)), b + timedelta(days=16 * 366))
                for d, b in zip(registered_days, birth, strict=True)
            ],
            "is_graduate": graduate,
            "school": [str(rng.choice(UNIVERSITIES)) if g else None for g in graduate],
            "major": [str(rng.choice(MAJORS)) if g else None for g in graduate],
            "graduation_year": [
                int(as_of.year - rng.integers(0, 5)) if g else None for g in graduate
            ],
            "expected_pay_min": _expected_pay(rng, education),
            "preferred_hours_per_day": np.round(np.minimum(sustainable, 8.0), 1),
            "preferred_work_modes": _preferred_modes(rng, sustainable, mobility_limited),
            "commute_km": np.where(mobility_limited, rng.integers(2, 8, n), rng.integers(5, 31, n)),
            "latitude": latitude,
            "longitude": longitude,
        },
        strict=False,
    )
    assessments, skills = generate_assessments(rng, persons, true_ability, sustainable, as_of)
    latent = pl.DataFrame(
        {
            "person_id": persons["id"],
            "motivation": rng.normal(0.0, 1.0, n),
            "sustainable_hours": sustainable,
            "skills": skills,
        }
        | {f"true_{name}": true_ability[:, DIM[name]] for name in DIMENSIONS}
    )
    return persons, assessments, latent


def _unique_ids(
    rng: np.random.Generator,
    county: npt.NDArray[np.str_],
    birth: list[date],
    sex: npt.NDArray[np.str_],
) -> list[str]:
    """Valid resident IDs, unique; the sequence's parity carries the sex (odd = male).

    The address code is where the ID was first issued: zones issue under 东昌府区, and people
    from 茌平 born before it became a district (2019) keep the old county code 371523.
    """
    seen: set[str] = set()
    numbers: list[str] = []
    for place, born, person_sex in zip(county, birth, sex, strict=True):
        address = "371502" if place.startswith("Z-") else str(place)
        if address == "371503" and born.year < 2019:
            address = "371523"
        while True:
            sequence = 2 * int(rng.integers(0, 500)) + (1 if person_sex == "M" else 0)
            number = make_resident_id(address, born, sequence)
            if number not in seen:
                seen.add(number)
                numbers.append(number)
                break
    return numbers


def _education(
    rng: np.random.Generator,
    category: npt.NDArray[np.str_],
    level: npt.NDArray[np.str_],
    graduate: npt.NDArray[np.bool_],
) -> npt.NDArray[np.str_]:
    """Schooling; intellectual disability and severe levels shift it down, graduates up."""
    n = len(category)
    education = rng.choice(
        np.array(list(EDUCATION_SHARES)), size=n, p=list(EDUCATION_SHARES.values())
    )
    held_back = ((category == "5") | (level == "1")) & (rng.random(n) < 0.6)
    education = np.where(
        held_back, rng.choice(np.array(["none", "primary", "junior"]), size=n), education
    )
    higher = rng.choice(
        np.array(["college", "bachelor", "postgraduate"]), size=n, p=[0.45, 0.5, 0.05]
    )
    return np.where(graduate, higher, education)


def _sustainable_hours(
    rng: np.random.Generator, category: npt.NDArray[np.str_], level: npt.NDArray[np.str_]
) -> npt.NDArray[np.float64]:
    """Hours a day the person can keep up: shorter for severe levels and psychosocial
    disability (*assumption*), in half hours."""
    hours = rng.uniform(6.0, 8.5, len(category))
    hours -= np.where(level == "1", 2.5, np.where(level == "2", 1.2, 0.0))
    hours -= np.where(category == "6", 1.5, 0.0)
    return np.asarray(np.clip(np.round(hours * 2) / 2, 2.0, 8.0))


def _expected_pay(rng: np.random.Generator, education: npt.NDArray[np.str_]) -> list[int]:
    """Lowest acceptable monthly pay; near the Shandong minimum wage (about 2,000 yuan in 2023)
    for little schooling, higher with education (*assumption*)."""
    rank = np.array([codes.EDUCATION_LEVELS.get(e).rank for e in education])
    pay = 1900 + 350 * rank + rng.normal(0, 300, len(rank))
    return [int(round(value, -2)) for value in np.clip(pay, 1500, 8000)]


def _preferred_modes(
    rng: np.random.Generator,
    sustainable: npt.NDArray[np.float64],
    mobility_limited: npt.NDArray[np.bool_],
) -> list[list[str]]:
    modes: list[list[str]] = []
    for hours, limited, draw in zip(
        sustainable, mobility_limited, rng.random((len(sustainable), 3)), strict=True
    ):
        chosen = ["on_site"] if draw[0] < 0.8 or (not limited and hours >= 6) else []
        if hours < 6 or draw[1] < 0.15:
            chosen.append("part_time")
        if (limited and draw[2] < 0.6) or draw[2] < 0.08:
            chosen.append("home_based")
        modes.append(chosen or ["on_site"])
    return modes
