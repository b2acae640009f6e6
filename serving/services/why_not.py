"""为什么没有这个岗位？ Why a vacancy is not on a person's list: the hard rule that excluded it
(``features.exclusion``, the candidate rules themselves), the pre-selection that left it out, or
its rank among the candidates and the features that held it down (the same contributions the
reasons on every line come from). The API route and the person page both answer from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import polars as pl

from features.exclusion import RuleCheck, rule_check
from features.reasons import ability_statements
from features.request import job_matrix, job_request, person_row
from features.schema import JOB_FEATURE_SET
from matching.codes import ASSESSMENT_DIMENSIONS, VACANCY_STATUSES
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend import RULE_FEATURES, congestion_order, load_note
from serving.services.recommend_core import explain, reasons_of, standing
from training.baselines import job_rule_scores

__all__ = ["Verdict", "WhyNot", "why_not_job"]

Verdict = Literal["not_open", "excluded", "not_preselected", "ranked_low", "on_list"]
Rule = Literal["not_open", "age", "distance", "channel", "incapacity"]


@dataclass(frozen=True)
class WhyNot:
    vacancy_id: int
    title: str
    employer: str
    verdict: Verdict
    summary_zh: str
    rules: list[Rule] = field(default_factory=list)  # the hard rules that exclude it
    details_zh: list[str] = field(default_factory=list)  # one sentence per rule failed
    rank: int | None = None  # among the candidates, when it is one
    candidates: int | None = None
    shown: int = 10
    held_down: list[str] = field(default_factory=list)  # what pulled its score down
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)


def why_not_job(
    snapshot: ServingSnapshot,
    model: ServedModel,
    person_id: int,
    vacancy_id: int,
    at: datetime,
    k: int = 10,
) -> WhyNot | None:
    """The explanation for the person and the vacancy at ``at`` against a list of ``k`` lines
    (the recommendations page's length); None when the snapshot does not know the vacancy."""
    lookups, frames, context = snapshot.lookups, snapshot.frames, snapshot.context
    vacancy = lookups.vacancies.get(vacancy_id)
    if vacancy is None:
        return None
    names = JOB_FEATURE_SET.names
    fast = job_matrix(frames, person_id, at) if model.booster is not None else None
    rows, features = fast or (job_request(frames, person_id, at), None)
    found = (rows["vacancy_id"] == vacancy_id).arg_true()
    if found.len() > 0:
        index = int(found[0])
        served_order = congestion_order(snapshot, rows, features, names, k)
        where = standing(
            model, rows, names, job_rule_scores, index, features=features, order=served_order
        )
        reasons, cautions = explain(model, where.row, where.contributions, names, RULE_FEATURES)
        held_down = []
        if model.booster is not None:
            held_down = reasons_of(where.row, where.contributions, names, against_only=True)[1]
        if where.rank > where.plain_rank:  # the load on the post moved it down
            held_down.append(str(load_note(snapshot, where.row, where.plain_rank, where.rank)))
        needed = lookups.accommodations_needed.get(person_id, [])
        on_list = where.rank <= k
        summary = (
            f"该岗位已在推荐列表中，排第{where.rank}位（共{rows.height}个候选岗位）。"
            if on_list
            else f"该岗位符合各项硬性条件，在{rows.height}个候选岗位中排第{where.rank}位；"
            f"推荐列表只显示前{k}位。"
        )
        return WhyNot(
            vacancy_id=vacancy_id,
            title=vacancy.title,
            employer=vacancy.employer,
            verdict="on_list" if on_list else "ranked_low",
            summary_zh=summary,
            rank=where.rank,
            candidates=rows.height,
            shown=k,
            held_down=held_down,
            reasons=reasons,
            cautions=cautions,
            statements=ability_statements(where.row, vacancy.offered, needed),
        )
    person, _moment = person_row(frames, person_id, at)
    check = rule_check(context, person, vacancy_id)
    if check is None:
        status = _status(snapshot, vacancy_id)
        return WhyNot(
            vacancy_id=vacancy_id,
            title=vacancy.title,
            employer=vacancy.employer,
            verdict="not_open",
            summary_zh=f"该岗位目前不在招聘中（岗位状态：{status}），所以不会推荐。",
            rules=["not_open"],
            shown=k,
        )
    if check.passes:
        return WhyNot(
            vacancy_id=vacancy_id,
            title=vacancy.title,
            employer=vacancy.employer,
            verdict="not_preselected",
            summary_zh="该岗位符合各项硬性条件，但初步筛选时（按能力匹配、通勤、薪资、工作方式等"
            "粗略打分）与最合适的岗位相差较大，没有进入候选，因此没有参加排序。",
            shown=k,
        )
    rules, details = _failed(check)
    return WhyNot(
        vacancy_id=vacancy_id,
        title=vacancy.title,
        employer=vacancy.employer,
        verdict="excluded",
        summary_zh="该岗位不符合硬性条件，推荐时已被排除：" + "；".join(details) + "。",
        rules=rules,
        details_zh=details,
        shown=k,
    )


def _failed(check: RuleCheck) -> tuple[list[Rule], list[str]]:
    """The rules the pair fails and a sentence for each, in the order candidates apply them."""
    rules: list[Rule] = []
    details: list[str] = []
    if not check.open_now:
        rules.append("not_open")
        details.append("该岗位尚未开始招聘或已过报名截止日期")
    if not check.age_ok:
        low = f"{check.age_min}岁" if check.age_min is not None else "不限"
        high = f"{check.age_max}岁" if check.age_max is not None else "不限"
        rules.append("age")
        details.append(f"年龄不符：岗位要求年龄{low}至{high}，此人现年{check.age}岁")
    if not check.near:
        rules.append("distance")
        details.append(
            f"距离过远：工作地点约{round(check.distance_km)}公里，超出此人可接受的通勤范围"
            f"（约{round(check.reach_km)}公里）"
        )
    if not check.channel_ok:
        rules.append("channel")
        details.append("岗位渠道限制：" + "；".join(check.channel_reasons))
    if not check.able:
        labels = "、".join(ASSESSMENT_DIMENSIONS.label(d) for d in check.incapacities)
        rules.append("incapacity")
        details.append(
            f"能力差距过大：评估显示{labels or '部分能力'}明显低于岗位要求，"
            "单位提供的辅助措施也无法弥补"
        )
    return rules, details


def _status(snapshot: ServingSnapshot, vacancy_id: int) -> str:
    found = snapshot.context.vacancies.frame.filter(pl.col("vacancy_id") == vacancy_id)
    if found.height == 0 or "_status" not in found.columns:
        return "未知"
    code = str(found["_status"][0])
    return VACANCY_STATUSES.label(code) if code in VACANCY_STATUSES else code
