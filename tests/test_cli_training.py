"""`jobmatch train`, `promote` and `rollback` as an analyst (and `make run`) calls them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from features.schema import JOB_FEATURE_SET
from serving.cli import app

pytestmark = pytest.mark.model  # a tier of its own: `make test-slow` (CI) runs it


def test_train_promote_rollback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))
    config = tmp_path / "quick.toml"
    config.write_text("n_estimators = 30\nnum_threads = 1\nexposure_persons = 100\n")
    runner = CliRunner()
    synth = runner.invoke(app, ["synth", "--scale", "test", "--seed", "8", "--as-of", "2026-11-01"])
    assert synth.exit_code == 0, synth.output
    first = runner.invoke(app, ["train", "jobs", "--config", str(config), "--json"])
    assert first.exit_code == 0, first.output
    line = json.loads(first.output.strip().splitlines()[-1])
    assert (line["version"], line["feature_set"]) == ("1", JOB_FEATURE_SET.version)
    assert {"ranker", "rule", "oracle", "candidates/ranker"} <= set(line["metrics"])
    promoted = runner.invoke(app, ["promote", "jobs"])
    assert promoted.exit_code == 0, promoted.output
    assert "champion is now version 1" in promoted.output
    skipped = runner.invoke(app, ["train", "jobs", "--if-no-champion"])
    assert skipped.exit_code == 0 and "跳过" in skipped.output
    nothing = runner.invoke(app, ["rollback", "jobs"])
    assert nothing.exit_code == 1 and "nothing to roll back" in nothing.output
    assert runner.invoke(app, ["train", "jobs", "--config", str(config)]).exit_code == 0
    second = runner.invoke(app, ["promote", "jobs", "--version", "2"])
    assert second.exit_code == 0, second.output
    assert "both scored on this version's test lists" in second.output  # champion re-scored
    back = runner.invoke(app, ["rollback", "jobs"])
    assert back.exit_code == 0 and "from version 2 to 1" in back.output
    courses = runner.invoke(app, ["train", "courses", "--config", str(config)])
    assert courses.exit_code == 0, courses.output
    assert runner.invoke(app, ["train", "people"]).exit_code == 2
