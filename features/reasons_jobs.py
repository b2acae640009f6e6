"""Phrases for the person–vacancy pair features (``x_*``) of the jobs ranker.

Each function takes the whole feature row and the direction (True: a reason for the vacancy,
False: a caution) and returns a short Chinese phrase, or None when the value says nothing in that
direction. The vacancy's own features are phrased in :mod:`features.reasons_vacancy`.
"""

from __future__ import annotations

from features.reasons_format import (
    DIMENSIONS,
    PhraseFn,
    Row,
    ability,
    caution_phrase,
    code_label,
    commute_km,
    commute_range,
    count,
    decimal_text,
    either_phrase,
    flag,
    margin_phrase,
    num,
    percent,
    share,
    similarity_phrase,
    trip_text,
    worst_dimension,
    yes_phrase,
)
from matching import codes

PAY_SAME = 0.05  # pay within ±5% of the expectation counts as equal
HOME = "居家就业，无需通勤"


SHORTFALL_SHOWN = 0.05  # points of shortfall below which the fit reads as complete


def congestion_note(
    referred: int, openings: int, *, item: str = "岗位", places: str = "招", since: str = ""
) -> str | None:
    """The note "该岗位已推荐12人（招3人）" once referrals reach the openings, else None.

    A course counts recent referrals against one intake: "该课程近90天已推荐40人（每期招30人）"
    (``item="课程", places="每期招", since="近90天"``).
    """
    try:
        referred, openings = int(referred), int(openings)
    except (TypeError, ValueError, OverflowError):
        return None
    if referred < 1:
        return None
    told = f"该{item}{since}已推荐{referred}人"
    if openings < 1:
        return told
    return f"{told}（{places}{openings}人）" if referred >= openings else None


def _worst_margin(row: Row, supportive: bool) -> str | None:
    margin = num(row, "x_worst_margin")
    if margin is None or (margin >= 0) != supportive:
        return None
    if supportive:
        return "各项能力均满足岗位要求"
    worst = worst_dimension(row, "x_margin_")
    return f"部分能力低于岗位要求，如{ability(worst)}" if worst else "部分能力低于岗位要求"


def _still_short(row: Row) -> str:
    short = count(row, "x_dimensions_short")
    return f"提供便利后仍有{short}项能力不足" if short else "提供便利后仍有能力差距"


def _worst_accommodated(row: Row, supportive: bool) -> str | None:
    margin = num(row, "x_worst_margin_accommodated")
    if margin is None or (margin >= 0) != supportive:
        return None
    if not supportive:
        return _still_short(row)
    raw = num(row, "x_worst_margin")
    return (
        "单位提供的便利可弥补能力差距" if raw is not None and raw < 0 else "各项能力均满足岗位要求"
    )


def _dimensions_short(row: Row, supportive: bool) -> str | None:
    short = count(row, "x_dimensions_short")
    if short is None or (short == 0) != supportive:
        return None
    return "考虑便利后各项能力均满足要求" if supportive else _still_short(row)


def _shortfall(row: Row, supportive: bool) -> str | None:
    points = num(row, "x_shortfall_accommodated")
    if points is None or points < 0 or (points < SHORTFALL_SHOWN) != supportive:
        return None
    if supportive:
        return "考虑便利后各项能力均满足要求"
    return f"提供便利后能力差距合计{decimal_text(points)}分"


def _coverage(row: Row, supportive: bool) -> str | None:
    needed = count(row, "p_accommodations_needed")
    coverage = share(row, "x_accommodation_coverage")
    if coverage is None or needed == 0:
        return None
    if coverage >= 1:
        return "所需合理便利单位均可提供" if supportive else None
    if coverage == 0:
        return None if supportive else "单位未提供所需合理便利"
    given = round(coverage * needed) if needed else 0
    if needed is None or not 0 < given < needed:
        return "单位可提供部分所需便利" if supportive else "部分所需便利单位未提供"
    if supportive:
        return f"所需便利单位可提供{given}项（共{needed}项）"
    return f"尚有{needed - given}项所需便利单位未提供"


def _skills(row: Row, supportive: bool) -> str | None:
    held = count(row, "x_skills_overlap")
    if held is None or (held > 0) != supportive:
        return None
    return f"具备岗位所需技能{held}项" if supportive else "暂不具备岗位所需技能"


def is_home_based(row: Row) -> bool:
    mode = num(row, "v_work_mode")
    return bool(flag(row, "v_home_based")) or mode == codes.WORK_MODES.codes.index("home_based")


