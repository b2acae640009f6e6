"""The models the service ranks with, and the fallback ladder that keeps it answering.

champion (MLflow registry, checked like the promotion gate) → the last good model kept on disk
→ the transparent rule ranking. A newer champion is loaded, checked and swapped in with one
assignment, so a request sees either the old model or the new one, never half of each.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import lightgbm
import polars as pl

from features.schema import FeatureSet
from training.promotion import booster_problems
from training.tracking import CHAMPION, Tracking

log = logging.getLogger(__name__)
Source = Literal["champion", "last-good", "rule"]


@dataclass(frozen=True)
class ServedModel:
    kind: str
    source: Source
    version: str | None
    booster: Any | None  # None: the rule ranking

    @property
    def degraded(self) -> bool:
        return self.source != "champion"

    @property
    def label(self) -> str:
        return f"{self.source}:{self.version}" if self.version else self.source


class ModelHolder:
    """Holds the current model of one kind; ``refresh`` polls the champion alias."""

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
        self.current = ServedModel(kind, "rule", None, None)

    def refresh(self) -> ServedModel:
        """Serve the champion if it changed and passes the checks; else keep what works."""
        with self._lock:
            version = self._champion_version()
            if version is not None and (
                self.current.source != "champion" or self.current.version != version
            ):
                booster = self._load_checked(version)
                if booster is not None:
                    self._keep_on_disk(booster, version)
                    self.current = ServedModel(self.kind, "champion", version, booster)
                    return self.current
            if self.current.source == "rule":  # a loaded model stays while the registry is away
                self.current = self._from_disk() or self.current
            return self.current

    def _champion_version(self) -> str | None:
        try:
            return self._tracking().version_of(self.model_name, CHAMPION)
        except Exception as error:  # registry down or unreachable: keep serving
            log.warning("%s: registry unavailable (%s)", self.model_name, type(error).__name__)
            return None

    def _load_checked(self, version: str) -> Any | None:
        try:
            booster = self._tracking().load_booster(self.model_name, version)
        except Exception as error:  # a model that cannot load is not served
            log.warning("%s v%s: cannot load (%s)", self.model_name, version, type(error).__name__)
            return None
        problems = booster_problems(booster, self.feature_set, self.probe)
        if problems:
            log.warning("%s v%s refused: %s", self.model_name, version, "; ".join(problems))
            return None
        return booster

    def _keep_on_disk(self, booster: Any, version: str) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        booster.save_model(str(self.cache_dir / f"{self.kind}.txt"))
        (self.cache_dir / f"{self.kind}.json").write_text(json.dumps({"version": version}))

    def _from_disk(self) -> ServedModel | None:
        model_file = self.cache_dir / f"{self.kind}.txt"
        meta_file = self.cache_dir / f"{self.kind}.json"
        try:
            booster = lightgbm.Booster(model_file=str(model_file))
            version = str(json.loads(meta_file.read_text())["version"])
        except Exception:  # missing or corrupt: fall through to the rule ranking
            return None
        if booster_problems(booster, self.feature_set, self.probe):
            return None
        return ServedModel(self.kind, "last-good", version, booster)
