"""Ground-truth outcome probabilities of referring a person to a training course."""

from __future__ import annotations

import numpy as np
import polars as pl

from matching.geo import haversine_km
from matching.occupations import load_occupations
from matching.synth.abilities import DIMENSIONS
from matching.synth.truth.jobs import lookup, rows_of
from matching.synth.truth.latents import CourseOutcome, IntArray, Latents, pair_noise, sigmoid

# Low ability on a dimension that the course cannot accommodate makes enrolling and finishing
# hard: (dimension, accommodation that closes it in a classroom).
CLASSROOM_NEEDS = (
    ("hearing", "sign_interpreter"),
    ("vision", "screen_reader"),
    ("vision", "large_print_braille"),
    ("mobility", "step_free"),
)


class CourseTruth:
    """Enrol → complete → employed within six months, for any (person, course) pairs."""

    def __init__(
        self,
        latents: Latents,
        persons: pl.DataFrame,
        courses: pl.DataFrame,
        bases: pl.DataFrame,
    ) -> None:
        self.seed = latents.seed
        person = persons.join(latents.persons, left_on="id", right_on="person_id", how="left")
        course = courses.join(
            bases.select("id", "latitude", "longitude"),
            left_on="base_id",
            right_on="id",
            how="left",
        ).join(latents.courses, left_on="id", right_on="course_id", how="left")
        self.person_index = rows_of(person["id"])
        self.course_index = rows_of(course["id"])
        self.ability = person.select([f"true_{d}" for d in DIMENSIONS]).to_numpy().astype(float)
        self.motivation = person["motivation"].to_numpy()
        self.p_lat, self.p_lon = person["latitude"].to_numpy(), person["longitude"].to_numpy()
        self.commute = np.maximum(person["commute_km"].to_numpy().astype(float), 1.0)
        self.c_lat, self.c_lon = course["latitude"].to_numpy(), course["longitude"].to_numpy()
        self.quality = course["quality"].to_numpy()
        self.duration = course["duration_days"].to_numpy().astype(float)
        accessibility = course["accessibility"].to_list()
        self.offers = {
            need: np.array([need in (items or ()) for items in accessibility])
            for _dim, need in CLASSROOM_NEEDS
        }
        occupations = load_occupations()
        self.course_demand = np.array(
            [
                [occupations[code].demand[d] for d in DIMENSIONS]
                if code in occupations
                else [2] * len(DIMENSIONS)
                for code in course["occupation_code"].to_list()
            ],
            dtype=float,
        )

    def outcome(self, person_ids: IntArray, course_ids: IntArray) -> CourseOutcome:
        p = lookup(self.person_index, np.asarray(person_ids, dtype=np.int64))
        c = lookup(self.course_index, np.asarray(course_ids, dtype=np.int64))
        distance = haversine_km(self.p_lat[p], self.p_lon[p], self.c_lat[c], self.c_lon[c])
        far = -1.2 * np.maximum(0.0, distance / (2 * self.commute[p]) - 1.0)
        barrier = np.zeros(len(p))
        for dim, need in CLASSROOM_NEEDS:
            low = self.ability[p, DIMENSIONS.index(dim)] < 1.5
            barrier += np.where(low & ~self.offers[need][c], -0.8, 0.0)
        gap = np.maximum(0.0, self.course_demand[c] - self.ability[p] - 0.5)
        job_fit = -0.6 * gap.sum(axis=1)
        learning = self.ability[p, DIMENSIONS.index("learning")]
        motivation = self.motivation[p]
        noise = 0.4 * pair_noise(self.seed, person_ids, course_ids, salt=7)
        enroll = sigmoid(0.2 + far + barrier + 0.5 * motivation + 0.3 * job_fit + noise)
        complete = sigmoid(
            1.0 + 0.4 * (learning - 2.0) + barrier + 0.4 * motivation - self.duration[c] / 200.0
        )
        employed = sigmoid(-0.6 + self.quality[c] + 0.8 * job_fit + 0.4 * motivation)
        return CourseOutcome(enroll, complete, employed)
