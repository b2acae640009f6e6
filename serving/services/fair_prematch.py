"""Pre-match one fair: read who and what takes part, score the eligible pairs with the served
jobs model, calibrate the scores to probabilities of a hire, solve, explain and store.

What keeps a candidate from a booth, in order: the venue lacks an accommodation they need (they
go to no booth, and their line says which); the snapshot does not hold them yet; the job's hard
rules (candidate generation); a reserved post they do not qualify for (``matching.fair_plans.
rules``). Everything else is the solver's choice.
"""

from __future__ import annotations

import logging
import time as clock
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta, timezone

import numpy as np
import polars as pl
import scipy.sparse as sp  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from matching.errors import ConflictError, UnavailableError
from matching.fair_plans import (
    MAX_CAPACITY,
    CandidateInfo,
    Day,
    PrematchResult,
    RunInfo,
    VacancyInfo,
    assemble,
    load_candidates,
    load_vacancies,
    plan_fair,
    reservation_allows,
    save_prematch,
    venue_gaps,
    venue_reason,
)
from matching.fair_solver import interview_capacity
from matching.storage import Fair
from serving.runtime.models import ModelHolder, own_copy
from serving.runtime.scoring_threads import at_low_priority
from serving.runtime.snapshot import ServingSnapshot
from serving.runtime.state import ServiceState
from serving.services.fair_calibration import fit_calibration, scores_of
from serving.services.fair_scoring import booth_reasons, eligible_pair_features, explanation_trees

log = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8), "CST")  # fairs are held in Liaocheng time (no DST)
NO_DATA_ZH = "人员信息尚未载入推荐数据，请稍后重新预匹配"


@dataclass(frozen=True)
class CapacityRule:
    """Interviews per booth from its openings, for this run (None: the stored capacities)."""

    per_opening: float = 4.0
    minimum: int = 2
    maximum: int | None = None


def fair_moment(fair: Fair, start: time) -> datetime:
    """When the fair's interviews begin, in UTC (a fair dated 0001-01-01 stays in year 1)."""
    local = datetime.combine(fair.held_on, start, tzinfo=CHINA)
    try:
        return local.astimezone(UTC)
    except OverflowError:
        return local.replace(tzinfo=UTC)


def run_prematch(
    session: Session,
    state: ServiceState,
    snapshot: ServingSnapshot | None,
    fair: Fair,
    day: Day,
    rule: CapacityRule | None,
    *,
    actor: str,
    now: datetime,
) -> PrematchResult:
    """Solve the fair from ``snapshot`` (the one the request read; refreshed once if it lacks a
    candidate), store the result as its latest pre-match and return it. Runs in a thread of
    lower priority, scoring on one thread: interactive requests keep their latency while a
    pre-match of seconds runs (experiments/load.md)."""
    return at_low_priority(
        lambda: _run_prematch(session, state, snapshot, fair, day, rule, actor=actor, now=now),
        "fair-prematch",
    )


def _run_prematch(
    session: Session,
    state: ServiceState,
    loaded: ServingSnapshot | None,
    fair: Fair,
    day: Day,
    rule: CapacityRule | None,
    *,
    actor: str,
    now: datetime,
) -> PrematchResult:
    started = clock.perf_counter()
    candidates = load_candidates(session, fair.id)
    vacancies = load_vacancies(session, fair.id)
    if not candidates or not vacancies:
        raise nothing_to_match(fair.id, len(candidates), len(vacancies))
    snapshot, holder = _ready(state, loaded, [c.person_id for c in candidates])
    context = snapshot.context
    model = own_copy(holder.current)  # LightGBM's contributions are not thread-safe on one Booster
    calibration = snapshot.per_model(fit_calibration, model)  # once per snapshot and model
    known = snapshot.lookups.person_ids
    blocked: dict[int, tuple[str, str]] = {}
    for index, candidate in enumerate(candidates):
        gaps = venue_gaps(candidate.needs, fair.venue_accessibility, online=fair.online)
        if gaps:
            blocked[index] = ("venue", venue_reason(gaps))
        elif candidate.person_id not in known:
            blocked[index] = ("no_data", NO_DATA_ZH)
    sent = [c.person_id for i, c in enumerate(candidates) if i not in blocked]
    open_ids = [v.vacancy_id for v in vacancies if v.is_open]
    rows = _allowed(
        eligible_pair_features(context, sent, open_ids, fair_moment(fair, day.start)),
        candidates,
        vacancies,
    )
    probability = calibration.probability(scores_of(model, rows))
    matrix = _matrix(rows, probability, candidates, vacancies)
    plan = plan_fair(
        [c.person_id for c in candidates],
        [v.vacancy_id for v in vacancies],
        matrix,
        _capacities(vacancies, rule),
        day,
    )
    chosen = _chosen_rows(rows, plan.assignment.candidate, plan.assignment.vacancy)
    texts = booth_reasons(model, chosen, plan.assignment.probability.tolist())
    reasons = {
        (candidates[c].person_id, vacancies[v].vacancy_id): text
        for c, v, text in zip(
            plan.assignment.candidate.tolist(), plan.assignment.vacancy.tolist(), texts, strict=True
        )
    }
    run = RunInfo(
        fair_id=fair.id,
        computed_at=now,
        computed_by=actor,
        model_version=model.label,
        degraded=model.degraded,
        calibration=calibration.info,
        parameters=_parameters(day, rule)
        | {"reason_trees": explanation_trees(model, chosen.height)},  # None: every tree
    )
    result = assemble(run, plan, candidates, vacancies, blocked=blocked, reasons=reasons)
    save_prematch(session, result)
    log.info(
        "fair %d pre-matched: %d candidates, %d vacancies, %d eligible pairs, %d interviews "
        "in %.2f s (%s)",
        fair.id,
        len(candidates),
        len(vacancies),
        result.eligible_pairs,
        result.optimal.interviews,
        clock.perf_counter() - started,
        model.label,
    )
    return result


