"""The models the service ranks with, and the fallback ladder that keeps it answering.

champion (MLflow registry, checked like the promotion gate) → the last good model kept on disk
→ the transparent rule ranking. A newer champion is loaded, checked and swapped in with one
assignment, so a request sees either the old model or the new one, never half of each.
``refresh`` never raises: whatever fails (registry, artifact, disk), the service keeps the model
it has, and the log names the failure by type only (a tracking URI may carry a password).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import lightgbm
import numpy as np
import numpy.typing as npt
import polars as pl

from features.arrays import matrix
from features.schema import FeatureSet
from serving.runtime.forest import CompiledForest, compile_forest
from serving.runtime.scoring_threads import LIGHTGBM_THREADS
from training.promotion import booster_problems
from training.tracking import CHAMPION, Tracking

log = logging.getLogger(__name__)
Source = Literal["champion", "last-good", "rule"]
SOURCES: tuple[Source, ...] = ("champion", "last-good", "rule")
# MLflow's own defaults (7 retries with exponential backoff, 120 s timeout) make one call to an
# unreachable registry take minutes (experiments/serving.md), during which a starting service
# answers nothing, not even /healthz. Serving uses these unless the environment says otherwise.
REGISTRY_HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}


def bound_registry_waits() -> None:
    """Make an unreachable registry cost seconds, not minutes (see ``REGISTRY_HTTP_DEFAULTS``)."""
    for name, value in REGISTRY_HTTP_DEFAULTS.items():
        os.environ.setdefault(name, value)


@dataclass(frozen=True)
class ServedModel:
    kind: str
    source: Source
    version: str | None
    booster: Any | None  # None: the rule ranking
    forest: CompiledForest | None = None  # the booster's trees compiled (``with_forest``)

    def scores(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The booster's scores of ``features`` (rows in the model's feature order)."""
        if self.forest is not None:
            return self.forest.scores(features)
        assert self.booster is not None, "the rule ranking scores rows, not a matrix"
        return np.asarray(self.booster.predict(features, num_threads=LIGHTGBM_THREADS), np.float64)

    @property
    def degraded(self) -> bool:
        return self.source != "champion"

    @property
    def label(self) -> str:
        return f"{self.source}:{self.version}" if self.version else self.source


def own_copy(model: ServedModel) -> ServedModel:
    """The model with a Booster of its own, for a heavy job that must not share the served one
    with requests (``serving.runtime.scoring_threads.CONTRIBUTIONS``); the same trees, label and
    rung."""
    if model.booster is None:
        return model
    return replace(model, booster=lightgbm.Booster(model_str=model.booster.model_to_string()))


