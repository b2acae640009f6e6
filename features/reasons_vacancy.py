"""Phrases for the vacancy features (``v_*``) of the jobs ranker.

Same contract as :mod:`features.reasons_jobs`. The employer's quota position is only ever stated
as a fact: it is a secondary signal and never a reason to take a worse-fitting job.
"""

from __future__ import annotations

from features.reasons_format import (
    DIMENSIONS,
    QUOTA_SHARE,
    QUOTA_TEXT,
    PhraseFn,
    Row,
    code_at,
    code_label,
    count,
    decimal_text,
    either_phrase,
    flag,
    num,
    percent,
    share,
    yes_phrase,
)
from features.reasons_jobs import HOME, hours_excess, mode_fit, pay_vs_expectation
from features.vacancy import typical_rate
from matching import codes

LONG_DAY_HOURS = 8.0
CHANNEL_TEXT = {
    "kiosk": "邮政报刊亭岗位，残疾人优先",
    "lottery": "彩票销售网点，残疾人优先",
    "tobacco": "烟草零售许可，残疾人优先",
    "public_welfare": "公益性岗位",
    "auxiliary": "辅助性就业岗位",
    "blind_massage": "盲人按摩岗位",
}


def _demand(dimension: str) -> PhraseFn:
    label = codes.ASSESSMENT_DIMENSIONS.label(dimension)

    def phrase(row: Row, supportive: bool) -> str | None:
        demand = num(row, f"v_demand_{dimension}")
        if demand is None:
            return None
        if not supportive:
            return f"岗位对{label}要求较高" if demand >= 3 else None
        if demand <= 0:
            return f"岗位对{label}无要求"
        return f"岗位对{label}要求不高" if demand <= 2 else None

    return phrase


def _pay(row: Row, supportive: bool) -> str | None:
    if not supportive:
        return pay_vs_expectation(row, False)
    pays = [p for p in (num(row, "v_pay_min"), num(row, "v_pay_max")) if p is not None and p > 0]
    if len(pays) == 2 and pays[1] > pays[0]:
        return f"月薪{round(pays[0])}-{round(pays[1])}元"
    return f"月薪{round(pays[0])}元" if pays else None


def _hours(row: Row, supportive: bool) -> str | None:
    hours = num(row, "v_hours")
    if hours is None or not 0 < hours <= 24:
        return None
    if supportive:
        return f"每日工作{decimal_text(hours)}小时" if hours <= LONG_DAY_HOURS else None
    excess = hours_excess(row, False)
    if excess is None and hours > LONG_DAY_HOURS:
        return f"每日工作{decimal_text(hours)}小时，工时较长"
    return excess


def _work_mode(row: Row, supportive: bool) -> str | None:
    mode, fit = code_label(codes.WORK_MODES, row, "v_work_mode"), flag(row, "x_mode_fit")
    if mode is None:
        return None
    if fit is not None:
        return mode_fit(row, supportive)
    return f"工作方式：{mode}" if supportive else f"工作方式为{mode}"


def _employer_kind(row: Row, supportive: bool) -> str | None:
    kind = code_label(codes.EMPLOYER_KINDS, row, "v_employer_kind")
    return f"用人单位为{kind}" if supportive and kind else None


def _channel(row: Row, supportive: bool) -> str | None:
    channel = code_at(codes.VACANCY_CHANNELS, row, "v_channel")
    return CHANNEL_TEXT.get(channel) if supportive and channel else None


def _graduate_oriented(row: Row, supportive: bool) -> str | None:
    if not flag(row, "v_graduate_oriented"):
        return None
    if supportive:
        return "面向高校毕业生的岗位"
    return "岗位主要面向高校毕业生" if flag(row, "p_graduate") is False else None


def _openings(row: Row, supportive: bool) -> str | None:
    openings = count(row, "v_openings")
    if openings is None or openings < 1:
        return None
    if supportive:
        return f"招聘{openings}人" if openings >= 2 else None
    return "仅招1人" if openings == 1 else None


def _offered(row: Row, supportive: bool) -> str | None:
    offered = count(row, "v_accommodations_offered")
    if offered is None or (offered > 0) != supportive:
        return None
    return f"单位提供{offered}项合理便利" if supportive else "单位未登记可提供的合理便利"


