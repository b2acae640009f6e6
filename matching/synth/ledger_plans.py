"""The plans and status histories of the synthetic 一人一策 ledgers, and their degrees.

Each intended service becomes a dated action (policy briefing and career guidance while at
school, job referral, training and the public-welfare post after leaving); past actions are
mostly done, some cancelled, some overdue. Histories follow the transition rules of
``matching.ledgers``: opened at school, one move on leaving, and a public-welfare post only
after a job referral was carried out. Draws come from their own generator, so the ledgers and
follow-ups drawn before are unchanged.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from matching.synth.ledgers import LEAVING_DAY

OPENED_BEFORE_LEAVING = (120, 300)  # days: ledgers are opened in the last school year
DEGREE_FROM_EDUCATION = {"college": "college", "bachelor": "bachelor"}
DOCTOR_SHARE = 0.15  # of postgraduates (*assumption*)
ACTION_COLUMNS = {
    "id": pl.Int64,
    "ledger_id": pl.Int64,
    "service": pl.String,
    "target_date": pl.Date,
    "status": pl.String,
    "done_on": pl.Date,
}
CHANGE_COLUMNS = {
    "id": pl.Int64,
    "ledger_id": pl.Int64,
    "from_status": pl.String,
    "to_status": pl.String,
    "changed_on": pl.Date,
    "note": pl.String,
}


def ledger_plans(
    rng: np.random.Generator, ledgers: pl.DataFrame, persons: pl.DataFrame, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(ledgers with their degree, ledger_actions, ledger_status_changes)."""
    if ledgers.height == 0:
        return ledgers, pl.DataFrame(schema=ACTION_COLUMNS), pl.DataFrame(schema=CHANGE_COLUMNS)
    education = dict(zip(persons["id"].to_list(), persons["education"].to_list(), strict=True))
    degrees: list[str] = []
    actions: list[tuple[int, str, date, str, date | None]] = []
    changes: list[tuple[int, str | None, str, date, str]] = []
    for ledger in ledgers.iter_rows(named=True):
        degrees.append(_degree(rng, education[ledger["person_id"]]))
        left = date(ledger["graduation_year"], *LEAVING_DAY)
        opened = min(left, as_of) - timedelta(days=int(rng.integers(*OPENED_BEFORE_LEAVING)))
        history = _history(rng, ledger["status"], opened, left, as_of)
        placed = history[-1][2] if ledger["status"] == "public_welfare" else None
        changes.extend((ledger["id"], *move) for move in history)
        for service in ledger["intended_services"]:
            actions.append((ledger["id"], *_action(rng, service, opened, left, as_of, placed)))
    action_frame = pl.DataFrame(
        [(i, *row) for i, row in enumerate(actions, start=1)], schema=ACTION_COLUMNS, orient="row"
    )
    change_frame = pl.DataFrame(
        [(i, *row) for i, row in enumerate(changes, start=1)], schema=CHANGE_COLUMNS, orient="row"
    )
    return (
        ledgers.with_columns(degree=pl.Series(degrees, dtype=pl.String)),
        action_frame,
        change_frame,
    )


def _degree(rng: np.random.Generator, education: str) -> str:
    if education in DEGREE_FROM_EDUCATION:
        return DEGREE_FROM_EDUCATION[education]
    return "doctor" if rng.random() < DOCTOR_SHARE else "master"


def _history(
    rng: np.random.Generator, status: str, opened: date, left: date, as_of: date
) -> list[tuple[str | None, str, date, str]]:
    moves: list[tuple[str | None, str, date, str]] = [(None, "in_school", opened, "建立台账")]
    if status == "in_school":
        return moves
    first = "unemployed" if status == "public_welfare" else status
    moves.append(("in_school", first, min(left, as_of), "毕业离校"))
    if status == "public_welfare":
        placed = min(left + timedelta(days=int(rng.integers(90, 240))), as_of)
        moves.append(("unemployed", "public_welfare", placed, "市场渠道难以就业，公益性岗位安置"))
    return moves


def _action(
    rng: np.random.Generator,
    service: str,
    opened: date,
    left: date,
    as_of: date,
    placed: date | None,
) -> tuple[str, date, str, date | None]:
    """(service, target date, status, done on); a placed graduate's referral and post are done
    by the day of the placement."""
    offsets = {
        "policy_briefing": (opened, 14),
        "career_guidance": (opened, 45),
        "job_referral": (left, 30),
        "skills_training": (left, 60),
        "internship": (left, 60),
        "public_welfare_post": (left, 120),
    }
    start, days = offsets.get(service, (left, 30))
    target = start + timedelta(days=days + int(rng.integers(0, 30)))
    if placed is not None and service in ("job_referral", "public_welfare_post"):
        target = min(target, placed)
        return service, target, "done", target
    if target >= as_of or service == "public_welfare_post":  # the fallback not (yet) used
        return service, target, "planned", None
    draw = rng.random()
    if draw < 0.75:
        return (
            service,
            target,
            "done",
            min(target + timedelta(days=int(rng.integers(0, 10))), as_of),
        )
    if draw < 0.85:
        return service, target, "cancelled", None
    return service, target, "planned", None  # overdue
