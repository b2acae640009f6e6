"""Courses beside jobs (issue 19 §4): when a person's best vacancies are held down by skills the
person does not hold and an open course teaches them, the jobs answer names the course, whether
or not other vacancies are eligible.

The vacancies are the lines of the person's list that the skills in common hold down: the
model's contribution of ``x_skills_overlap`` is negative (under the rule ranking: the person
holds none of the skills the line asks for; ``serving.services.recommend``). A course is
offered when it teaches at least one skill that one of them asks for and the person's latest
assessment does not list.
Courses that unlock more of the list come first, then those of the person's own county, then
the earliest intake; a course whose intake has passed is left out. A person never assessed
holds no recorded skill, so every skill a line asks for counts as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from serving.runtime.lookups import CourseBrief, Lookups

__all__ = ["SKILL_COURSES", "SkillCourse", "skill_courses"]

SKILL_COURSES = 3


@dataclass
class SkillCourse:
    course: CourseBrief
    skills: list[str] = field(default_factory=list)  # missing skills it teaches, list order
    vacancies: list[int] = field(default_factory=list)  # the lines that ask for them

    def advice(self, titles: dict[int, str]) -> str:
        """The sentence the counselor reads, e.g. 参加「电子商务就业技能培训班」可学到网店运营…"""
        skills = "、".join(self.skills)
        jobs = "、".join(f"「{titles[v]}」" for v in self.vacancies[:3])
        more = f"等{len(self.vacancies)}个" if len(self.vacancies) > 3 else ""
        return (
            f"参加「{self.course.title}」可学到{skills}；推荐列表中的{jobs}{more}岗位要求这些技能，"
            "本人目前的评估记录中没有。"
        )


def skill_courses(
    lookups: Lookups,
    person_id: int,
    county: str | None,
    vacancy_ids: Sequence[int],
    today: date,
    limit: int = SKILL_COURSES,
) -> list[SkillCourse]:
    """Open courses that teach what the person's listed vacancies ask for and the person lacks."""
    held = set(lookups.skills_held.get(person_id, []))
    found: dict[int, SkillCourse] = {}
    for vacancy_id in vacancy_ids:
        detail = lookups.vacancies.get(vacancy_id)
        if detail is None:
            continue
        for skill in detail.wanted:
            if skill in held:
                continue
            for course in lookups.courses_teaching.get(skill, []):
                if course.next_intake is not None and course.next_intake < today:
                    continue
                line = found.setdefault(course.course_id, SkillCourse(course))
                if skill not in line.skills:
                    line.skills.append(skill)
                if vacancy_id not in line.vacancies:
                    line.vacancies.append(vacancy_id)

    def order(line: SkillCourse) -> tuple[int, bool, date, int]:
        intake = line.course.next_intake or date.max
        return (-len(line.vacancies), line.course.county != county, intake, line.course.course_id)

    return sorted(found.values(), key=order)[:limit]
