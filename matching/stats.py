"""The counts a newcomer checks first: who is registered, who employs, what was referred."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from matching import codes
from matching.codelist import CodeList
from matching.quota import quota_status, weighted_disabled_staff
from matching.storage import Base, Employer, Person, Referral, Vacancy


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: list[tuple[str, int]]


def _grouped(session: Session, column: object, labels: CodeList | None) -> list[tuple[str, int]]:
    query = select(column, func.count()).group_by(column).order_by(column)  # type: ignore[call-overload]
    counts = dict(session.execute(query).all())
    if labels is None:
        return [(str(key), count) for key, count in counts.items()]
    known = [(labels.label(code), counts.get(code, 0)) for code in labels.codes]
    unknown = [(str(key), count) for key, count in counts.items() if key not in labels]
    return known + unknown


TABLE_TITLES = {
    "persons": "登记人员",
    "assessments": "职业能力评估",
    "employers": "用人单位",
    "vacancies": "岗位",
    "training_bases": "培训基地",
    "courses": "培训课程",
    "fairs": "招聘会",
    "referrals": "推荐记录",
    "referral_events": "推荐进展事件",
    "graduate_ledgers": "毕业生台账",
    "ledger_follow_ups": "台账跟踪记录",
}


def table_counts(session: Session) -> list[tuple[str, int]]:
    return [
        (title, session.scalar(select(func.count()).select_from(Base.metadata.tables[name])) or 0)
        for name, title in TABLE_TITLES.items()
    ]


def city_stats(engine: Engine) -> list[Breakdown]:
    with Session(engine) as session:
        breakdowns = [
            Breakdown("总量", table_counts(session)),
            Breakdown("人员：县（市、区）", _grouped(session, Person.county, codes.COUNTIES)),
            Breakdown(
                "人员：残疾类别",
                _grouped(session, Person.disability_category, codes.DISABILITY_CATEGORIES),
            ),
            Breakdown(
                "人员：残疾等级",
                _grouped(session, Person.disability_level, codes.DISABILITY_LEVELS),
            ),
            Breakdown("用人单位：类型", _grouped(session, Employer.kind, codes.EMPLOYER_KINDS)),
            Breakdown("用人单位：按比例就业", _quota(session)),
            Breakdown("岗位：渠道", _grouped(session, Vacancy.channel, codes.VACANCY_CHANNELS)),
            Breakdown("岗位：状态", _grouped(session, Vacancy.status, codes.VACANCY_STATUSES)),
            Breakdown("岗位推荐：结果", _stages(session, job=True)),
            Breakdown("培训推荐：结果", _stages(session, job=False)),
        ]
    return breakdowns


def _quota(session: Session) -> list[tuple[str, int]]:
    counts = {"达到1.5%比例": 0, "未达比例": 0, "30人及以下": 0}
    query = select(
        Employer.staff_count,
        Employer.kind,
        Employer.is_school,
        Employer.disabled_staff_severe,
        Employer.disabled_staff_other,
    )
    for staff, kind, school, severe, other in session.execute(query):
        if staff <= 30:
            counts["30人及以下"] += 1
            continue
        weighted = weighted_disabled_staff(["1"] * severe + ["3"] * other)
        status = quota_status(staff, weighted, employer_kind=kind, is_school=school)
        counts["达到1.5%比例" if status.meets_quota else "未达比例"] += 1
    return list(counts.items())


def _stages(session: Session, *, job: bool) -> list[tuple[str, int]]:
    target = Referral.vacancy_id if job else Referral.course_id
    query = select(Referral.stage, func.count()).where(target.is_not(None)).group_by(Referral.stage)
    counts = dict(session.execute(query).all())
    stages = codes.OUTCOME_STAGES if job else codes.COURSE_STAGES
    return [(stages.label(code), counts.get(code, 0)) for code in stages.codes]