class ModelHolder:
    """Holds the current model of one kind; ``refresh`` polls the champion alias.

    Routes read ``current`` once per request, and each read counts one use of its rung
    (``uses()``, exported by /metrics as fallback use); ``loaded`` looks without counting.
    """

    def __init__(
        self,
        kind: str,
        model_name: str,
        feature_set: FeatureSet,
        probe: pl.DataFrame,
        cache_dir: Path,
        tracking: Callable[[], Tracking],
    ) -> None:
        self.kind = kind
        self.model_name = model_name
        self.feature_set = feature_set
        self.probe = probe
        self.cache_dir = cache_dir
        self._tracking = tracking
        self._lock = threading.Lock()
        self._served = ServedModel(kind, "rule", None, None)
        self._uses_lock = threading.Lock()
        self._uses = dict.fromkeys(SOURCES, 0)

    @property
    def current(self) -> ServedModel:
        """The model to rank one request with; counts one use of its rung."""
        served = self._served
        with self._uses_lock:
            self._uses[served.source] += 1
        return served

    @property
    def loaded(self) -> ServedModel:
        """The model held now, without counting a use (readiness, metrics)."""
        return self._served

    def with_forest(self) -> ServedModel:
        """The model held now, its trees compiled for scoring many rows (the nightly batch):
        the same scores to the bit, checked on the probe rows (``serving.runtime.forest``); as
        held when they cannot be compiled or differ."""
        served = self._served
        if served.booster is None or served.forest is not None:
            return served
        probe = matrix(self.probe, self.feature_set.names)
        forest = compile_forest(served.booster, probe)
        return served if forest is None else replace(served, forest=forest)

    def uses(self) -> dict[Source, int]:
        """How many requests each rung of the ladder has served since start."""
        with self._uses_lock:
            return dict(self._uses)

    def refresh(self) -> ServedModel:
        """Serve the champion if it changed and passes the checks; else keep what works."""
        with self._lock:
            try:
                self._served = self._next()
            except Exception as error:  # never let a poll take the service down
                log.warning("%s: refresh failed (%s)", self.model_name, type(error).__name__)
            return self._served

    def _next(self) -> ServedModel:
        served = self._served
        version = self._champion_version()
        if version is not None and (served.source != "champion" or served.version != version):
            booster = self._load_checked(version)
            if booster is not None:
                self._keep_on_disk(booster, version)
                return ServedModel(self.kind, "champion", version, booster)
        if served.source == "rule":  # a loaded model stays while the registry is away
            return self._from_disk() or served
        return served

    def _champion_version(self) -> str | None:
        try:
            return self._tracking().version_of(self.model_name, CHAMPION)
        except Exception as error:  # registry down or unreachable: keep serving
            log.warning("%s: registry unavailable (%s)", self.model_name, type(error).__name__)
            return None

    def _load_checked(self, version: str) -> Any | None:
        try:
            booster = self._tracking().load_booster(self.model_name, version)
            problems = booster_problems(booster, self.feature_set, self.probe)
        except Exception as error:  # a model that cannot load or score is not served
            log.warning("%s v%s: cannot load (%s)", self.model_name, version, type(error).__name__)
            return None
        if problems:
            log.warning("%s v%s refused: %s", self.model_name, version, "; ".join(problems))
            return None
        return booster

    def _keep_on_disk(self, booster: Any, version: str) -> None:
        """Write the model, then its version and checksum, each to a temporary file renamed into
        place. A full or read-only disk only costs the fallback, not the champion."""
        text = booster.model_to_string()
        meta = {"version": version, "sha256": hashlib.sha256(text.encode()).hexdigest()}
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _replace(self.cache_dir / f"{self.kind}.txt", text)
            _replace(self.cache_dir / f"{self.kind}.json", json.dumps(meta))
        except OSError as error:
            log.warning("%s: cannot keep the model on disk (%s)", self.kind, type(error).__name__)

    def _from_disk(self) -> ServedModel | None:
        """The last good model, if its file is whole. The checksum is checked before LightGBM
        sees the text: LightGBM 4.7 aborts the whole process on some truncated model files."""
        model_file = self.cache_dir / f"{self.kind}.txt"
        if not model_file.exists():
            return None
        try:
            meta = json.loads((self.cache_dir / f"{self.kind}.json").read_text(encoding="utf-8"))
            text = model_file.read_text(encoding="utf-8")
            if hashlib.sha256(text.encode()).hexdigest() != meta["sha256"]:
                raise ValueError("checksum mismatch: truncated or altered")
            booster = lightgbm.Booster(model_str=text)
            problems = booster_problems(booster, self.feature_set, self.probe)
        except Exception as error:  # corrupt: fall through to the rule ranking
            log.warning(
                "%s: the last good model on disk is unusable (%s: %s); serving the rule ranking",
                self.kind,
                type(error).__name__,
                error if isinstance(error, ValueError) else "",
            )
            return None
        if problems:
            log.warning(
                "%s: the last good model on disk refused: %s", self.kind, "; ".join(problems)
            )
            return None
        return ServedModel(self.kind, "last-good", str(meta["version"]), booster)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a crash leaves the old file."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
