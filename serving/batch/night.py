"""One whole night, as ``jobmatch batch recommend`` and the batch background job run it: read
who to rank (``plan_night``), rank the blocks not yet written (``run.run_night``), then compare
the night with the one before (``alerts.write_alerts``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from features.sources import read_table
from matching.storage import make_engine, upgrade_database
from serving.batch.alerts import promised_persons, write_alerts
from serving.batch.blocks import Block, person_blocks
from serving.batch.ranking import BatchSource
from serving.batch.run import Engine, NightRun, Progress, run_night

__all__ = ["BLOCK_SIZE", "NightDone", "NightPlan", "plan_night", "rank_night"]

BLOCK_SIZE = 250


@dataclass(frozen=True)
class NightPlan:
    blocks: list[Block]
    promised: frozenset[int]  # graduates with an open 岗位推荐 (alerts.promised_persons)

    @property
    def persons(self) -> int:
        return sum(len(block.person_ids) for block in self.blocks)


@dataclass(frozen=True)
class NightDone:
    run: NightRun
    alerts: Path | None  # None: no night before to compare with


def plan_night(
    database_url: str, block_size: int = BLOCK_SIZE, limit: int | None = None
) -> NightPlan:
    """The registered persons in blocks (``limit``: the first by county and id), and the
    promised graduates; migrates the database first."""
    database = make_engine(database_url)
    upgrade_database(database)
    try:
        with database.connect() as connection:
            registered = read_table(connection, "persons").select("id", "county")
        with Session(database) as session:
            promised = promised_persons(session)
    finally:
        database.dispose()
    return NightPlan(person_blocks(registered, block_size, limit), promised)


def rank_night(
    source: BatchSource,
    plan: NightPlan,
    out: Path,
    *,
    engine: Engine = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    client: Any | None = None,
) -> NightDone:
    """Rank the plan's missing blocks into ``out`` and write the night's alerts."""
    night = run_night(
        source,
        plan.blocks,
        out,
        engine=engine,
        scheduler=scheduler,
        progress=progress,
        client=client,
    )
    return NightDone(night, write_alerts(out, plan.promised))
