"""一人一策 ledgers of the synthetic graduates, with follow-up contacts since leaving school.

Case workers call or visit about every one to three months (*assumption*), some fall behind,
so the 离校不断线 worklist (graduates without work not contacted lately) has real entries.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

LEAVING_DAY = (7, 1)  # Chinese universities graduate at the start of July
ACTIONS = {
    "phone": ("电话回访，了解求职进展", "电话告知近期招聘会信息"),
    "visit": ("上门走访，了解家庭和就业需求", "入户宣讲残疾人就业扶持政策"),
    "wechat": ("微信推送适合的岗位信息", "微信沟通简历修改意见"),
    "in_office": ("来访咨询，进行职业指导", "来访登记，参加技能培训报名"),
    "online": ("线上职业测评与指导", "线上参加毕业生专场招聘会"),
}
RESULTS = (
    "有求职意向，继续跟进",
    "已投递简历",
    "暂无求职意愿",
    "正在准备考试",
    "已参加面试，等待结果",
)


def graduate_ledgers(
    rng: np.random.Generator, persons: pl.DataFrame, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    graduates = persons.filter(pl.col("is_graduate"))
    ledgers, follow_ups = [], []
    for ledger_id, person in enumerate(graduates.iter_rows(named=True), start=1):
        left = date(person["graduation_year"], *LEAVING_DAY)
        status = _status(rng, person["employment_status"], left, as_of)
        services = ["policy_briefing", "career_guidance", "job_referral"]
        if rng.random() < 0.4:
            services.append("skills_training")
        if status == "unemployed" and rng.random() < 0.2:
            services.append("public_welfare_post")
        ledgers.append(
            {
                "id": ledger_id,
                "person_id": person["id"],
                "county": person["county"],
                "school": person["school"],
                "major": person["major"],
                "graduation_year": person["graduation_year"],
                "needs": "需要无障碍工作环境和岗位推荐",
                "intended_services": services,
                "status": status,
                "case_worker_id": None,
            }
        )
        day = min(left, as_of) - timedelta(days=int(rng.integers(30, 120)))
        lapse = rng.random() < 0.25  # contact lapsed some months ago
        stop = as_of - timedelta(days=int(rng.integers(90, 240))) if lapse else as_of
        while True:
            day += timedelta(days=int(rng.integers(25, 95)))
            if day > stop:
                break
            channel = str(rng.choice(list(ACTIONS)))
            follow_ups.append(
                {
                    "ledger_id": ledger_id,
                    "contacted_on": day,
                    "user_id": None,
                    "channel": channel,
                    "action": str(rng.choice(ACTIONS[channel])),
                    "result": str(rng.choice(RESULTS)),
                }
            )
    follow = pl.DataFrame(follow_ups) if follow_ups else pl.DataFrame()
    if follow.height:
        follow = follow.with_row_index("id", offset=1).with_columns(pl.col("id").cast(pl.Int64))
    return pl.DataFrame(ledgers), follow


def _status(rng: np.random.Generator, employment: str, left: date, as_of: date) -> str:
    if as_of < left:
        return "in_school"
    if employment == "employed":
        return "employed"
    if employment == "flexible":
        return "flexible"
    return str(rng.choice(["unemployed", "further_study", "public_welfare"], p=[0.8, 0.12, 0.08]))
