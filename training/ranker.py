"""A thin scikit-learn-style wrapper around LightGBM's ranking objectives (lambdarank, and the
listwise cross-entropy ``rank_xendcg``).

It exists to own the query bookkeeping LightGBM needs (rows of one query contiguous, a list of
group sizes) so callers pass a plain ``query_ids`` column, to name monotone constraints by feature
name, and to keep the fitted state in the native ``Booster``, which is what MLflow logs and
serving loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

__all__ = ["OBJECTIVES", "Features", "LambdaRanker", "query_order"]

OBJECTIVES = ("lambdarank", "rank_xendcg")

Features = npt.NDArray[Any] | pl.DataFrame
FloatArray = npt.NDArray[np.float64]
Callback = Callable[..., Any]


def _matrix(X: Features) -> tuple[npt.NDArray[np.floating[Any]], list[str] | None]:
    """Features as a float matrix, plus column names when the input carries them."""
    if isinstance(X, pl.DataFrame):
        return X.cast(pl.Float64).to_numpy(), list(X.columns)
    matrix = np.asarray(X)
    if matrix.ndim != 2:
        raise ValueError(f"X must be 2-dimensional (rows × features), got shape {matrix.shape}")
    if matrix.dtype not in (np.float32, np.float64):
        matrix = matrix.astype(np.float64)
    return matrix, None


def query_order(query_ids: npt.ArrayLike) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """Row order that makes each query contiguous (queries by id, rows in input order inside a
    query), and the group sizes LightGBM expects for that order.

    The order inside a query is kept because lambdarank breaks score ties by row order, and at the
    first iteration every score ties.
    """
    ids = np.asarray(query_ids).ravel()
    if ids.size == 0:
        raise ValueError("query_ids is empty: there are no rows to rank")
    _, codes = np.unique(ids, return_inverse=True)
    return np.argsort(codes, kind="stable"), np.bincount(codes).astype(np.int64)


class LambdaRanker(BaseEstimator):  # type: ignore[misc]  # sklearn ships no type hints
    """LightGBM ranker with scikit-learn's estimator contract.

    ``objective`` is ``lambdarank`` (LightGBM's default ranker) or ``rank_xendcg`` (a softmax
    cross-entropy over each list: smoother, and on our history it generalises better from the
    counselors' short lists to whole candidate sets; see experiments/training.md).

    ``position_bias`` switches on LightGBM 4's unbiased lambdarank (``Dataset(position=...)``),
    which exists for ``lambdarank`` only: ``fit`` then needs ``positions``, the integer slot each
    item was shown at. Our convention is 1 = top, but LightGBM treats each distinct value as a
    label and learns one bias factor per value, so a 0-based coding trains the same model. The
    factors only shape training; ``predict`` needs no positions. ``lambdarank_truncation_level``
    defaults to LightGBM's 30.

    ``monotone_constraints`` maps feature names to +1 (the score may only rise with the feature)
    or -1 (only fall); unnamed features are free. It needs named features (a polars frame).
    """

    def __init__(
        self,
        *,
        objective: str = "lambdarank",
        n_estimators: int = 100,
        learning_rate: float = 0.1,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        feature_fraction: float = 1.0,
        lambdarank_truncation_level: int = 30,
        eval_at: tuple[int, ...] = (10,),
        early_stopping_rounds: int | None = None,
        position_bias: bool = False,
        position_bias_regularization: float = 0.0,
        monotone_constraints: Mapping[str, int] | None = None,
        random_state: int | None = None,
        num_threads: int = 0,
    ) -> None:
        self.objective = objective
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.feature_fraction = feature_fraction
        self.lambdarank_truncation_level = lambdarank_truncation_level
        self.eval_at = eval_at
        self.early_stopping_rounds = early_stopping_rounds
        self.position_bias = position_bias
        self.position_bias_regularization = position_bias_regularization
        self.monotone_constraints = monotone_constraints
        self.random_state = random_state
        self.num_threads = num_threads

    def lightgbm_params(self) -> dict[str, Any]:
        """The parameters handed to ``lightgbm.train`` (LightGBM's own names)."""
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective {self.objective!r} is not one of {list(OBJECTIVES)}")
        params: dict[str, Any] = {
            "objective": self.objective,
            "metric": "ndcg",
            "eval_at": list(self.eval_at),
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "feature_fraction": self.feature_fraction,
            "lambdarank_truncation_level": self.lambdarank_truncation_level,
            "lambdarank_position_bias_regularization": self.position_bias_regularization,
            "num_threads": self.num_threads,
            "verbosity": -1,
        }
        if self.random_state is not None:
            params["seed"] = self.random_state
        return params

    def _monotone(self, names: list[str] | None) -> list[int] | None:
        """The constraints in feature order, or None when there are none."""
        if not self.monotone_constraints:
            return None
        if names is None:
            raise ValueError("monotone_constraints name features: pass X as a polars frame")
        unknown = sorted(set(self.monotone_constraints) - set(names))
        bad = {k: v for k, v in self.monotone_constraints.items() if v not in (-1, 1)}
        if unknown or bad:
            raise ValueError(
                f"monotone_constraints must map features of X to -1 or +1; unknown {unknown}, "
                f"bad directions {bad}"
            )
        return [int(self.monotone_constraints.get(name, 0)) for name in names]

    def fit(
        self,
        X: Features,
        y: npt.ArrayLike,
        query_ids: npt.ArrayLike,
        *,
        eval_set: tuple[Features, npt.ArrayLike] | None = None,
        eval_query_ids: npt.ArrayLike | None = None,
        positions: npt.ArrayLike | None = None,
        sample_weight: npt.ArrayLike | None = None,
        callbacks: Sequence[Callback] = (),
    ) -> Self:
        """Train on rows in any order; ``query_ids`` says which rows belong together.

        ``positions`` is ignored unless ``position_bias`` is on. ``sample_weight`` scales each
        row's gradient (LightGBM's ranking objectives weight items, not lists). ``callbacks`` go to
        ``lightgbm.train`` as they are (e.g. ``lightgbm.reset_parameter`` for a learning-rate
        schedule).
        """
        matrix, names = _matrix(X)
        labels = np.asarray(y, dtype=np.float64).ravel()
        order, groups = query_order(query_ids)
        if not matrix.shape[0] == labels.size == order.size:
            raise ValueError(
                f"X, y and query_ids must have one entry per row, got {matrix.shape[0]}, "
                f"{labels.size} and {order.size}"
            )
        self.feature_names_ = names or [f"Column_{i}" for i in range(matrix.shape[1])]
        params = self.lightgbm_params()
        monotone = self._monotone(names)
        if monotone is not None:
            params["monotone_constraints"] = monotone
        position: npt.NDArray[np.int32] | None = None
        if self.position_bias:
            if self.objective != "lambdarank":
                raise ValueError(
                    f"position_bias works with objective 'lambdarank' only, not {self.objective!r}"
                )
            if positions is None:
                raise ValueError(
                    "position_bias=True needs positions (the slot each row was shown at)"
                )
            position = np.asarray(positions).ravel().astype(np.int32)[order]
            if position.size != order.size:
                raise ValueError(f"positions has {position.size} entries, expected {order.size}")
        weight: npt.NDArray[np.float64] | None = None
        if sample_weight is not None:
            weight = np.asarray(sample_weight, dtype=np.float64).ravel()
            if weight.size != order.size:
                raise ValueError(f"sample_weight has {weight.size} entries, expected {order.size}")
            weight = weight[order]
        train = lgb.Dataset(
            matrix[order],
            label=labels[order],
            group=groups,
            weight=weight,
            position=position,
            feature_name=self.feature_names_,
        )
        valid_sets, steps = [], list(callbacks)
        self.evals_result_: dict[str, Any] = {}
        if eval_set is not None:
            if eval_query_ids is None:
                raise ValueError("eval_set needs eval_query_ids to group its rows into queries")
            eval_matrix, _ = _matrix(eval_set[0])
            eval_order, eval_groups = query_order(eval_query_ids)
            eval_labels = np.asarray(eval_set[1], dtype=np.float64).ravel()
            valid_sets.append(
                lgb.Dataset(
                    eval_matrix[eval_order],
                    label=eval_labels[eval_order],
                    group=eval_groups,
                    reference=train,
                )
            )
            steps.append(lgb.record_evaluation(self.evals_result_))
        if self.early_stopping_rounds is not None:
            if eval_set is None:
                raise ValueError("early_stopping_rounds needs an eval_set to watch")
            steps.append(lgb.early_stopping(self.early_stopping_rounds, verbose=False))
        self.booster_ = lgb.train(
            params,
            train,
            num_boost_round=self.n_estimators,
            valid_sets=valid_sets,
            valid_names=["valid"] * len(valid_sets),
            callbacks=steps,
        )
        self.best_iteration_ = self.booster_.best_iteration or self.booster_.current_iteration()
        self.best_score_ = {name: dict(s) for name, s in self.booster_.best_score.items()}
        self.n_features_in_ = matrix.shape[1]
        return self

    def _checked(self, X: Features) -> npt.NDArray[np.floating[Any]]:
        if not hasattr(self, "booster_"):
            raise NotFittedError("this LambdaRanker is not fitted yet: call fit or load_native")
        if isinstance(X, pl.DataFrame):
            missing = [name for name in self.feature_names_ if name not in X.columns]
            if missing:
                raise ValueError(f"X lacks the model's features {missing[:5]} ({len(missing)})")
            X = X.select(self.feature_names_)
        matrix, _ = _matrix(X)
        if matrix.shape[1] != len(self.feature_names_):
            raise ValueError(
                f"X has {matrix.shape[1]} features, the model was trained on "
                f"{len(self.feature_names_)}"
            )
        return matrix

    def predict(self, X: Features) -> FloatArray:
        """Scores, higher first; polars columns are matched to the model's features by name."""
        scores = self.booster_.predict(self._checked(X), num_iteration=self.best_iteration_)
        return np.asarray(scores, dtype=np.float64)

    def predict_contributions(self, X: Features) -> FloatArray:
        """SHAP values: one column per feature (``feature_names_`` order), then the bias column.

        Each row sums to the row's score from :meth:`predict`.
        """
        contributions = self.booster_.predict(
            self._checked(X), num_iteration=self.best_iteration_, pred_contrib=True
        )
        return np.asarray(contributions, dtype=np.float64)

    def save_native(self, path: str | Path) -> None:
        """Write the booster in LightGBM's text format (trees up to ``best_iteration_``)."""
        if not hasattr(self, "booster_"):
            raise NotFittedError("this LambdaRanker is not fitted yet: nothing to save")
        self.booster_.save_model(str(path), num_iteration=self.best_iteration_)

    @classmethod
    def load_native(cls, path: str | Path) -> LambdaRanker:
        """A fitted ranker from a native model file; hyperparameters stay at their defaults
        (the file's own ``parameters:`` section records the ones it was trained with)."""
        ranker = cls()
        ranker.booster_ = lgb.Booster(model_file=str(path))
        ranker.feature_names_ = list(ranker.booster_.feature_name())
        ranker.best_iteration_ = ranker.booster_.current_iteration()
        ranker.best_score_ = {}
        ranker.evals_result_ = {}
        ranker.n_features_in_ = len(ranker.feature_names_)
        return ranker
