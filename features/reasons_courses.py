"""Phrases for the course and person–course pair features of the courses ranker.

Same contract as :mod:`features.reasons_jobs`: whole row in, direction in, a short Chinese phrase
or None out. A caution never argues against training a person, it only tells the counselor what
to check (distance, places, past results).
"""

from __future__ import annotations

from features.reasons_format import (
    DIMENSIONS,
    PhraseFn,
    Row,
    ability,
    commute_km,
    commute_range,
    count,
    margin_phrase,
    num,
    percent,
    share,
    similarity_phrase,
    trip_text,
    worst_dimension,
    yuan,
)

SHORT_COURSE_DAYS = 30
SMALL_CLASS = 10  # places per intake at or below this are a caution
GOOD_RATE = 0.5  # past completion/job rates from which the rate is a reason for


def _worst_margin(row: Row, supportive: bool) -> str | None:
    margin = num(row, "y_worst_margin")
    if margin is None or (margin >= 0) != supportive:
        return None
    if supportive:
        return "课程对应职业与能力相符"
    worst = worst_dimension(row, "y_margin_")
    return f"{ability(worst)}低于课程对应职业要求" if worst else "课程对应职业与能力有差距"


def _duration(row: Row, supportive: bool) -> str | None:
    days = count(row, "c_duration_days")
    if days is None or days < 1:
        return None
    if supportive:
        return f"培训周期短，约{days}天" if days <= SHORT_COURSE_DAYS else f"培训周期约{days}天"
    return f"培训周期较长，约{days}天" if days > SHORT_COURSE_DAYS else None


def _capacity(row: Row, supportive: bool) -> str | None:
    places = count(row, "c_capacity")
    if places is None or places < 1:
        return None
    if supportive:
        return f"每期招收{places}人" if places > SMALL_CLASS else None
    return f"每期仅招{places}人" if places <= SMALL_CLASS else None


def _accessibility(row: Row, supportive: bool) -> str | None:
    provisions = count(row, "c_accessibility")
    if provisions is None or (provisions > 0) != supportive:
        return None
    return f"课程提供无障碍支持{provisions}项" if supportive else "课程未登记无障碍支持"


def _subsidy(feature: str, name: str) -> PhraseFn:
    def phrase(row: Row, supportive: bool) -> str | None:
        amount = num(row, feature)
        if amount is None or amount < 0 or (amount > 0) != supportive:
            return None
        return f"{name}{yuan(amount)}" if supportive else f"无{name}"

    return phrase


def _enrolled(row: Row, supportive: bool) -> str | None:
    enrolled = count(row, "c_past_enrolled")
    if enrolled is None or (enrolled > 0) != supportive:
        return None
    return f"已有{enrolled}人参加过该课程" if supportive else "新开课程，暂无往期学员"


def _rate(feature: str, what: str) -> PhraseFn:
    def phrase(row: Row, supportive: bool) -> str | None:
        rate = share(row, feature)
        if rate is None or (rate >= GOOD_RATE) != supportive:
            return None
        return f"{what}约{percent(rate, 0)}" if supportive else f"{what}仅约{percent(rate, 0)}"

    return phrase


def _coverage(row: Row, supportive: bool) -> str | None:
    coverage = share(row, "y_accessibility_coverage")
    if coverage is None or count(row, "p_accommodations_needed") == 0:
        return None
    if supportive:
        if coverage >= 1:
            return "课程可提供所需无障碍支持"
        return "课程可提供部分所需无障碍支持" if coverage > 0 else None
    if coverage >= 1:
        return None
    return "课程不提供所需无障碍支持" if coverage == 0 else "课程无障碍支持不完全满足需要"


def _new_skills(row: Row, supportive: bool) -> str | None:
    skills = count(row, "y_new_skills")
    if skills is None or (skills > 0) != supportive:
        return None
    return f"可学到新技能{skills}项" if supportive else "课程所教技能多已掌握"


def _distance(row: Row, supportive: bool) -> str | None:
    km = commute_km(row, "y", supportive)
    if km is None:
        return None
    trip = trip_text(km).removeprefix("距离")
    return f"离培训基地{trip}" if supportive else f"离培训基地较远，{trip}"


def _commute_ratio(row: Row, supportive: bool) -> str | None:
    return commute_range(row, "y", supportive, place="培训基地")


def _congestion(row: Row, supportive: bool) -> str | None:
    per_place = num(row, "y_congestion")
    if per_place is None or per_place < 0:
        return None
    if supportive:
        return "课程名额较充足" if per_place < 0.5 else None
    return "该课程已推荐人数较多，名额紧张" if per_place >= 1 else None


COURSE_PHRASES: dict[str, PhraseFn] = {
    **{f"y_margin_{d}": margin_phrase("y_margin_", d, "课程对应职业要求") for d in DIMENSIONS},
    "c_duration_days": _duration,
    "c_capacity": _capacity,
    "c_accessibility": _accessibility,
    "c_fee_subsidy": _subsidy("c_fee_subsidy", "培训补贴"),
    "c_living_subsidy": _subsidy("c_living_subsidy", "生活补贴"),
    "c_past_enrolled": _enrolled,
    "c_past_completion_rate": _rate("c_past_completion_rate", "往期结业率"),
    "c_past_job_rate": _rate("c_past_job_rate", "结业学员就业率"),
    "y_worst_margin": _worst_margin,
    "y_accessibility_coverage": _coverage,
    "y_new_skills": _new_skills,
    "y_text_similarity": similarity_phrase("y_text_similarity", "课程"),
    "y_distance_km": _distance,
    "y_commute_ratio": _commute_ratio,
    "y_congestion": _congestion,
}
