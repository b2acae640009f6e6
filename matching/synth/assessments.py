"""Assessments as noisy, sometimes outdated or missing measurements of the true abilities.

Skills and certificates come from occupations the person has worked in or trained for (chosen
among those their true abilities allow), so that skills can overlap what vacancies ask for.
Accommodations needed follow from the abilities that are low.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from matching.occupations import load_occupations
from matching.synth import skills as vocabulary
from matching.synth.abilities import DIM, DIMENSIONS

MISSING_ASSESSMENT = 0.10  # *assumption*: registered but never assessed
OUTDATED_ASSESSMENT = 0.15  # *assumption*: last assessed three to six years ago
ASSESSMENT_NOISE_SD = 0.45  # assessors disagree by about half a point (*assumption*)
ASSESSORS = ("市残联评估中心", "县残联职业评估员", "如康家园评估员", "人社局职业指导师")
MASSAGE_LICENCE_BY_LEVEL = {"1": 0.35, "2": 0.25, "3": 0.08, "4": 0.04}  # visual only, *assumption*


def generate_assessments(
    rng: np.random.Generator,
    persons: pl.DataFrame,
    true_ability: npt.NDArray[np.float64],
    sustainable: npt.NDArray[np.float64],
    as_of: date,
) -> tuple[pl.DataFrame, list[list[str]]]:
    """(assessments of the assessed, skills every person really holds)."""
    n = persons.height
    has = rng.random(n) >= MISSING_ASSESSMENT
    outdated = rng.random(n) < OUTDATED_ASSESSMENT
    age_days = np.where(outdated, rng.integers(3 * 365, 6 * 365, n), rng.integers(0, 2 * 365, n))
    measured = np.clip(
        np.rint(true_ability + rng.normal(0, ASSESSMENT_NOISE_SD, true_ability.shape)), 0, 4
    )
    skills, certificates = _skills_and_certificates(rng, persons, true_ability)
    rows = np.flatnonzero(has)
    hukou = persons["hukou"].to_numpy()
    frame = pl.DataFrame(
        {
            "id": np.arange(1, len(rows) + 1),
            "person_id": persons["id"].to_numpy()[rows],
            "assessed_on": [as_of - timedelta(days=int(age_days[r])) for r in rows],
            "assessor": rng.choice(np.array(ASSESSORS), size=len(rows)),
            **{name: measured[rows, DIM[name]].astype(np.int16) for name in DIMENSIONS},
            "sustainable_hours": sustainable[rows],
            "skills": [skills[r] for r in rows],
            "certificates": [certificates[r] for r in rows],
            "accommodations_needed": [_needed(true_ability[r], sustainable[r], rng) for r in rows],
            "preferred_forms": [_forms(rng, str(hukou[r]), true_ability[r]) for r in rows],
            "notes": [None] * len(rows),
        },
        strict=False,
    )
    return frame, skills


def _needed(ability: npt.NDArray[np.float64], hours: float, rng: np.random.Generator) -> list[str]:
    """Accommodations that would close the person's low abilities (order of the code list)."""
    low = {name for name in DIMENSIONS if ability[DIM[name]] < 1.5}
    needed: list[str] = []
    if "mobility" in low:
        needed.append("step_free")
        if ability[DIM["standing"]] < 0.8:
            needed.append("accessible_toilet")
    if "hearing" in low:
        needed.append("sign_interpreter")
    if "vision" in low:
        needed.append("screen_reader" if ability[DIM["computer"]] >= 1.5 else "large_print_braille")
    if "stress" in low:
        needed.append("flexible_hours")
    if hours < 6:
        needed.append("part_time")
    if "learning" in low or "attention" in low:
        needed.append("job_coach")
    if "stress" in low and rng.random() < 0.5:
        needed.append("quiet_space")
    if ("lifting" in low or "fine_dexterity" in low) and rng.random() < 0.5:
        needed.append("assistive_devices")
    if "mobility" in low and rng.random() < 0.5:
        needed.append("transport")
    return needed


def _forms(rng: np.random.Generator, hukou: str, ability: npt.NDArray[np.float64]) -> list[str]:
    forms = ["quota"]
    if ability[DIM["learning"]] < 1.5 or ability[DIM["stress"]] < 1.5:
        forms.append("auxiliary")
    if ability[DIM["mobility"]] < 1.5:
        forms.append("home_based")
    if hukou == "rural" and rng.random() < 0.35:
        forms.append("rural")
    if rng.random() < 0.1:
        forms.append("self_employment")
    if rng.random() < 0.15:
        forms.append("flexible")
    return forms


def _skills_and_certificates(
    rng: np.random.Generator, persons: pl.DataFrame, true_ability: npt.NDArray[np.float64]
) -> tuple[list[list[str]], list[list[str]]]:
    """Skills of 0–2 occupations the person could do; licences that go with them."""
    occupations = list(load_occupations().values())
    demand = np.array([[o.demand[name] for name in DIMENSIONS] for o in occupations], dtype=float)
    category = persons["disability_category"].to_numpy()
    level = persons["disability_level"].to_numpy()
    skills: list[list[str]] = []
    certificates: list[list[str]] = []
    for row in range(persons.height):
        feasible = np.flatnonzero((demand - true_ability[row] <= 0.5).all(axis=1))
        held: list[str] = []
        licences: list[str] = []
        if category[row] == "1" and rng.random() < MASSAGE_LICENCE_BY_LEVEL[str(level[row])]:
            held += ["盲人医疗按摩", "保健按摩"]
            licences.append(vocabulary.MASSAGE_LICENCE)
        deaf = category[row] in ("2", "7") and true_ability[row, DIM["hearing"]] < 1.5
        if deaf and rng.random() < 0.7:
            held.append(vocabulary.SIGN_LANGUAGE)
        for pick in rng.permutation(feasible)[: rng.integers(0, 3)]:
            names = vocabulary.skills_for(occupations[pick].code)
            held.extend(rng.choice(np.array(names), size=min(2, len(names)), replace=False))
            certificate = vocabulary.certificate_for(occupations[pick].code)
            if certificate and rng.random() < 0.3:
                licences.append(certificate)
        skills.append(list(dict.fromkeys(str(skill) for skill in held)))
        certificates.append(list(dict.fromkeys(licences)))
    return skills, certificates
