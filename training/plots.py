"""Figures logged with each run: NDCG@10 by group and feature importance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def ndcg_by_group_figure(groups: Mapping[str, Mapping[str, float]]) -> Any:
    plt = _pyplot()
    figure, axes = plt.subplots(len(groups), 1, figsize=(8, 2.2 * len(groups)))
    for axis, (attribute, values) in zip(np.atleast_1d(axes), groups.items(), strict=True):
        items = {k: v for k, v in values.items() if k != "worst_to_best"}
        axis.barh(list(items), list(items.values()))
        axis.set_title(f"NDCG@10 by {attribute} (worst/best {values['worst_to_best']:.2f})")
        axis.set_xlim(0, 1)
    figure.tight_layout()
    return figure


def importance_figure(names: Sequence[str], gains: Sequence[float], top: int = 25) -> Any:
    plt = _pyplot()
    order = np.argsort(gains)[::-1][:top][::-1]
    figure, axis = plt.subplots(figsize=(8, 0.3 * len(order) + 1))
    axis.barh([names[i] for i in order], [gains[i] for i in order])
    axis.set_title("feature importance (gain)")
    figure.tight_layout()
    return figure
