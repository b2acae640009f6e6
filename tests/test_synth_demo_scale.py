"""The demo city at full size (slow): the counts the issue asks for, written to SQLite."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from matching.storage import make_engine, upgrade_database
from matching.synth.city import SCALES, build_city
from matching.synth.writer import city_row_counts, write_frames


@pytest.mark.slow
def test_the_demo_city_has_the_promised_size(tmp_path: Path) -> None:
    as_of = date(2026, 11, 1)
    city = build_city(7, SCALES["demo"], as_of)
    frames = city.frames
    assert frames["persons"].height == 20_000
    assert frames["employers"].height == 2_000
    assert frames["vacancies"].filter(pl.col("status") == "open").height == 6_000
    assert frames["training_bases"].height >= 30
    assert frames["referral_events"].height >= 200_000
    graduates = frames["persons"]["is_graduate"].mean()
    assert isinstance(graduates, float) and 0.01 < graduates < 0.06
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    upgrade_database(engine)
    write_frames(engine, frames, lambda _table, _n: None)
    assert city_row_counts(engine)["referral_events"] == frames["referral_events"].height
