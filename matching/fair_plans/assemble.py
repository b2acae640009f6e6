"""Turn a solved fair (``FairPlan``) into the lines people read: a plan per candidate, a
shortlist per booth and the comparison of both ways, with a Chinese note wherever someone gets
nothing (why no booth, why a booth has no candidate)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from matching.fair_plans.plan import FairPlan
from matching.fair_plans.result import (
    BoothVisit,
    CalibrationInfo,
    CandidatePlan,
    Interviewee,
    PrematchResult,
    VacancyPlan,
    WayFigures,
)
from matching.fair_plans.roster import CandidateInfo, VacancyInfo
from matching.fair_plans.rules import reservation_note
from matching.fair_solver import WayReport

NO_ELIGIBLE_ZH = "暂无符合条件的参会岗位，建议与就业辅导员沟通其他岗位或培训"
NO_BOOTH_ZH = "符合条件的展位面试名额已满，可在现场排队或关注后续招聘会"
CLOSED_ZH = "岗位已不在招聘中"
NO_CANDIDATE_ZH = "暂无符合条件的求职者"
PROBABILITY_DIGITS = 4


@dataclass(frozen=True)
class RunInfo:
    """Who ran the pre-match, when, with which model and parameters."""

    fair_id: int
    computed_at: datetime
    computed_by: str
    model_version: str
    degraded: bool
    calibration: CalibrationInfo
    parameters: dict[str, Any]


def assemble(
    run: RunInfo,
    plan: FairPlan,
    candidates: Sequence[CandidateInfo],
    vacancies: Sequence[VacancyInfo],
    *,
    blocked: Mapping[int, tuple[str, str]],
    reasons: Mapping[tuple[int, int], list[str]],
) -> PrematchResult:
    """``blocked``: candidate index → (status, note) for those kept from every booth up front
    (venue, no data); ``reasons``: (person id, vacancy id) → phrases for each assigned pair."""
    table = plan.timetable
    times = [
        (table.start_time(slot).strftime("%H:%M"), table.start_time(slot + 1).strftime("%H:%M"))
        for slot in range(int(plan.problem.slots.max(initial=0)) + 1)
    ]
    by_id = {c.person_id: c for c in candidates}
    booths = {v.vacancy_id: v for v in vacancies}
    eligible_rows = np.bincount(plan.problem.pair_candidate, minlength=len(candidates))
    eligible_cols = np.bincount(plan.problem.pair_vacancy, minlength=len(vacancies))
    lines = []
    for index, (person_id, visits) in enumerate(table.per_candidate().items()):
        info = by_id[person_id]
        status, note = blocked.get(index, ("", None))
        if not status:
            status, note = (
                ("scheduled", None)
                if visits
                else ("no_eligible", NO_ELIGIBLE_ZH)
                if eligible_rows[index] == 0
                else ("no_booth", NO_BOOTH_ZH)
            )
        booth_lines = [
            BoothVisit(
                vacancy_id=visit.vacancy_id,
                booth=booths[visit.vacancy_id].booth,
                title=booths[visit.vacancy_id].title,
                employer=booths[visit.vacancy_id].employer,
                slot=visit.slot,
                start=times[visit.slot][0],
                end=times[visit.slot][1],
                probability=round(visit.probability, PROBABILITY_DIGITS),
                reasons=reasons.get((person_id, visit.vacancy_id), []),
            )
            for visit in visits
        ]
        lines.append(
            CandidatePlan(
                person_id, info.name, info.id_number, info.county, status, note, booth_lines
            )
        )
    shortlists = table.per_vacancy()
    vacancy_lines = []
    for index, booth in enumerate(vacancies):
        entries = sorted(shortlists[booth.vacancy_id], key=lambda e: (e.slot, e.interviewer))
        vacancy_lines.append(
            VacancyPlan(
                vacancy_id=booth.vacancy_id,
                booth=booth.booth,
                title=booth.title,
                employer=booth.employer,
                county=booth.county,
                openings=booth.openings,
                capacity=int(plan.capacity[index]),
                interviewers=int(plan.interviewers[index]),
                eligible=int(eligible_cols[index]),
                note=_vacancy_note(booth, int(eligible_cols[index])),
                shortlist=[
                    Interviewee(
                        person_id=entry.candidate_id,
                        name=by_id[entry.candidate_id].name,
                        id_number=by_id[entry.candidate_id].id_number,
                        county=by_id[entry.candidate_id].county,
                        slot=entry.slot,
                        start=times[entry.slot][0],
                        end=times[entry.slot][1],
                        interviewer=entry.interviewer + 1,
                        probability=round(entry.probability, PROBABILITY_DIGITS),
                    )
                    for entry in entries
                ],
            )
        )
    comparison = plan.comparison
    return PrematchResult(
        fair_id=run.fair_id,
        computed_at=run.computed_at,
        computed_by=run.computed_by,
        model_version=run.model_version,
        degraded=run.degraded,
        calibration=run.calibration,
        parameters=run.parameters,
        eligible_pairs=int(plan.problem.pair_candidate.size),
        lp_bound=float(comparison.lp_bound),
        no_eligible_share=float(comparison.no_eligible_share),
        ways=[_way(w) for w in (comparison.optimal, comparison.naive, plan.naive_best)],
        candidates=lines,
        vacancies=vacancy_lines,
    )


def _way(report: WayReport) -> WayFigures:
    return WayFigures(
        way=report.name,
        expected_hires=float(report.expected_hires),
        interviews=int(report.interviews),
        largest_queue=int(report.largest_queue),
        booths_over_capacity=int(report.booths_over_capacity),
        no_booth_share=float(report.no_booth_share),
    )


def _vacancy_note(info: VacancyInfo, eligible: int) -> str | None:
    if not info.is_open:
        return CLOSED_ZH
    notes = [note for note in (reservation_note(info.terms),) if note]
    if eligible == 0:
        notes.append(NO_CANDIDATE_ZH)
    return "；".join(notes) or None
