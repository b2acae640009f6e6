"""`jobmatch features build` and `jobmatch features recall` on a small city."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from features.schema import JOB_FEATURE_SET
from serving.cli import app


def test_build_and_recall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    synth = runner.invoke(app, ["synth", "--scale", "test", "--seed", "4", "--as-of", "2026-11-01"])
    assert synth.exit_code == 0, synth.output
    built = runner.invoke(app, ["features", "build"])
    assert built.exit_code == 0, built.output
    jobs = pl.read_parquet(tmp_path / "features" / "jobs.parquet")
    assert jobs.height > 1000 and set(JOB_FEATURE_SET.names) <= set(jobs.columns)
    manifest = json.loads((tmp_path / "features" / "manifest.json").read_text())
    assert manifest["jobs"]["feature_set"] == JOB_FEATURE_SET.version
    recall = runner.invoke(app, ["features", "recall", "--persons", "60"])
    assert recall.exit_code == 0, recall.output
    found = re.search(r"recall@10 ([0-9.]+), mean candidates ([0-9.]+)", recall.output)
    assert found is not None
    assert 0.5 < float(found.group(1)) <= 1.0


def test_recall_without_a_ground_truth_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["features", "recall"])
    assert result.exit_code == 1
    assert "jobmatch synth" in result.output
