"""Fair pre-matching as plain data: venue and reservation rules, one solved fair, the result's
JSON and the Excel workbook (no database, no HTTP)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from io import BytesIO

import numpy as np
import pytest
import scipy.sparse as sp  # type: ignore[import-untyped]
from openpyxl import load_workbook

from matching.errors import ValidationError
from matching.fair_plans import (
    SHEETS,
    CalibrationInfo,
    CandidateInfo,
    Day,
    PrematchResult,
    RunInfo,
    VacancyInfo,
    assemble,
    plan_fair,
    reservation_allows,
    venue_gaps,
    venue_reason,
)
from matching.fair_plans.excel import (
    CANDIDATE_HEADERS,
    COMPARISON_HEADERS,
    EMPLOYER_HEADERS,
    prematch_workbook,
)
from matching.fair_plans.rules import CandidateTerms, VacancyTerms, reservation_note
from matching.storage import Fair

CALIBRATION = CalibrationInfo("test", 100, 10, 10, 2, 1.0, -2.0, 0.5)


def test_the_venue_keeps_out_only_whom_it_cannot_serve() -> None:
    needs = ["step_free", "flexible_hours", "sign_interpreter"]
    assert venue_gaps(needs, ["step_free"], online=False) == ["sign_interpreter"]
    assert venue_gaps(needs, ["step_free", "sign_interpreter"], online=False) == []
    # Online, a missing ramp does not matter; the interpreter still does.
    assert venue_gaps(["step_free", "sign_interpreter"], [], online=True) == ["sign_interpreter"]
    assert venue_gaps(["flexible_hours"], [], online=False) == []  # a job need, not the fair's
    assert venue_reason(["step_free"]) == "会场无无障碍通道"
    assert venue_reason(["step_free", "transport"]) == "会场无无障碍通道、交通接送"


def test_reserved_posts_go_to_those_they_are_reserved_for() -> None:
    people = [
        CandidateTerms(has_certificate=True, employment_status="seeking", has_licence=True),
        CandidateTerms(has_certificate=False, employment_status="seeking", has_licence=False),
        CandidateTerms(has_certificate=True, employment_status="employed", has_licence=False),
    ]
    posts = [
        VacancyTerms(reserved_for_disabled=False, channel="open", wants_massage=False),
        VacancyTerms(reserved_for_disabled=True, channel="open", wants_massage=False),
        VacancyTerms(reserved_for_disabled=False, channel="kiosk", wants_massage=False),
        VacancyTerms(reserved_for_disabled=False, channel="public_welfare", wants_massage=False),
        VacancyTerms(reserved_for_disabled=False, channel="blind_massage", wants_massage=True),
    ]
    allowed = reservation_allows(people, posts)
    assert allowed.tolist() == [
        [True, True, True, True, True],
        [True, False, False, True, False],
        [True, True, True, False, False],
    ]
    assert reservation_allows([], posts).shape == (0, 5)
    assert reservation_note(posts[4]) == "盲人医疗按摩岗位需持盲人医疗按摩人员考试合格证"


def small_fair(seed: int = 7) -> tuple[list[int], list[int], sp.csr_array, list[int]]:
    """40 candidates × 8 vacancies, each candidate eligible for 2–6 of them."""
    rng = np.random.default_rng(seed)
    n_cand, n_vac = 40, 8
    p = np.zeros((n_cand, n_vac))
    for c in range(n_cand):
        chosen = rng.choice(n_vac, size=int(rng.integers(2, 7)), replace=False)
        p[c, chosen] = rng.uniform(0.01, 0.6, size=chosen.size)
    popular = np.argsort(-p.sum(axis=0))[:2]
    p[:, popular] = np.where(p[:, popular] > 0, p[:, popular] + 0.2, 0)  # everyone wants these
    capacity = rng.integers(2, 9, size=n_vac).tolist()
    return list(range(101, 101 + n_cand)), list(range(501, 501 + n_vac)), sp.csr_array(p), capacity


def test_a_solved_fair_keeps_every_limit_and_beats_the_naive_way() -> None:
    candidates, vacancies, probability, capacity = small_fair()
    plan = plan_fair(candidates, vacancies, probability, capacity, Day(max_booths=3, slots=6))
    table = plan.timetable
    load = np.bincount(table.vacancy, minlength=len(vacancies))
    assert np.all(load <= np.asarray(capacity)) and np.all(load <= plan.capacity)
    assert np.bincount(table.candidate).max() <= 3
    pairs = set(zip(table.candidate.tolist(), table.slot.tolist(), strict=True))
    assert len(pairs) == table.candidate.size  # no candidate twice in one slot
    desks = set(
        zip(table.vacancy.tolist(), table.slot.tolist(), table.interviewer.tolist(), strict=True)
    )
    assert len(desks) == table.vacancy.size  # no interviewer twice in one slot
    assert np.all(table.slot < 6)
    dense = probability.toarray()
    assert np.all(dense[table.candidate, table.vacancy] > 0)  # eligible pairs only
    optimal, naive = plan.comparison.optimal, plan.comparison.naive
    assert optimal.expected_hires >= naive.expected_hires
    assert optimal.expected_hires >= plan.naive_best.expected_hires
    assert optimal.expected_hires >= 0.99 * plan.comparison.lp_bound
    assert optimal.booths_over_capacity == 0 and naive.booths_over_capacity > 0


def test_interviewers_clip_the_capacity_and_booths_per_candidate_fit_the_day() -> None:
    candidates, vacancies, probability, _ = small_fair()
    plan = plan_fair(
        candidates, vacancies, probability, [20] * len(vacancies), Day(slots=2, interviewers=1)
    )
    assert plan.capacity.tolist() == [2] * len(vacancies)  # 2 slots × 1 interviewer
    assert plan.problem.max_booths_per_candidate == 2  # a third booth would need a third slot
    assert np.bincount(plan.timetable.candidate).max() <= 2


def test_a_day_past_midnight_or_out_of_range_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        Day(slots=48, slot_minutes=30, start=time(9, 0))
    assert refused.value.code == "fair_day" and "午夜" in refused.value.message_zh
    for wrong in ({"max_booths": 0}, {"slots": 0}, {"slot_minutes": 4}, {"interviewers": 0}):
        with pytest.raises(ValidationError):
            Day(**wrong)  # type: ignore[arg-type]


def solved() -> PrematchResult:
    candidates, vacancies, probability, capacity = small_fair()
    infos = [
        CandidateInfo(
            pid, f"求职者{pid}", "371502********1234", "371502" if pid % 2 else "371581",
            CandidateTerms(True, "seeking", False), (),
        )
        for pid in candidates
    ]  # fmt: skip
    booths = [
        VacancyInfo(
            vid, f"{vid - 500:02d}", f"岗位{vid}", "聊城某公司", "371502", 2, 8,
            VacancyTerms(vid == 501, "open", False), vid != 508,
        )
        for vid in vacancies
    ]  # fmt: skip
    plan = plan_fair(candidates, vacancies, probability, capacity, Day())
    run = RunInfo(
        1, datetime(2026, 11, 28, 9, tzinfo=UTC), "organiser", "champion:1", False, CALIBRATION, {}
    )
    reasons = {
        (candidates[c], vacancies[v]): ["距离较近"]
        for c, v in zip(plan.assignment.candidate, plan.assignment.vacancy, strict=True)
    }
    return assemble(
        run, plan, infos, booths, blocked={0: ("venue", "会场无无障碍通道")}, reasons=reasons
    )


def test_every_candidate_has_a_line_and_every_shortlist_is_in_time_order() -> None:
    result = solved()
    assert len(result.candidates) == 40 and len(result.vacancies) == 8
    assert (
        result.candidates[0].status == "venue" and result.candidates[0].note == "会场无无障碍通道"
    )
    for line in result.candidates[1:]:
        assert (line.status == "scheduled") == bool(line.booths)
        assert line.note is None if line.booths else line.note
        assert all(b.reasons == ["距离较近"] for b in line.booths)
        assert [b.slot for b in line.booths] == sorted(b.slot for b in line.booths)
    for booth in result.vacancies:
        assert len(booth.shortlist) <= booth.capacity
        assert [(i.slot, i.interviewer) for i in booth.shortlist] == sorted(
            (i.slot, i.interviewer) for i in booth.shortlist
        )
    assert result.vacancies[0].note == "残疾人专岗，需持残疾人证"
    assert result.vacancies[-1].note == "岗位已不在招聘中"


def test_the_result_survives_json_and_narrows_to_the_persons_one_may_see() -> None:
    result = solved()
    assert PrematchResult.from_json(result.to_json()) == result
    odd = {c.person_id for c in result.candidates if c.person_id % 2}
    narrowed = result.for_persons(odd)
    assert {c.person_id for c in narrowed.candidates} == odd
    assert all(i.person_id in odd for v in narrowed.vacancies for i in v.shortlist)
    assert narrowed.ways == result.ways  # aggregates are the fair's


def test_the_workbook_has_the_chinese_sheets_and_headers() -> None:
    result = solved()
    fair = Fair(
        id=1, name="测试招聘会", held_on=date(2026, 12, 5), venue="残联大厅", county="371502"
    )
    book = load_workbook(BytesIO(prematch_workbook(fair, result)))
    assert tuple(book.sheetnames) == SHEETS == ("候选人安排", "企业面试名单", "对比")
    for title, headers in zip(
        SHEETS, (CANDIDATE_HEADERS, EMPLOYER_HEADERS, COMPARISON_HEADERS), strict=True
    ):
        assert tuple(cell.value for cell in book[title][1]) == headers
    visits = sum(max(1, len(c.booths)) for c in result.candidates)
    assert book["候选人安排"].max_row == 1 + visits
    ways = [row[0].value for row in book["对比"].iter_rows(min_row=2, max_row=4)]
    assert ways == ["预匹配（本系统）", "自由排队（先到先面）", "自由排队（展位择优面试）"]
