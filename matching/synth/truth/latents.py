"""Latents and primitives of the hidden ground truth: how likely each referral ends in a hire.

Only evaluation code may import this package (the layer test allows ``training/oracle*`` alone):
the latents it holds (true abilities, motivation, employer openness, course quality, pair noise)
are never stored in a table or a feature. Outcome probabilities are staged — apply, interview,
offer, accept, stay six months — each a logistic function of ability–demand fit after
accommodations, distance against commuting range, pay and hours against preference, work mode,
employer behaviour and quota pressure, the person's motivation, and noise. Coefficients are
*assumptions* tuned so that a referral leads to a hire a few percent of the time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MASSAGE_OCCUPATIONS = frozenset({"2-05-10-00", "4-10-04-02"})
ACCOMMODATION_BOOST = 2.0  # an offered accommodation makes up two points of a closed dimension
EXAMINATION_DECAY = 0.3  # P(look at the item shown at rank r) = 1 / (1 + 0.3 (r − 1))


def examination_probability(rank: IntArray | npt.NDArray[np.float64]) -> FloatArray:
    """Items shown lower are looked at less (rank 1 → 1.0, rank 10 → 0.27); no rank → 1."""
    ranks = np.asarray(rank, dtype=float)
    return np.where(
        np.isnan(ranks) | (ranks < 1), 1.0, 1.0 / (1.0 + EXAMINATION_DECAY * (ranks - 1))
    )


def sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def pair_noise(seed: int, left: IntArray, right: IntArray, salt: int) -> FloatArray:
    """Standard normal noise fixed per pair: a counter-based hash (splitmix64), no state."""

    def mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        x = (x + np.uint64(0x9E3779B97F4A7C15)) & np.uint64(0xFFFFFFFFFFFFFFFF)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return np.asarray(x ^ (x >> np.uint64(31)))

    with np.errstate(over="ignore"):
        base = mix(np.uint64(seed * 1_000_003 + salt) ^ mix(np.asarray(left, dtype=np.uint64)))
        first = mix(base ^ np.asarray(right, dtype=np.uint64))
        second = mix(first)
    u1 = ((first >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53
    u2 = ((second >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53
    return np.asarray(np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2))


@dataclass(frozen=True)
class JobOutcome:
    """Per-pair stage probabilities; each is conditional on reaching the stage before."""

    apply: FloatArray
    interview: FloatArray
    offer: FloatArray
    accept: FloatArray
    retain: FloatArray
    refusal_hint: npt.NDArray[np.str_]

    @property
    def hire(self) -> FloatArray:
        return np.asarray(self.apply * self.interview * self.offer * self.accept)

    @property
    def expected_grade(self) -> FloatArray:
        """E[graded relevance] with applied 1 · interviewed 2 · hired 3 · retained 4."""
        applied = self.apply
        interviewed = applied * self.interview
        hired = self.hire
        return np.asarray(applied + interviewed + hired + hired * self.retain)


@dataclass(frozen=True)
class CourseOutcome:
    enroll: FloatArray
    complete: FloatArray
    employed: FloatArray

    @property
    def employed_overall(self) -> FloatArray:
        return np.asarray(self.enroll * self.complete * self.employed)

    @property
    def expected_grade(self) -> FloatArray:
        enrolled = self.enroll
        completed = enrolled * self.complete
        return np.asarray(enrolled + completed + completed * self.employed)


@dataclass(frozen=True)
class Latents:
    """What the city knows and no model may: written beside the database, never into it."""

    seed: int
    as_of: date
    persons: pl.DataFrame  # person_id, motivation, sustainable_hours, skills, true_<dimension>
    employers: pl.DataFrame  # employer_id, openness
    courses: pl.DataFrame  # course_id, quality

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.persons.write_parquet(folder / "person_latent.parquet")
        self.employers.write_parquet(folder / "employer_latent.parquet")
        self.courses.write_parquet(folder / "course_latent.parquet")
        manifest = {"seed": self.seed, "as_of": self.as_of.isoformat()}
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Latents:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return cls(
            seed=int(manifest["seed"]),
            as_of=date.fromisoformat(manifest["as_of"]),
            persons=pl.read_parquet(folder / "person_latent.parquet"),
            employers=pl.read_parquet(folder / "employer_latent.parquet"),
            courses=pl.read_parquet(folder / "course_latent.parquet"),
        )