def _distance(row: Row, supportive: bool) -> str | None:
    if is_home_based(row):
        return HOME if supportive else None
    km = commute_km(row, "x", supportive)
    if km is None:
        return None
    same = flag(row, "x_same_county")
    if supportive:
        return f"{'同县，' if same else ''}{trip_text(km)}"
    return f"{'跨县，' if same is False else ''}{trip_text(km)}"


def _commute_ratio(row: Row, supportive: bool) -> str | None:
    phrase = commute_range(row, "x", supportive)
    if phrase is not None and is_home_based(row):
        return HOME if supportive else None
    return phrase


def _same_county(row: Row, supportive: bool) -> str | None:
    same = flag(row, "x_same_county")
    if same is None or same != supportive:
        return None
    if is_home_based(row):
        return HOME if supportive else None
    km = num(row, "x_distance_km")
    if km is None or km < 0:
        return "岗位在本县" if same else "岗位不在本县"
    return f"{'同县' if same else '跨县'}，{trip_text(km)}"


# ``whose``: said before what is the person's (期望, 可承受, 意愿) where the reader may not take it
# for the person's own: "本人" on a vacancy's list of candidates (``features.reasons_candidates``).


def pay_vs_expectation(row: Row, supportive: bool, *, whose: str = "") -> str | None:
    ratio = num(row, "x_pay_vs_expectation")
    if ratio is None or (ratio > -PAY_SAME) != supportive:
        return None
    if not supportive:
        return f"月薪低于{whose}期望约{percent(min(-ratio, 1), 0)}"
    if ratio < PAY_SAME:
        return f"月薪与{whose}期望相当"
    return f"月薪高于{whose}期望约{percent(ratio, 0)}" if ratio <= 2 else f"月薪远高于{whose}期望"


def hours_excess(row: Row, supportive: bool, *, whose: str = "") -> str | None:
    excess = num(row, "x_hours_excess")
    if excess is None or (excess <= 0) != supportive:
        return None
    if supportive:
        return f"每日工时在{whose}可承受范围内"
    half_hours = round(excess * 2) / 2
    return (
        f"每日工时超出{whose}可承受时长{decimal_text(half_hours)}小时"
        if half_hours
        else f"每日工时略超{whose}可承受时长"
    )


def mode_fit(row: Row, supportive: bool, *, whose: str = "") -> str | None:
    fit, mode = flag(row, "x_mode_fit"), code_label(codes.WORK_MODES, row, "v_work_mode")
    if fit is None or fit != supportive:
        return None
    if supportive:
        return f"工作方式符合{whose}意愿（{mode}）" if mode else f"工作方式符合{whose}意愿"
    return f"工作方式（{mode}）与{whose}意愿不符" if mode else f"工作方式与{whose}意愿不符"


def _congestion(row: Row, supportive: bool) -> str | None:
    per_opening = num(row, "x_congestion")
    if per_opening is None or per_opening < 0:
        return None
    if supportive:
        if per_opening >= 0.5:
            return None
        return "尚无人推荐，竞争较小" if per_opening == 0 else "已推荐人数少，竞争较小"
    if per_opening < 1:
        return None
    openings = count(row, "v_openings")
    note = congestion_note(round(per_opening * openings), openings) if openings else None
    return note or "已推荐人数较多，竞争较大"


PAIR_PHRASES: dict[str, PhraseFn] = {
    **{f"x_margin_{d}": margin_phrase("x_margin_", d, "岗位要求") for d in DIMENSIONS},
    "x_worst_margin": _worst_margin,
    "x_worst_margin_accommodated": _worst_accommodated,
    "x_dimensions_short": _dimensions_short,
    "x_shortfall_accommodated": _shortfall,
    "x_toilet_missing": caution_phrase("x_toilet_missing", "单位未提供所需的无障碍卫生间"),
    "x_massage_unlicensed": caution_phrase(
        "x_massage_unlicensed", "岗位要求盲人医疗按摩资格，本人未登记该技能"
    ),
    "x_accommodation_coverage": _coverage,
    "x_skills_overlap": _skills,
    "x_text_similarity": similarity_phrase("x_text_similarity", "岗位"),
    "x_distance_km": _distance,
    "x_commute_ratio": _commute_ratio,
    "x_same_county": _same_county,
    "x_pay_vs_expectation": pay_vs_expectation,
    "x_hours_excess": hours_excess,
    "x_mode_fit": mode_fit,
    "x_education_ok": either_phrase(
        "x_education_ok", "文化程度符合岗位要求", "文化程度未达岗位要求"
    ),
    "x_graduate_match": yes_phrase("x_graduate_match", "面向高校毕业生的岗位"),
    "x_congestion": _congestion,
}