def nothing_to_match(fair_id: int, candidates: int, vacancies: int) -> ConflictError:
    """The answer for a fair without candidates or without booths (409)."""
    return ConflictError(
        f"fair {fair_id} has {candidates} candidates and {vacancies} vacancies; "
        "register both before pre-matching",
        "该招聘会还没有登记求职者或参会岗位，请先登记再预匹配",
    )


def _ready(
    state: ServiceState, snapshot: ServingSnapshot | None, person_ids: Sequence[int]
) -> tuple[ServingSnapshot, ModelHolder]:
    """The snapshot (refreshed once if it lacks a candidate) and the jobs model holder."""
    if snapshot is not None and not set(person_ids) <= snapshot.lookups.person_ids:
        state.refresh_snapshot()
        snapshot = state.snapshot  # read once more, after the refresh
    if snapshot is None or state.jobs is None:
        raise UnavailableError(
            "no persons or no jobs model loaded yet; retry shortly",
            "推荐数据或模型尚未载入，请稍后再进行预匹配",
        )
    return snapshot, state.jobs


def _allowed(
    rows: pl.DataFrame, candidates: Sequence[CandidateInfo], vacancies: Sequence[VacancyInfo]
) -> pl.DataFrame:
    """The eligible pairs no reservation rule forbids, with their row and column indices."""
    if rows.height == 0:
        return rows
    row_of = {c.person_id: i for i, c in enumerate(candidates)}
    col_of = {v.vacancy_id: j for j, v in enumerate(vacancies)}
    indexed = rows.with_columns(
        _c=pl.col("person_id").replace_strict(row_of, return_dtype=pl.Int64),
        _v=pl.col("vacancy_id").replace_strict(col_of, return_dtype=pl.Int64),
    )
    allowed = reservation_allows([c.terms for c in candidates], [v.terms for v in vacancies])
    keep = allowed[indexed["_c"].to_numpy(), indexed["_v"].to_numpy()]
    return indexed.filter(pl.Series(keep))


def _matrix(
    rows: pl.DataFrame,
    probability: np.ndarray,
    candidates: Sequence[CandidateInfo],
    vacancies: Sequence[VacancyInfo],
) -> sp.csr_array:
    shape = (len(candidates), len(vacancies))
    if rows.height == 0:
        return sp.csr_array(shape)
    return sp.csr_array((probability, (rows["_c"].to_numpy(), rows["_v"].to_numpy())), shape=shape)


def _chosen_rows(rows: pl.DataFrame, cand: np.ndarray, vac: np.ndarray) -> pl.DataFrame:
    """The feature rows of the assigned pairs, in the assignment's order."""
    if cand.size == 0:
        return rows.head(0)
    order = pl.DataFrame({"_c": cand.astype(np.int64), "_v": vac.astype(np.int64)})
    return order.join(rows, on=["_c", "_v"], how="left", maintain_order="left")


def _capacities(vacancies: Sequence[VacancyInfo], rule: CapacityRule | None) -> list[int]:
    if rule is None:
        return [min(v.capacity, MAX_CAPACITY) for v in vacancies]
    computed = interview_capacity(
        [v.openings for v in vacancies], rule.per_opening, rule.minimum, rule.maximum
    )
    return [min(int(c), MAX_CAPACITY) for c in computed]


def _parameters(day: Day, rule: CapacityRule | None) -> dict[str, object]:
    return {
        "max_booths": day.max_booths,
        "slots": day.slots,
        "slot_minutes": day.slot_minutes,
        "start": day.start.strftime("%H:%M"),
        "interviewers": day.interviewers,
        "naive_seed": day.naive_seed,
        "capacity_rule": None if rule is None else asdict(rule),
    }
