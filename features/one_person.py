"""A second engine for one person's job request: the candidate rules and the pair features with
NumPy, on the day's frames (``features.moment``).

``features.candidates`` and ``features.jobs`` define the features and build every training frame.
For one person at request time, polars' fixed cost per expression, over the ≈ 200 expressions of
those plans, outweighs the arithmetic on ≈ 6,000 vacancies and ≈ 600 candidates
(experiments/serving.md). This module does the same arithmetic with NumPy, operation for operation
and in the same order, so that its rows equal the polars path's bit for bit
(``tests/test_one_person.py`` compares the two for every person of the test city at several
moments). The haversine stays in polars (its sine and arcsine are the C library's there; NumPy has
its own), and the person's and vacancies' own features are gathered from the day's frames.

A null where the polars rules would read a value (say an imported vacancy without pay) is not
modelled here: ``OnePerson.of`` gives None for such vacancy frames and ``OnePerson.job_request``
None for such a person, and the request takes the polars path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

from features.arrays import (
    Array,
    Floats,
    Ints,
    Rows,
    columns_of,
    day_numbers,
    has_nulls,
    left_sum,
    matrix,
    string_sets,
)
from features.candidates import (
    DEFAULT_MARGIN,
    HIRES_PRIOR,
    INCAPABLE_FROM,
    INCAPACITY,
    MIN_REACH_KM,
    MODE_POINTS,
    OPEN_ROW,
    PAY_RANGE,
    PRESCORE_WEIGHTS,
    REACH_FACTOR,
    SKILLS_COUNTED,
)
from features.geo import pair_distance_km
from features.one_person_inputs import (
    ASSESSED,
    CANDIDATE_INPUTS,
    DISTANCE_INPUTS,
    IDS,
    NULLABLE_LIMITS,
    PAIR_INPUTS,
    PERSON_INPUTS,
    input_bits,
)
from features.person import effective_score
from features.schema import DIMENSIONS, JOB_FEATURE_SET
from features.vacancy import ACCOMMODATION_BOOST_POINTS
from features.vocabularies import (
    MODE_BITS,
    NEEDED_BITS,
    OFFERED_BITS,
    SKILL_BITS,
    V_MODE_BITS,
    WANTED_BITS,
    Bitsets,
    Vocabularies,
)

Bools = npt.NDArray[np.bool_]

_DISTANCE: Final = pair_distance_km(pl.col("v_home_based") == 1).alias("distance")
_ENTITIES: Final = ("person", "vacancy", "pair")  # of JOB_FEATURE_SET
_OWN: Final = {
    entity: [f.name for f in JOB_FEATURE_SET.features if f.entity == entity] for entity in _ENTITIES
}
_AT: Final = {
    entity: [JOB_FEATURE_SET.names.index(name) for name in _OWN[entity]] for entity in _ENTITIES
}
# The answer's columns come out in JOB_FEATURE_SET's order when it lists the person's features,
# then the vacancy's, then the pair's, so no select has to reorder 100 columns (a cost on every
# request; experiments/features.md).
_IN_ORDER: Final = JOB_FEATURE_SET.names == [name for entity in _ENTITIES for name in _OWN[entity]]


@dataclass(frozen=True, eq=False)
class OnePerson:
    """The day's frames as arrays: ``open`` and ``pair`` by open row (``OPEN_ROW``), ``people``
    by the person's row of ``Moment.people``."""

    sets: Vocabularies
    open: dict[str, Array]
    pair: dict[str, Array]
    same_place: bool  # the pair features' places equal the rules' (the distance is reused)
    vacancy_rows: Ints  # open row → row of the day's vacancy frame
    vacancy_features: pl.DataFrame  # the vacancies' own features (JOB_FEATURE_SET), by frame row
    vacancy_text: list[frozenset[str]]
    vacancy_text_size: Ints  # the lengths of the bigram lists
    vacancy_county: Ints
    counties: dict[str, int]
    people: dict[str, Array]
    person_features: pl.DataFrame  # the persons' own features (JOB_FEATURE_SET), by person row
    person_matrix: Floats  # the same as Float64, a null as NaN
    vacancy_matrix: Floats  # ``vacancy_features`` the same way, row-major
    person_text: pl.Series  # the persons' bigram lists
    servable: Bools  # persons with every value the engine reads

    @classmethod
    def of(
        cls,
        sets: Vocabularies,
        people: pl.DataFrame,
        vacancies: pl.DataFrame,
        open_vacancies: pl.DataFrame,
    ) -> OnePerson | None:
        """Arrays of the day's frames; None when a vacancy lacks a value the rules read."""
        open_columns = [*CANDIDATE_INPUTS, *input_bits(sets, WANTED_BITS, V_MODE_BITS)]
        opened = open_vacancies.sort(OPEN_ROW).select(open_columns)
        rows = vacancies["vacancy_id"].search_sorted(opened["vacancy_id"])
        if not (rows < vacancies.height).all():
            return None  # an open vacancy without features
        if not vacancies["vacancy_id"].gather(rows).equals(opened["vacancy_id"]):
            return None
        pair_columns = [*PAIR_INPUTS, *input_bits(sets, WANTED_BITS, V_MODE_BITS, OFFERED_BITS)]
        paired = vacancies.select(*pair_columns, "_v_text", "_v_county")[rows]
        if has_nulls(opened.drop(NULLABLE_LIMITS)) or has_nulls(paired):
            return None
        counties = {
            county: code
            for code, county in enumerate(paired["_v_county"].unique(maintain_order=True))
        }
        person_columns = [
            *PERSON_INPUTS,
            *ASSESSED,
            *input_bits(sets, SKILL_BITS, MODE_BITS, NEEDED_BITS),
        ]
        required = people.select(c for c in person_columns if c not in ASSESSED)
        open_arrays = columns_of(opened.drop(NULLABLE_LIMITS))
        open_arrays |= {
            "_opened_on": day_numbers(opened["_opened_on"], fill=0),
            "_deadline": day_numbers(opened["_deadline"], fill=np.iinfo(np.int64).max),
            "_age_min": opened["_age_min"].fill_null(np.iinfo(np.int64).min).to_numpy(),
            "_age_max": opened["_age_max"].fill_null(np.iinfo(np.int64).max).to_numpy(),
        }
        person_arrays = columns_of(
            people.select(*ASSESSED, *required.drop("_day", "_needed", "_text"))
        )
        person_arrays["_day"] = day_numbers(people["_day"], fill=0)
        person_arrays["_needed"] = people["_needed"].list.len().fill_null(0).to_numpy()
        return cls(
            sets=sets,
            open=open_arrays,
            pair=columns_of(paired.drop("_v_text", "_v_county")),
            same_place=all(opened[c].equals(paired[c]) for c in DISTANCE_INPUTS),
            vacancy_rows=rows.cast(pl.Int64).to_numpy(),
            vacancy_features=vacancies.select(_OWN["vacancy"]),
            vacancy_text=string_sets(paired["_v_text"].to_list()),
            vacancy_text_size=paired["_v_text"].list.len().cast(pl.Int64).to_numpy(),
            vacancy_county=np.array([counties[c] for c in paired["_v_county"].to_list()]),
            counties=counties,
            people=person_arrays,
            person_features=people.select(_OWN["person"]),
            person_matrix=matrix(people, _OWN["person"]),
            vacancy_matrix=matrix(vacancies, _OWN["vacancy"]),
            person_text=people["_text"],
            servable=~required.select(pl.any_horizontal(pl.all().is_null())).to_series().to_numpy(),
        )

    def job_request(
        self, row: int, person_id: int, at: pl.Series, limit: int
    ) -> pl.DataFrame | None:
        """``features.request.job_request`` for the person in ``row`` of the day's frames: ids
        and JOB_FEATURE_SET of the candidates, best pre-score first; None when the person lacks a
        value the engine reads (or expects pay of 0, which the pre-score divides by)."""
        found = self._request(row, limit)
        if found is None:
            return None
        chosen, pair = found
        own = self.person_features[np.full(chosen.size, row)]
        vacancy = self.vacancy_features[self.vacancy_rows[chosen]]
        features = pl.DataFrame(
            [
                pl.Series(name, pair[name], nan_to_null=True)
                if pair[name].dtype == np.float64
                else pl.Series(name, pair[name])
                for name in _OWN["pair"]
            ]
        )
        ids = self._ids(chosen, person_id, at)
        rows = pl.concat([ids, own, vacancy, features], how="horizontal")
        return rows if _IN_ORDER else rows.select(*IDS, *JOB_FEATURE_SET.names)

    def job_matrix(
        self, row: int, person_id: int, at: pl.Series, limit: int
    ) -> tuple[pl.DataFrame, Floats] | None:
        """``job_request``'s ids and its JOB_FEATURE_SET as the model reads them: a row-major
        Float64 matrix in the set's order, a null as NaN (what ``features.arrays.matrix``
        makes of the frame, without making the frame)."""
        found = self._request(row, limit)
        if found is None:
            return None
        chosen, pair = found
        features = np.empty((chosen.size, len(JOB_FEATURE_SET.names)), np.float64)
        features[:, _AT["person"]] = self.person_matrix[row]
        features[:, _AT["vacancy"]] = self.vacancy_matrix[self.vacancy_rows[chosen]]
        for position, name in zip(_AT["pair"], _OWN["pair"], strict=True):
            features[:, position] = pair[name]
        return self._ids(chosen, person_id, at), features

    def _request(self, row: int, limit: int) -> tuple[Ints, dict[str, Array]] | None:
        """The chosen open rows and their pair features (a null as NaN)."""
        if not self.servable[row] or not self.people["p_expected_pay"][row] > 0:
            return None
        person = {name: values[row] for name, values in self.people.items()}
        chosen, distance = self._candidates(person, limit)
        pair = {name: values[chosen] for name, values in self.pair.items()}
        if not self.same_place:
            distance = _distances(person, pair)
        text = self.person_text[row].to_list()
        return chosen, self._pair_features(person, pair, chosen, distance, text)

    def _ids(self, chosen: Ints, person_id: int, at: pl.Series) -> pl.DataFrame:
        count = chosen.size
        return pl.DataFrame(
            [
                pl.Series("query_id", np.ones(count, np.int64)),
                pl.Series("person_id", np.full(count, person_id, np.int64)),
                pl.Series("vacancy_id", self.open["vacancy_id"][chosen]),
                at.new_from_index(0, count).alias("at"),
            ]
        )

    def _candidates(self, person: dict[str, Any], limit: int) -> tuple[Ints, Floats]:
        """``features.candidates.job_candidates`` for one person: the open rows kept, best
        pre-score first, and their distances."""
        v, p = self.open, person
        day, age = p["_day"], p["p_age"]
        rows = np.flatnonzero(
            (v["_opened_on"] <= day)
            & (day <= v["_deadline"])
            & (v["_age_min"] <= age)
            & (age <= v["_age_max"])
        )
        distance = _distances(p, {name: v[name][rows] for name in DISTANCE_INPUTS})
        reach = max(float(p["p_commute_km"]) * REACH_FACTOR, MIN_REACH_KM)
        near = distance <= reach
        rows, distance = rows[near], distance[near]
        gaps = [
            (float(p[f"_score_{d}"]) + ACCOMMODATION_BOOST_POINTS * v[f"_closes_{d}"][rows])
            - v[f"v_demand_{d}"][rows]
            for d in DIMENSIONS
        ]
        worst = reduce(np.minimum, gaps)
        able = worst > INCAPACITY
        rows, distance, worst = rows[able], distance[able], worst[able]
        shortfall = left_sum([np.maximum(-gap[able], 0.0) for gap in gaps])
        prescore = self._prescore(p, rows, distance, worst, shortfall)
        keep = prescore >= prescore.max(initial=-np.inf) - DEFAULT_MARGIN
        rows, distance, prescore = rows[keep], distance[keep], prescore[keep]
        order = np.lexsort((self.open["vacancy_id"][rows], -prescore))[:limit]
        return rows[order], distance[order]

    def _prescore(
        self,
        p: dict[str, Any],
        rows: Ints,
        distance: Floats,
        worst: Floats,
        shortfall: Floats,
    ) -> Floats:
        v = Rows(self.open, rows)
        ratio = distance / max(float(p["p_commute_km"]), 1.0)
        expected = float(p["p_expected_pay"])
        for_graduates = v["v_graduate_oriented"] == 1
        modes = _shared(self.sets.modes, p, MODE_BITS, v, V_MODE_BITS)
        what: dict[str, Floats] = {
            "fit": shortfall,
            "incapable": np.maximum(-worst - INCAPABLE_FROM, 0.0),
            "far": np.maximum(ratio - 1.0, 0.0),
            "commute": np.minimum(ratio, 1.0),
            "pay": np.clip((v["_pay_mid"] - expected) / expected, PAY_RANGE[0], PAY_RANGE[1]),
            "mode": np.where(modes > 0, MODE_POINTS[0], MODE_POINTS[1]),
            "hours": np.maximum(v["v_hours"] - float(p["p_sustainable_hours"]), 0.0),
            "schooling": _f(p["p_education_rank"] < v["_education_min"]),
            "reserved": v["v_reserved"].astype(np.float64),
            "quota_gap": _f(v["v_employer_quota_gap"] > 0),
            "employs_disabled": _f(v["v_employer_disabled_rate"] > 0),
            "skills": np.minimum(
                _shared(self.sets.skills, p, SKILL_BITS, v, WANTED_BITS), SKILLS_COUNTED
            ).astype(np.float64),
            "massage_licence": _f(v["_wants_massage"] & (not p["_has_massage"])),
            "toilet": _f(
                bool(p["_needs_toilet"]) & ~v["_offers_toilet"] & (v["v_home_based"] == 0)
            ),
            "employer_hires": (v["employer_hires"] + HIRES_PRIOR[0])
            / (v["employer_referrals"] + HIRES_PRIOR[1])
            - HIRES_PRIOR[2],
            "graduate": _f((p["p_graduate"] == 1) & for_graduates),
            "not_graduate": _f((p["p_graduate"] == 0) & for_graduates),
            "employer_kind": v["_leaning"],
        }
        return left_sum([weight * what[name] for name, weight in PRESCORE_WEIGHTS.items()])

    def _pair_features(
        self,
        p: dict[str, Any],
        v: dict[str, Array],
        chosen: Ints,
        distance: Floats,
        text: list[str],
    ) -> dict[str, Array]:
        """``features.jobs.job_pair_features`` for the person and the chosen vacancies."""
        margins = [float(p[f"p_{d}"]) - v[f"v_demand_{d}"] for d in DIMENSIONS]
        accommodated = [_accommodated(float(p[f"p_{d}"]), v, d) for d in DIMENSIONS]
        shortfall = [
            np.maximum(-_accommodated(float(p[effective_score(d)]), v, d), 0.0) for d in DIMENSIONS
        ]
        needed = int(p["_needed"])
        offered = _shared(self.sets.accommodations, p, NEEDED_BITS, v, OFFERED_BITS)
        commute = float(p["p_commute_km"])
        expected = float(p["p_expected_pay"])
        words = frozenset(text)
        overlap = np.array([len(words & self.vacancy_text[row]) for row in chosen], np.float64)
        sizes = self.vacancy_text_size[chosen]
        norm = np.sqrt((sizes * len(text)).astype(np.float64))
        county = self.counties.get(str(p["_county"]), -1)
        x: dict[str, Array] = {
            **{f"x_margin_{d}": m for d, m in zip(DIMENSIONS, margins, strict=True)},
            "x_worst_margin": reduce(np.fmin, margins),
            "x_worst_margin_accommodated": reduce(np.fmin, accommodated),
            "x_dimensions_short": left_sum([(a < 0).astype(np.int32) for a in accommodated]),
            "x_shortfall_accommodated": left_sum([np.nan_to_num(s, nan=0.0) for s in shortfall]),
            "x_toilet_missing": _i8(
                bool(p["_needs_toilet"]) & ~v["_offers_toilet"] & (v["v_home_based"] == 0)
            ),
            "x_massage_unlicensed": _i8(v["_wants_massage"] & (not p["_has_massage"])),
            "x_accommodation_coverage": offered / needed if needed > 0 else np.ones(chosen.size),
            "x_skills_overlap": _shared(self.sets.skills, p, SKILL_BITS, v, WANTED_BITS).astype(
                np.int32
            ),
            "x_text_similarity": np.where(norm > 0, overlap / np.where(norm > 0, norm, 1.0), 0.0),
            "x_distance_km": distance,
            "x_commute_ratio": distance / max(commute, 1.0),
            "x_same_county": _i8(self.vacancy_county[chosen] == county),
            "x_pay_vs_expectation": ((v["v_pay_min"] + v["v_pay_max"]) / 2 - expected)
            / max(expected, 1.0),
            "x_hours_excess": np.maximum(v["v_hours"] - float(p["p_sustainable_hours"]), 0.0),
            "x_mode_fit": _i8(_shared(self.sets.modes, p, MODE_BITS, v, V_MODE_BITS) > 0),
            "x_education_ok": _i8(p["p_education_rank"] >= v["_education_min"]),
            "x_graduate_match": _i8((p["p_graduate"] == 1) & (v["v_graduate_oriented"] == 1)),
            "x_congestion": v["vacancy_referrals"] / np.maximum(v["v_openings"], 1.0),
        }
        return x


