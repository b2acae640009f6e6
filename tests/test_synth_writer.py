"""Writing a synthetic city into SQLite and PostgreSQL, and the synth/stats commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from matching.storage import Person
from matching.synth.city import SCALES, build_city
from matching.synth.truth import Latents
from matching.synth.writer import city_row_counts, clear_city, write_frames
from serving.cli import app
from tests.import_files import person_row

SMALL = SCALES["test"].__class__(300, 60, 120, 120, 30)


def test_a_city_lands_whole_and_later_inserts_still_work(engine: Engine) -> None:
    city = build_city(5, SMALL, date(2026, 11, 1))
    write_frames(engine, city.frames, lambda _table, _n: None)
    counts = city_row_counts(engine)
    assert counts == {name: city.frames[name].height for name in counts}
    with Session(engine) as session, session.begin():
        row = person_row(99_999)
        session.add(
            Person(
                id_number=row["身份证号"],
                certificate_number=row["残疾人证号"],
                name="新登记",
                sex="F",
                birth_date=date(1990, 1, 1),
                county="371502",
                hukou="urban",
                disability_category="4",
                disability_level="3",
                education="junior",
                employment_status="seeking",
                registered_on=date(2026, 11, 2),
            )
        )  # a fresh id after the city's explicit ids (PostgreSQL sequences moved on)
    clear_city(engine)
    assert sum(city_row_counts(engine).values()) == 0


def test_synth_and_stats_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    arguments = ["synth", "--seed", "3", "--scale", "test", "--as-of", "2026-11-01"]
    first = runner.invoke(app, arguments)
    assert first.exit_code == 0, first.output
    assert "城市已生成" in first.output
    latents = Latents.load(tmp_path / "ground_truth")
    assert (latents.seed, latents.as_of) == (3, date(2026, 11, 1))
    refused = runner.invoke(app, arguments)
    assert refused.exit_code == 1 and "--replace" in refused.output
    assert runner.invoke(app, [*arguments, "--replace"]).exit_code == 0
    skipped = runner.invoke(app, [*arguments, "--if-empty"])
    assert skipped.exit_code == 0 and "跳过" in skipped.output
    stats = runner.invoke(app, ["stats"])
    assert stats.exit_code == 0
    for heading in (
        "登记人员",
        "残疾类别",
        "用人单位：类型",
        "未达比例",
        "岗位：渠道",
        "岗位推荐：结果",
    ):
        assert heading in stats.output


def test_bad_synth_arguments_say_what_is_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    scale = runner.invoke(app, ["synth", "--scale", "huge"])
    assert scale.exit_code == 2 and "demo" in scale.output
    day = runner.invoke(app, ["synth", "--as-of", "01/11/2026"])
    assert day.exit_code == 2 and "2026-06-30" in day.output
