"""New-match alerts (issue 21 §3): which new vacancies are worth telling, the night's alerts file,
and the counselor's home page, which shows them for the persons the counselor reaches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from serving.batch.alerts import latest_alerts, new_matches, write_alerts
from serving.batch.ranking import ROW_SCHEMA
from tests.api_city import COUNTY_A, COUNTY_B, persons_of
from tests.api_models import served_settings
from tests.test_pages_session import log_in


def night(rows: list[tuple[int, int, int, float]], at: datetime) -> pl.DataFrame:
    """Job lines (person, rank, vacancy, probability) shaped like the batch's."""
    return pl.DataFrame(
        [
            (at, person, "", "jobs", rank, vacancy, f"岗位{vacancy}", 0.0, chance, [], [], None,
             "champion:1", "jobs-x")
            for person, rank, vacancy, chance in rows
        ],
        schema=ROW_SCHEMA,
        orient="row",
    )  # fmt: skip


YESTERDAY = datetime(2026, 12, 3, 2, tzinfo=UTC)
TODAY = datetime(2026, 12, 4, 2, tzinfo=UTC)


def test_only_new_clearly_better_top_three_lines_are_told() -> None:
    before = night(
        [(1, 1, 10, 0.10), (1, 2, 11, 0.05), (2, 1, 10, 0.10), (3, 1, 12, 0.10), (5, 1, 10, 0.1)],
        YESTERDAY,
    )
    tonight = night(
        [
            (1, 1, 20, 0.13),  # new and 1.3 × the best before: told
            (1, 2, 10, 0.10),
            (2, 1, 21, 0.11),  # new, but only 1.1 × the best before
            (3, 4, 22, 0.50),  # new and far better, but fourth
            (3, 1, 12, 0.10),  # not new
            (4, 1, 23, 0.90),  # a person who was not in last night's batch
            (5, 1, 24, 0.108),  # 1.08 ×: not better, but the graduate was promised a post
        ],
        TODAY,
    )
    found = new_matches(tonight, before, promised=frozenset({5}))
    assert found.select("person_id", "vacancy_id", "promised").rows() == [
        (1, 20, False),
        (5, 24, True),
    ]
    assert found["best_before"].to_list() == [0.10, 0.10]


def write_night(folder: Path, frame: pl.DataFrame) -> None:
    folder.mkdir(parents=True)
    frame.write_parquet(folder / "part-00000.parquet")


def test_the_alerts_go_beside_the_newest_night(tmp_path: Path) -> None:
    assert write_alerts(tmp_path, frozenset()) is None and latest_alerts(tmp_path) is None
    write_night(tmp_path / "2026-12-03", night([(1, 1, 10, 0.1)], YESTERDAY))
    assert write_alerts(tmp_path, frozenset()) is None  # one night: nothing to compare
    write_night(tmp_path / "2026-12-04", night([(1, 1, 20, 0.2)], TODAY))
    path = write_alerts(tmp_path, frozenset())
    assert path == tmp_path / "2026-12-04" / "alerts.parquet"
    found = latest_alerts(tmp_path)
    assert found is not None and found["vacancy_id"].to_list() == [20]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("alerts_home")
    settings = served_settings(folder)
    own = int(persons_of(COUNTY_A)["id"][0])
    other = int(persons_of(COUNTY_B)["id"][0])
    batch = folder / "batch"
    write_night(batch / "2026-12-03", night([(own, 1, 10, 0.1), (other, 1, 10, 0.1)], YESTERDAY))
    write_night(batch / "2026-12-04", night([(own, 1, 77, 0.3), (other, 1, 78, 0.3)], TODAY))
    assert write_alerts(batch, frozenset()) is not None
    with TestClient(create_app(settings)) as running:
        log_in(running, "county_a")
        yield running


def test_the_home_page_tells_the_counselor_of_their_own_persons_only(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "新匹配提醒（1）" in page.text and "岗位77" in page.text
    assert "岗位78" not in page.text  # a person of another county
    whole = client.get("/today/new_matches")
    assert whole.status_code == 200 and "岗位77" in whole.text and "岗位78" not in whole.text
