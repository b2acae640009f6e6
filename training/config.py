"""Training settings: defaults in code, overridable by a TOML file (``--config``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from matching.errors import ConfigError


@dataclass(frozen=True)
class TrainConfig:
    n_estimators: int = 400
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_child_samples: int = 40
    feature_fraction: float = 0.8
    early_stopping_rounds: int = 40
    lambdarank_truncation_level: int = 10
    position_bias: bool = True
    valid_months: int = 2
    test_months: int = 2
    random_state: int = 7
    num_threads: int = 2
    exposure_persons: int = 1000
    promotion_ndcg_tolerance: float = 0.01

    @classmethod
    def from_toml(cls, path: Path | None) -> TrainConfig:
        if path is None:
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"cannot read training config {path}: {error}") from None
        known = {field.name: field.type for field in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ConfigError(f"{path}: unknown settings {unknown}; allowed: {sorted(known)}")
        defaults = cls()
        values = {}
        for key, value in data.items():
            expected = type(getattr(defaults, key))
            if expected is float and isinstance(value, int):
                value = float(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ConfigError(f"{path}: {key} must be {expected.__name__}, got {value!r}")
            values[key] = value
        return replace(defaults, **values)
