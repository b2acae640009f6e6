"""Training settings: defaults in code, overridable by a TOML file (``--config``).

The defaults are the ones measured best on the demo city's whole candidate sets (see
experiments/training.md): the listwise ``rank_xendcg`` objective, small trees, large leaves
(``min_child_samples``), monotone directions, a fixed number of trees and the validation months
learned from too (``refit_on_valid``; the test months stay unseen). 300 trees of 7 leaves at
learning rate 0.05 rank within 0.01 NDCG of 600 trees of 15 leaves at 0.02, and score a person's
~630 candidates and explain the top 10 in a fraction of the time (experiments/training.md), which
the serving latency budget needs. Early stopping is off (``early_stopping_rounds = 0``):
NDCG@10 on the validation months' short lists moves less between 50 and 600 trees than its
noise, so it stopped at a random point (138 trees on one city, where 540 ranked whole candidate
sets clearly better). With it on, the model is fit on the training months, stopped on the
validation months and, with ``refit_on_valid``, fit again on both with the trees found.
``position_bias`` (LightGBM's unbiased lambdarank) needs ``lambdarank``;
``experiments/configs/lambdarank.toml`` is the earlier default with it. A ranker kind may set
its own defaults (``training.kinds.RankerKind.train_settings``: the courses ranker's trees are
smaller); a TOML file overrides both.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from matching.errors import ConfigError
from training.ranker import OBJECTIVES


@dataclass(frozen=True)
class TrainConfig:
    objective: str = "rank_xendcg"
    n_estimators: int = 300
    learning_rate: float = 0.05
    num_leaves: int = 7
    min_child_samples: int = 200
    feature_fraction: float = 0.8
    early_stopping_rounds: int = 0
    lambdarank_truncation_level: int = 10
    position_bias: bool = False
    monotone: bool = True
    refit_on_valid: bool = True
    valid_months: int = 2
    test_months: int = 2
    random_state: int = 7
    num_threads: int = 2
    exposure_persons: int = 1000
    promotion_ndcg_tolerance: float = 0.01

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ConfigError(
                f"objective must be one of {list(OBJECTIVES)}, got {self.objective!r}"
            )
        if self.position_bias and self.objective != "lambdarank":
            raise ConfigError(
                "position_bias = true needs objective = 'lambdarank' (LightGBM corrects position "
                f"bias for lambdarank only), got objective {self.objective!r}"
            )
        if self.early_stopping_rounds < 0 or self.n_estimators < 1:
            raise ConfigError(
                "n_estimators must be at least 1 and early_stopping_rounds at least 0 (0 = off)"
            )

    @classmethod
    def from_toml(
        cls, path: Path | None, *, defaults: Mapping[str, Any] | None = None
    ) -> TrainConfig:
        """The settings of the file at ``path`` over ``defaults`` (a ranker kind's own,
        ``training.kinds.RankerKind.train_settings``) over the code's."""
        start = replace(cls(), **(defaults or {}))
        if path is None:
            return start
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"cannot read training config {path}: {error}") from None
        known = {field.name: field.type for field in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ConfigError(f"{path}: unknown settings {unknown}; allowed: {sorted(known)}")
        values = {}
        for key, value in data.items():
            expected = type(getattr(start, key))
            if expected is float and isinstance(value, int):
                value = float(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ConfigError(f"{path}: {key} must be {expected.__name__}, got {value!r}")
            values[key] = value
        try:
            return replace(start, **values)
        except ConfigError as error:
            raise ConfigError(f"{path}: {error}") from None
