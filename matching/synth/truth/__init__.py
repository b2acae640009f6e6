"""The hidden ground truth of the synthetic city (latents and outcome probabilities).

Only the synthetic city itself and evaluation code (``training/oracle*``) may import this
package; ``tests/test_layers.py`` enforces it, so no feature or model can read the truth.
"""

from matching.synth.truth.courses import CourseTruth
from matching.synth.truth.jobs import JobTruth
from matching.synth.truth.latents import (
    CourseOutcome,
    JobOutcome,
    Latents,
    examination_probability,
    pair_noise,
)

__all__ = [
    "CourseOutcome",
    "CourseTruth",
    "JobOutcome",
    "JobTruth",
    "Latents",
    "examination_probability",
    "pair_noise",
]
