"""A LightGBM model's trees compiled to machine code (lleaves, on LLVM) for its plain scores.

LightGBM walks each tree node by node for every row; most of a batch person's time went there
(experiments/batch.md). lleaves compiles the trees into one function. Compiled as one block of
all the trees (``fblocksize`` = the number of trees), it adds a row's tree outputs one tree
after the other, in LightGBM's order, so its scores are LightGBM's to the bit: that is checked
on the model's probe rows before a forest is used, and otherwise the booster scores. Feature
contributions (TreeSHAP) stay LightGBM's.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from serving.runtime.scoring_threads import LIGHTGBM_THREADS

log = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CompiledForest:
    """The compiled trees of one booster; ``scores`` equals ``booster.predict`` bit for bit."""

    model: Any  # lleaves.Model, compiled

    def scores(self, features: FloatArray) -> FloatArray:
        rows = np.ascontiguousarray(features, np.float64)
        return np.asarray(self.model.predict(rows, n_jobs=1), np.float64)


def compile_forest(booster: Any, probe: FloatArray) -> CompiledForest | None:
    """The booster's trees compiled, or None when lleaves cannot compile them or its scores of
    ``probe`` (rows of the model's features, as ``features.arrays.matrix`` makes them) differ
    from LightGBM's in any bit; the log says which, by type only."""
    try:
        forest = CompiledForest(_compiled(booster))
    except Exception as error:  # an unsupported model or LLVM: the booster scores
        log.warning("forest not compiled (%s): LightGBM scores", type(error).__name__)
        return None
    expected = np.asarray(booster.predict(probe, num_threads=LIGHTGBM_THREADS), np.float64)
    if probe.shape[0] == 0 or not np.array_equal(forest.scores(probe), expected):
        log.warning("forest scores differ from LightGBM's on the probe rows: LightGBM scores")
        return None
    return forest


def _compiled(booster: Any) -> Any:
    import lleaves  # LLVM loads only in a process that compiles a forest

    with tempfile.TemporaryDirectory(prefix="jobmatch-forest-") as folder:
        path = Path(folder) / "model.txt"
        path.write_text(booster.model_to_string(), encoding="utf-8")
        model = lleaves.Model(model_file=str(path))
        # one block of every tree: each row's outputs are added in LightGBM's order
        model.compile(fblocksize=max(1, model.num_trees()))
    return model