def _accommodated(score: float, v: Mapping[str, Array], dimension: str) -> Floats:
    closes, demand = v[f"_closes_{dimension}"], v[f"v_demand_{dimension}"]
    return (score + ACCOMMODATION_BOOST_POINTS * closes) - demand


def _distances(person: dict[str, Any], places: dict[str, Array]) -> Floats:
    """``pair_distance_km`` evaluated by polars (the same sine and arcsine as the batch)."""
    count = len(places["_v_phi"])
    frame = pl.DataFrame(
        {
            **{name: np.full(count, person[name]) for name in ("_phi", "_cos_phi", "_longitude")},
            **{name: places[name] for name in DISTANCE_INPUTS},
        }
    )
    return frame.select(_DISTANCE).to_series().to_numpy()


def _shared(
    sets: Bitsets, person: dict[str, Any], left: str, vacancy: Mapping[str, Array], right: str
) -> Ints:
    """``Bitsets.shared``: members the person's set and each vacancy's have in common."""
    columns = sets.columns(left)
    counts = [
        np.bitwise_count(vacancy[f"{right}{word}"] & person[name]).astype(np.int64)
        for word, name in enumerate(columns)
    ]
    return left_sum(counts) if counts else np.zeros(len(vacancy["v_hours"]), np.int64)


def _f(mask: object) -> Floats:
    return np.asarray(mask).astype(np.float64)


def _i8(mask: object) -> npt.NDArray[np.int8]:
    return np.asarray(mask).astype(np.int8)
