"""Courses beside jobs (issue 19 §4): the jobs answer names the open courses that teach what the
person's listed vacancies ask for and the person lacks, while vacancies are eligible."""

from __future__ import annotations

from datetime import UTC, date, datetime

from serving.runtime.lookups import CourseBrief, Lookups, VacancyDetail
from serving.runtime.models import ServedModel
from serving.services.recommend import recommend_jobs
from serving.services.skill_courses import skill_courses
from tests.api_models import city_snapshot

NOW = datetime(2026, 11, 28, tzinfo=UTC)
TODAY = date(2026, 11, 28)


def _lookups() -> Lookups:
    def course(cid: int, county: str, intake: date | None, *skills: str) -> CourseBrief:
        return CourseBrief(cid, f"课程{cid}", "基地", county, intake, list(skills))

    courses = [
        course(1, "371502", date(2027, 1, 5), "网店运营"),
        course(2, "371581", date(2026, 12, 10), "网店运营"),
        course(3, "371581", date(2027, 3, 1), "网店运营", "直播带货"),
        course(4, "371502", date(2026, 11, 1), "直播带货"),  # its intake has passed
        course(5, "371502", None, "缝纫"),  # teaches what the person holds already
    ]
    teaching: dict[str, list[CourseBrief]] = {}
    for brief in courses:
        for skill in brief.skills:
            teaching.setdefault(skill, []).append(brief)
    return Lookups(
        person_ids=frozenset({7}),
        person_counties={7: "371502"},
        vacancies={
            10: VacancyDetail("网店客服", "甲公司", [], ["网店运营", "缝纫"]),
            11: VacancyDetail("主播助理", "乙公司", [], ["直播带货"]),
            12: VacancyDetail("缝纫工", "丙公司", [], ["缝纫"]),
        },
        accommodations_needed={7: []},
        skills_held={7: ["缝纫"]},
        courses_teaching=teaching,
    )


def test_courses_that_unlock_more_come_first_then_the_own_county_then_the_intake() -> None:
    found = skill_courses(_lookups(), 7, "371502", [10, 11, 12], TODAY)
    assert [line.course.course_id for line in found] == [3, 1, 2]
    assert found[0].skills == ["网店运营", "直播带货"] and found[0].vacancies == [10, 11]
    assert found[1].skills == ["网店运营"] and found[1].vacancies == [10]
    advice = found[0].advice({10: "网店客服", 11: "主播助理"})
    assert "「课程3」" in advice and "网店运营、直播带货" in advice and "「网店客服」" in advice


def test_nothing_when_the_person_holds_what_the_list_asks_for() -> None:
    assert skill_courses(_lookups(), 7, "371502", [12], TODAY) == []
    assert len(skill_courses(_lookups(), 7, "371502", [10, 11, 12], TODAY, limit=1)) == 1


def test_the_jobs_answer_names_courses_beside_eligible_vacancies() -> None:
    snapshot = city_snapshot()
    lookups = snapshot.lookups
    rule = ServedModel("jobs", "rule", None, None)
    named = 0
    for person_id in sorted(lookups.skills_held)[:80]:
        answer = recommend_jobs(snapshot, rule, person_id, NOW)
        held = set(lookups.skills_held[person_id])
        listed = {line.vacancy_id for line in answer.lines}
        for item in answer.skill_courses:
            assert answer.lines, "courses beside jobs, not only when nothing is eligible"
            assert not set(item.skills) & held
            assert set(item.vacancies) <= listed
            for vacancy_id in item.vacancies:
                wanted = set(lookups.vacancies[vacancy_id].wanted)
                assert set(item.skills) & wanted
                assert not wanted & held  # under the rule: held down when none is held
            assert set(item.skills) <= set(item.course.skills)
            named += 1
    assert named > 0, "no person of the test city was offered a course beside their jobs"
