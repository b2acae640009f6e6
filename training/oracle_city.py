"""The ground truth's side of the city replay (``training/city_replay.py``): what served lists
are expected to yield once everyone competes for the openings. The only replay module that
reads the truth, and only for outcomes: the policies never see anything from here.

Per served item: the counselor's person looks at it with the position effect of the truth
(``examination_probability``), applies, is considered (the employer's shortlist shrinks as
applicants per opening rise, ``competition.screening``), interviewed, offered and accepts; each
vacancy's openings are then shared out (``competition.rationed``: the post closes when filled)
and a person with several chances takes one job (``competition.one_job_each``). The history of
``jobmatch synth`` draws the same steps; the replay takes their expectation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from features.context import FeatureContext
from matching.synth.truth import examination_probability
from matching.synth.truth.competition import one_job_each, rationed, screening
from training.oracle import Latents, job_truth

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Stages:
    """Per served row, each probability conditional on the stage before (as ``JobOutcome``)."""

    apply: FloatArray
    interview: FloatArray
    offer: FloatArray
    accept: FloatArray


@dataclass(frozen=True)
class CityOutcome:
    """Expected outcome of one policy's served lists over the replayed months."""

    applications: FloatArray  # per served row: P(examined and applied)
    placed: FloatArray  # per served row: P(hired through this row), after competition
    person_placed: FloatArray  # per person row of ``persons``: P(placed in the months)
    uncontested: FloatArray  # per person row: the same if no one competed (no shortlist, no cap)


def expected_outcome(
    stages: Stages,
    rank: npt.ArrayLike,
    person: IntArray,
    vacancy: IntArray,
    openings: IntArray,
    n_persons: int,
) -> CityOutcome:
    """The competition's expectation. ``person`` and ``vacancy`` are dense row indices (0..P-1,
    0..V-1), ``openings`` one per vacancy. Pure arithmetic, so tests can check it by hand."""
    n_vacancies = len(openings)
    applications = examination_probability(np.asarray(rank, dtype=float)) * stages.apply
    applicants = np.bincount(vacancy, weights=applications, minlength=n_vacancies)
    considered = screening(applicants, openings)[vacancy]
    alone = applications * stages.interview * stages.offer * stages.accept
    placed = rationed(alone * considered, vacancy, openings)
    return CityOutcome(
        applications,
        placed,
        one_job_each(placed, person, n_persons),
        one_job_each(alone, person, n_persons),
    )


class CityTruth:
    """The truth's stage probabilities and expected grades for (person, vacancy) rows."""

    def __init__(self, context: FeatureContext, latents: Latents) -> None:
        self._truth = job_truth(context, latents)

    def grades(self, frame: pl.DataFrame) -> FloatArray:
        """True expected graded relevance (what NDCG is judged on, as in the oracle)."""
        outcome = self._truth.outcome(frame["person_id"].to_numpy(), frame["vacancy_id"].to_numpy())
        return np.asarray(outcome.expected_grade, dtype=np.float64)

    def stages(self, served: pl.DataFrame) -> Stages:
        outcome = self._truth.outcome(
            served["person_id"].to_numpy(), served["vacancy_id"].to_numpy()
        )
        return Stages(outcome.apply, outcome.interview, outcome.offer, outcome.accept)
