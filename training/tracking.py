"""The one door to MLflow: runs, parameters, metrics, artifacts, the model registry and aliases.

No other module imports mlflow. Models are logged as LightGBM Boosters (native format): MLflow 3
refuses to load an LGBMRanker logged through the scikit-learn flavour unless its type is trusted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mlflow
import mlflow.artifacts
import mlflow.lightgbm
import polars as pl
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, Schema

JOBS_MODEL = "jobmatch-jobs"
COURSES_MODEL = "jobmatch-courses"
CHAMPION = "champion"
CHALLENGER = "challenger"
PREVIOUS_CHAMPION = "previous-champion"


class Tracking:
    """An MLflow tracking store and registry at one URI, with artifacts under one folder."""

    def __init__(self, tracking_uri: str, artifact_root: Path) -> None:
        self.tracking_uri = tracking_uri
        self.artifact_root = artifact_root
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_registry_uri(tracking_uri)
        self.client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
        for noisy in ("mlflow", "alembic"):
            logging.getLogger(noisy).setLevel(logging.WARNING)

    def experiment_id(self, name: str) -> str:
        found = self.client.get_experiment_by_name(name)
        if found is not None:
            return str(found.experiment_id)
        self.artifact_root.mkdir(parents=True, exist_ok=True)
        location = (self.artifact_root / name).resolve().as_uri()
        return str(self.client.create_experiment(name, artifact_location=location))

    @contextmanager
    def run(self, experiment: str, run_name: str) -> Iterator[str]:
        with mlflow.start_run(
            experiment_id=self.experiment_id(experiment), run_name=run_name
        ) as run:
            yield str(run.info.run_id)

    def log_params(self, params: Mapping[str, Any]) -> None:
        mlflow.log_params({key: str(value)[:500] for key, value in params.items()})

    def log_metrics(self, metrics: Mapping[str, float]) -> None:
        mlflow.log_metrics({key: float(value) for key, value in metrics.items()})

    def set_tags(self, tags: Mapping[str, str]) -> None:
        mlflow.set_tags(dict(tags))

    def log_dict(self, data: Mapping[str, Any], path: str) -> None:
        mlflow.log_dict(dict(data), path)

    def log_figure(self, figure: Any, path: str) -> None:
        """Log the figure and close it: pyplot keeps every open figure alive otherwise."""
        import matplotlib.pyplot as plt

        mlflow.log_figure(figure, path)
        plt.close(figure)

    def log_booster(self, booster: Any, example: pl.DataFrame, registered_model: str) -> str:
        """Log and register the Booster; the new version gets the alias 'challenger'.

        The signature declares every feature an optional double, as the ranker reads them (a
        float matrix, a missing value as NaN): inferred from a sample, flags and counts would be
        required integers that MLflow's pyfunc and ``mlflow models serve`` refuse as soon as one
        is missing or arrives as a wider integer."""
        sample = example.head(5).cast(pl.Float64).to_pandas()
        inputs = Schema([ColSpec("double", name, required=False) for name in example.columns])
        outputs = mlflow.models.infer_signature(sample, booster.predict(sample)).outputs
        signature = ModelSignature(inputs=inputs, outputs=outputs)
        info = mlflow.lightgbm.log_model(
            booster,
            name="model",
            signature=signature,
            input_example=sample,
            registered_model_name=registered_model,
        )
        version = str(info.registered_model_version)
        self.set_alias(registered_model, CHALLENGER, version)
        return version

    def set_alias(self, model: str, alias: str, version: str) -> None:
        self.client.set_registered_model_alias(model, alias, version)

    def version_of(self, model: str, alias: str) -> str | None:
        try:
            return str(self.client.get_model_version_by_alias(model, alias).version)
        except MlflowException:
            return None

    def run_of(self, model: str, version: str) -> str:
        return str(self.client.get_model_version(model, version).run_id)

    def run_metrics(self, run_id: str) -> dict[str, float]:
        return dict(self.client.get_run(run_id).data.metrics)

    def version_params(self, model: str, version: str) -> dict[str, str] | None:
        """The parameters of the run that logged the version; None if there is no such version."""
        try:
            return dict(self.client.get_run(self.run_of(model, version)).data.params)
        except MlflowException:
            return None

    def run_tags(self, run_id: str) -> dict[str, str]:
        return dict(self.client.get_run(run_id).data.tags)

    def load_booster(self, model: str, version: str) -> Any:
        return mlflow.lightgbm.load_model(f"models:/{model}/{version}")

    def set_version_tags(self, model: str, version: str, tags: Mapping[str, str]) -> None:
        for key, value in tags.items():
            self.client.set_model_version_tag(model, version, key, value)

    def version_tags(self, model: str, version: str) -> dict[str, str]:
        return dict(self.client.get_model_version(model, version).tags)

    def experiment_of(self, run_id: str) -> str:
        return str(self.client.get_run(run_id).info.experiment_id)

    def run_data(self, run_id: str) -> tuple[dict[str, float], dict[str, str], dict[str, str]]:
        """(metrics, params, tags) of a run, in one read."""
        data = self.client.get_run(run_id).data
        return dict(data.metrics), dict(data.params), dict(data.tags)

    def run_dict(self, run_id: str, path: str) -> dict[str, Any] | None:
        """A JSON artifact the run logged with ``log_dict``; None if it has none there."""
        try:
            loaded = mlflow.artifacts.load_dict(f"runs:/{run_id}/{path}")
        except (MlflowException, OSError):
            return None
        return dict(loaded)
