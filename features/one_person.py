"""A second engine for one person's job request: the candidate rules and the pair features with
NumPy, on the day's frames (``features.moment``).

``features.candidates`` and ``features.jobs`` define the features and build every training frame.
For one person at request time, polars' fixed cost per expression, over the ≈ 200 expressions of
those plans, outweighs the arithmetic on ≈ 6,000 vacancies and ≈ 600 candidates
(experiments/serving.md). This module evaluates the same declarations (the pre-score's terms and
the pair features, written once against ``features.ops``) with NumPy, in the same order, so that
its rows equal the polars path's bit for bit (``tests/test_one_person.py`` compares the two for
every person of the test city at several moments); the candidate rules' filters are its own. The
haversine stays in polars (its sine and arcsine are the C library's there; NumPy has its own), and
the person's and vacancies' own features are gathered from the day's frames.

A null where the polars rules would read a value (say an imported vacancy without pay) is not
modelled here: ``OnePerson.of`` gives None for such vacancy frames and ``OnePerson.job_request``
None for such a person, and the request takes the polars path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any, Final, cast

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
    ASSESSED_SCORES,
    DEFAULT_MARGIN,
    INCAPACITY,
    MIN_REACH_KM,
    PRESCORE_WEIGHTS,
    REACH_FACTOR,
    prescore_terms,
)
from features.geo import pair_distance_km
from features.jobs import first_terms, pair_terms
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
from features.ops import Column, NumpyOps
from features.schema import DIMENSIONS, JOB_FEATURE_SET
from features.vacancy import OPEN_ROW, accommodated_margin
from features.vocabularies import (
    MODE_BITS,
    NEEDED_BITS,
    OFFERED_BITS,
    SKILL_BITS,
    V_MODE_BITS,
    WANTED_BITS,
    Vocabularies,
)
from matching.eligibility import channel_allows

Bools = npt.NDArray[np.bool_]

ASSESSED_PAIRS: Final = tuple(zip(DIMENSIONS, ASSESSED_SCORES, strict=True))
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
        allowed = channel_allows(
            needs_certificate=v["_needs_certificate"][rows],
            needs_difficulty=v["_needs_difficulty"][rows],
            needs_licence=v["_wants_massage"][rows],
            has_certificate=np.full(rows.size, bool(p["_certified"])),
            has_difficulty=np.full(rows.size, bool(p["_difficulty"])),
            has_licence=np.full(rows.size, bool(p["_licensed"])),
        )
        rows = rows[allowed]
        distance = _distances(p, {name: v[name][rows] for name in DISTANCE_INPUTS})
        reach = max(float(p["p_commute_km"]) * REACH_FACTOR, MIN_REACH_KM)
        near = distance <= reach
        rows, distance = rows[near], distance[near]
        o = NumpyOps([p, Rows(v, rows)], rows.size)
        gaps = [_a(accommodated_margin(o, f"_score_{d}", d)) for d in DIMENSIONS]
        worst = reduce(np.minimum, gaps)
        # only an assessed incapacity excludes (features.candidates.ASSESSED_GAPS): a dimension
        # never assessed is NaN here, null there, and ignored by the minimum
        assessed = [_a(accommodated_margin(o, score, d)) for d, score in ASSESSED_PAIRS]
        able = np.nan_to_num(reduce(np.fmin, assessed), nan=0.0) > INCAPACITY
        rows, distance, worst = rows[able], distance[able], worst[able]
        shortfall = left_sum([np.maximum(-gap[able], 0.0) for gap in gaps])
        computed = {"distance": distance, "worst": worst, "shortfall": shortfall}
        o = NumpyOps([computed, p, Rows(v, rows)], rows.size)
        terms = prescore_terms(o, self.sets)
        prescore = left_sum([_a(weight * terms[name]) for name, weight in PRESCORE_WEIGHTS.items()])
        keep = prescore >= prescore.max(initial=-np.inf) - DEFAULT_MARGIN
        rows, distance, prescore = rows[keep], distance[keep], prescore[keep]
        order = np.lexsort((self.open["vacancy_id"][rows], -prescore))[:limit]
        return rows[order], distance[order]

    def _pair_features(
        self,
        p: dict[str, Any],
        v: dict[str, Array],
        chosen: Ints,
        distance: Floats,
        text: list[str],
    ) -> dict[str, Array]:
        """``features.jobs.job_pair_features`` for the person and the chosen vacancies."""
        county = self.counties.get(str(p["_county"]), -1)
        counties: dict[str, Any] = {"_county": county, "_v_county": self.vacancy_county[chosen]}
        text_sizes = self.vacancy_text_size[chosen]
        sizes: dict[str, Any] = {"_needed": p["_needed"], "_text": len(text), "_v_text": text_sizes}
        words = {"_text": frozenset(text), "_v_text": [self.vacancy_text[row] for row in chosen]}

        def ops(*columns: Mapping[str, Any]) -> NumpyOps:
            return NumpyOps(
                [*columns, counties, p, v],
                chosen.size,
                distance=distance,
                sizes=sizes,
                sets=words,
            )

        x = {name: _a(value) for name, value in first_terms(ops()).items()}
        return x | {name: _a(value) for name, value in pair_terms(ops(x), self.sets).items()}


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


def _a(value: Column) -> Array:
    """A formula's value as the array it is (``NumpyOps``)."""
    return cast(Array, value)
