"""New-match alerts (issue 21 §3): persons whose top-3 gained a new, clearly better vacancy
since the night before, and graduates with an open 岗位推荐 in their ledger and a new fitting
vacancy.

Two nights of ``serving.batch`` are compared. A vacancy in a person's top ``ALERT_TOP`` tonight
is **new** when it was nowhere in the person's list the night before, and **clearly better**
when its calibrated chance of a hire (``probability``: Platt scaling of the served model's
score on the logged referrals, ``serving.services.fair_calibration``) is at least
``BETTER_BY`` times the best chance the person's list had the night before, and at least
``MIN_GAIN`` higher (*choice*: a relative rule alone would flag tiny chances doubling, an
absolute one alone would never flag a person whose chances are all small). A graduate with an
open 岗位推荐 action is told of any new vacancy in the top ``ALERT_TOP``: the case worker
promised to look for one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.storage.ledgers import GraduateLedger, LedgerAction
from serving.batch.run import read_night

JOB_REFERRAL = "job_referral"  # the 岗位推荐 service of a ledger plan (matching.codes)

__all__ = [
    "ALERTS_FILE",
    "ALERT_TOP",
    "BETTER_BY",
    "MIN_GAIN",
    "last_two_nights",
    "latest_alerts",
    "new_matches",
    "promised_persons",
    "write_alerts",
]

ALERT_TOP = 3
BETTER_BY = 1.25
MIN_GAIN = 0.01
ALERTS_FILE = "alerts.parquet"  # in the night's folder, written once the night is complete


def _nights(out: Path) -> list[Path]:
    """The night folders under ``out`` that hold lists, oldest first."""
    nights = []
    for folder in sorted(out.glob("????-??-??")) if out.is_dir() else []:
        try:
            date.fromisoformat(folder.name)
        except ValueError:
            continue
        if any(folder.glob("part-*.parquet")):
            nights.append(folder)
    return nights


def last_two_nights(out: Path) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The newest night under ``out`` and the one before it, as frames (None: fewer than two)."""
    nights = _nights(out)
    if len(nights) < 2:
        return None
    return read_night(nights[-1]), read_night(nights[-2])


def promised_persons(session: Session) -> frozenset[int]:
    """Graduates whose ledger has a planned (open) 岗位推荐 action."""
    query = (
        select(GraduateLedger.person_id)
        .join(LedgerAction, LedgerAction.ledger_id == GraduateLedger.id)
        .where((LedgerAction.service == JOB_REFERRAL) & (LedgerAction.status == "planned"))
    )
    return frozenset(session.scalars(query).all())


def write_alerts(out: Path, promised: frozenset[int]) -> Path | None:
    """Compare the newest complete night with the one before and write its alerts beside its
    lists (None: fewer than two nights). Small enough for the home page to read at each visit."""
    nights = _nights(out)
    found = last_two_nights(out)
    if found is None:
        return None
    path = nights[-1] / ALERTS_FILE
    new_matches(*found, promised).write_parquet(path)
    return path


def latest_alerts(out: Path) -> pl.DataFrame | None:
    """The alerts of the newest night that has them (None: no night compared yet)."""
    for folder in reversed(_nights(out)):
        path = folder / ALERTS_FILE
        if path.is_file():
            return pl.read_parquet(path)
    return None


def new_matches(
    tonight: pl.DataFrame, before: pl.DataFrame, promised: frozenset[int] = frozenset()
) -> pl.DataFrame:
    """person_id, vacancy_id, title, rank, probability, best_before, promised: one row per new
    vacancy worth an alert (a person present in both nights only), best chance first."""
    jobs_now = tonight.filter((pl.col("kind") == "jobs") & (pl.col("rank") <= ALERT_TOP))
    jobs_before = before.filter(pl.col("kind") == "jobs")
    best_before = jobs_before.group_by("person_id").agg(best_before=pl.col("probability").max())
    seen = jobs_before.select("person_id", "item_id").unique()
    fresh = (
        jobs_now.join(seen, on=["person_id", "item_id"], how="anti")
        .join(best_before, on="person_id", how="inner")
        .with_columns(promised=pl.col("person_id").is_in(list(promised)))
    )
    better = (pl.col("probability") >= BETTER_BY * pl.col("best_before")) & (
        pl.col("probability") >= pl.col("best_before") + MIN_GAIN
    )
    return (
        fresh.filter(better | pl.col("promised"))
        .select(
            "person_id",
            pl.col("item_id").alias("vacancy_id"),
            "title",
            "rank",
            "probability",
            "best_before",
            "promised",
        )
        .sort(["probability", "person_id", "vacancy_id"], descending=[True, False, False])
    )