def _quota(row: Row, supportive: bool) -> str | None:
    """Stated as a fact in either direction; it never argues for a worse-fitting job.

    Without a staff count (0 or negative) the rate and gap mean nothing; when the rate and the gap
    disagree about the quota being met, nothing is said either.
    """
    staff = num(row, "v_employer_staff")
    if staff is not None and staff <= 0:
        return None
    rate, gap = share(row, "v_employer_disabled_rate"), num(row, "v_employer_quota_gap")
    verdicts = set()
    if rate is not None:
        verdicts.add(rate < QUOTA_SHARE)
    if gap is not None:
        verdicts.add(gap > 0)
    if len(verdicts) != 1:
        return None
    below = verdicts.pop()
    if not (below or supportive):
        return None
    status = f"未达{QUOTA_TEXT}" if below else f"已达{QUOTA_TEXT}"
    if rate is None:
        return f"单位残疾人就业比例{status}"
    # a rate just under the quota would print as "1.5%": give it a second decimal
    shown = percent(rate, 2 if below and percent(rate) == QUOTA_TEXT else 1)
    return f"单位残疾人就业比例{shown}，{status}"


def _employer_record(row: Row, supportive: bool) -> str | None:
    hires, referrals = count(row, "v_employer_past_hires"), count(row, "v_employer_past_referrals")
    if supportive:
        return f"该单位曾录用残疾人{hires}人" if hires else None
    return f"此前推荐{referrals}人，该单位均未录用" if hires == 0 and referrals else None


def _days_open(row: Row, supportive: bool) -> str | None:
    days = count(row, "v_days_open")
    if days is None:
        return None
    if supportive:
        return "新发布的岗位" if days <= 7 else None
    return f"岗位已发布{days}天，建议先确认是否在招" if days >= 60 else None


def _deadline(row: Row, supportive: bool) -> str | None:
    days = num(row, "v_days_to_deadline")
    if days is None:
        return None
    if supportive:
        return f"距报名截止还有{round(days)}天" if days > 7 else None
    if days < 0:
        return "已过报名截止日期"
    if days < 1:
        return "今日报名截止"
    return f"距报名截止仅剩{round(days)}天" if days <= 7 else None


def _history_rate(feature: str, what: str) -> PhraseFn:
    """A smoothed rate of the referral history against the city's typical rate: above it is a
    reason, below it a caution, equal to it (no history yet) says nothing."""
    typical = typical_rate(feature)

    def phrase_of(row: Row, supportive: bool) -> str | None:
        rate = num(row, feature)
        if rate is None or rate == typical:
            return None
        above = rate > typical
        if above != supportive:
            return None
        return f"{what}{'高于' if above else '低于'}全市平均"

    return phrase_of


RATE_WORDS = {
    "v_employer_apply_rate": "以往推荐到该单位的人投递简历的比例",
    "v_employer_interview_rate": "该单位以往面试推荐人选的比例",
    "v_employer_hire_rate": "该单位以往录用推荐人选的比例",
    "v_employer_interviews_per_apply": "该单位收到简历后安排面试的比例",
    "v_apply_rate": "此岗位以往被推荐者投递简历的比例",
    "v_interview_rate": "此岗位以往被推荐者获得面试的比例",
}


VACANCY_PHRASES: dict[str, PhraseFn] = {
    **{f"v_demand_{d}": _demand(d) for d in DIMENSIONS},
    "v_pay_min": _pay,
    "v_pay_max": _pay,
    "v_hours": _hours,
    "v_work_mode": _work_mode,
    "v_home_based": either_phrase("v_home_based", HOME, "需到单位上班（非居家）"),
    "v_part_time": either_phrase("v_part_time", "非全日制岗位，时间较灵活", "全日制岗位"),
    "v_employer_kind": _employer_kind,
    "v_channel": _channel,
    "v_reserved": yes_phrase("v_reserved", "残疾人专岗"),
    "v_graduate_oriented": _graduate_oriented,
    "v_openings": _openings,
    "v_accommodations_offered": _offered,
    "v_employer_quota_gap": _quota,
    "v_employer_disabled_rate": _quota,
    "v_employer_past_hires": _employer_record,
    "v_employer_past_referrals": _employer_record,
    **{feature: _history_rate(feature, what) for feature, what in RATE_WORDS.items()},
    "v_days_open": _days_open,
    "v_days_to_deadline": _deadline,
}
