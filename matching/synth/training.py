"""Synthetic vocational training bases for persons with disabilities and their courses.

The 2023 plan requires at least one training base per county (市、区) offering employment-skills,
on-the-job upgrade and start-up courses with fee and living subsidies; the trades are the ones
it names (e-commerce, 直播带货, blind massage, 东昌葫芦 and other 山东手造 crafts, planting and
breeding …). Each course teaches the skills of one occupation from ``skills.skills_for``, the
vocabulary vacancies ask for, so a course can close a vacancy's skill gap. Subsidy amounts and
durations are *assumptions*; money is whole yuan in Float64 (exact as Decimal). The hidden
``quality`` of a course goes into a separate latent frame only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from matching.codes import ACCOMMODATIONS, COUNTIES
from matching.geo import PLACES, population_weights, sample_points
from matching.synth.employer_names import TOWNS, street_addresses
from matching.synth.skills import START_UP_SKILL, skills_for

__all__ = ["BASE_COLUMNS", "COURSE_COLUMNS", "TOPICS", "generate_training"]

BASE_COLUMNS = ("id", "code", "name", "county", "address", "accessibility", "latitude", "longitude")
COURSE_COLUMNS = (
    "id", "code", "base_id", "title", "occupation_code", "description", "skills", "duration_days",
    "next_intake", "capacity", "accessibility", "fee_subsidy", "living_subsidy", "status",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Topic:
    title: str
    occupation: str
    bases: str  # base types that teach it
    days: tuple[int, int]  # duration range of the employment-skills course
    deaf_friendly: bool  # taught visually; a sign interpreter is usually arranged
    blind_friendly: bool  # taught by touch or screen reader
    quality: float  # how well it leads to work (*assumption*: market demand for the trade)


# Duration ranges: short courses of 1–4 weeks as county federations run them; blind medical
# massage prepares for the licence exam over months (*assumption*).
TOPICS: tuple[_Topic, ...] = tuple(_Topic(*row) for row in (
    ("电子商务", "4-01-06-01", "general ecommerce school", (15, 30), True, False, 0.3),
    ("直播带货", "4-01-06-02", "ecommerce general", (10, 20), False, False, 0.2),
    ("电商客服", "4-04-05-03", "ecommerce general school", (10, 20), True, True, 0.4),
    ("盲人医疗按摩", "2-05-10-00", "massage", (60, 180), False, True, 0.6),
    ("保健按摩", "4-10-04-02", "massage general", (30, 90), False, True, 0.5),
    ("东昌葫芦雕刻", "6-09-03-01", "crafts auxiliary", (15, 30), True, False, 0.0),
    ("木版年画", "6-09-03-08", "crafts", (15, 30), True, False, -0.1),
    ("剪纸", "6-09-03-17", "crafts auxiliary", (7, 20), True, False, -0.1),
    ("手工编织", "6-05-01-06", "crafts auxiliary general", (7, 20), True, True, 0.0),
    ("中式面点", "4-03-02-02", "school general", (15, 30), True, False, 0.3),
    ("缝纫", "6-05-01-03", "school general auxiliary", (15, 30), True, False, 0.3),
    ("计算机基础", "3-01-02-05", "general school", (10, 20), True, True, 0.0),
    ("数据标注", "4-04-05-05", "ecommerce general", (10, 20), True, False, 0.4),
    ("家政服务", "4-10-01-06", "general school", (10, 15), False, False, 0.4),
    ("养老护理", "4-10-01-05", "general school", (10, 20), False, False, 0.4),
    ("蔬菜大棚种植", "5-01-02-02", "agri", (7, 15), True, False, 0.1),
    ("食用菌栽培", "5-01-02-03", "agri auxiliary", (7, 15), True, False, 0.1),
    ("家禽养殖", "5-03-02-02", "agri", (7, 15), True, False, 0.0),
    ("美发", "4-10-03-02", "school", (20, 40), True, False, 0.2),
    ("手工花艺", "6-09-03-09", "auxiliary crafts", (7, 15), True, False, -0.1),
    ("电脑维修", "4-12-02-01", "school", (15, 30), True, False, 0.1),
    ("平面设计", "2-09-06-01", "school ecommerce", (20, 40), True, False, 0.2),
))  # fmt: skip
# Start-up courses (创业培训, SYB-style, about 10 days) and the trade they prepare for.
_START_UPS = (("网店创业", "4-01-06-01", "general ecommerce school auxiliary crafts"),
              ("盲人按摩店经营", "2-05-10-00", "massage general"),
              ("小吃摊点经营", "4-01-02-05", "general school auxiliary"),
              ("家庭农场经营", "5-05-01-02", "agri general"))  # fmt: skip
_COURSE_KIND_P = (0.65, 0.2, 0.15)  # employment skills, upgrade, start-up (*assumption*)
_KIND_QUALITY = (0.0, 0.2, -0.2)  # upgrade courses serve people already at work
# Base types: name pattern ({u} unit, {t} town, {b} brand) and population weight. The first
# base of every unit is its federation's own (the plan's "at least one per county").
_BASE_TYPES = {
    "general": ("{u}残疾人职业技能培训基地", 0.0), "auxiliary": ("{u}{t}如康家园技能培训基地", 3.0),
    "school": ("{u}职业教育中心残疾人培训基地", 2.0),
    "ecommerce": ("{u}{b}电商产业园残疾人创业孵化基地", 2.0),
    "crafts": ("{u}{b}手工艺品专业合作社培训基地", 1.5),
    "agri": ("{u}{t}{b}农业专业合作社种养殖培训基地", 2.0),
    "massage": ("{u}{b}盲人按摩培训中心", 1.0),
}  # fmt: skip
_CITY_BASES = (("聊城市盲人按摩培训中心", "massage"), ("聊城市残疾人就业创业孵化基地", "ecommerce"))
_BRANDS = ("兴华", "鲁源", "福康", "众诚", "润丰", "惠民", "嘉禾", "金凤", "阳光", "康乐")
# P(base offers it): step-free entry usual for such sites, interpreters and braille rarer
# (*assumption*); massage centres are built for blind trainees.
_BASE_ACCESS = {"step_free": 0.9, "accessible_toilet": 0.75, "sign_interpreter": 0.35,
                "screen_reader": 0.25, "large_print_braille": 0.2, "assistive_devices": 0.3,
                "transport": 0.25, "job_coach": 0.3}  # fmt: skip
_ACCESS_ORDER = [a for a in ACCOMMODATIONS.codes if a in _BASE_ACCESS]
FEE_RANGE = (1_000, 3_000)  # yuan per course (*assumption*, county training subsidy order)
LIVING_PER_DAY = (20, 50)  # yuan per day of attendance (*assumption*)


def _base_plan(rng: np.random.Generator, n_bases: int) -> list[tuple[str, str, str]]:
    """(county, type, name) per base: one per unit, the city's two centres, then by population."""
    units, weights = population_weights()
    plan = [(u, "general", _BASE_TYPES["general"][0].format(u=COUNTIES.label(u))) for u in units]
    plan += [("371502", kind, name) for name, kind in _CITY_BASES][: n_bases - len(plan)]
    types = [k for k in _BASE_TYPES if k != "general"]
    type_p = np.array([_BASE_TYPES[k][1] for k in types])
    taken = {name for _, _, name in plan}
    while len(plan) < n_bases:
        unit = str(units[rng.choice(len(units), p=weights)])
        kind = types[rng.choice(len(types), p=type_p / type_p.sum())]
        name = _BASE_TYPES[kind][0].format(
            u=COUNTIES.label(unit), t=TOWNS[unit][rng.integers(len(TOWNS[unit]))],
            b=_BRANDS[rng.integers(len(_BRANDS))],
        )  # fmt: skip
        if name not in taken:
            taken.add(name)
            plan.append((unit, kind, name))
    return plan


def _base_access(rng: np.random.Generator, kind: str) -> list[str]:
    p = dict(_BASE_ACCESS)
    if kind == "massage":
        p.update(step_free=1.0, screen_reader=1.0, large_print_braille=0.9)
    if kind in ("crafts", "school"):
        p["sign_interpreter"] = 0.5
    return [a for a in _ACCESS_ORDER if rng.random() < p[a]]


def _course(
    rng: np.random.Generator, topic: _Topic, base_kind: str, base_access: list[str],
    used: dict[str, int],
) -> tuple[dict[str, object], float]:  # fmt: skip
    """One course row (without ids) and its hidden quality."""
    course_kind = int(rng.choice(3, p=_COURSE_KIND_P))
    days = int(rng.integers(topic.days[0], topic.days[1] + 1))
    skills = list(skills_for(topic.occupation))
    if course_kind == 0:
        title, occupation = f"{topic.title}就业技能培训班", topic.occupation
    elif course_kind == 1:
        title, occupation = f"{topic.title}岗位技能提升培训班", topic.occupation
        days, skills = max(3, days // 2), skills[:2]
    else:
        fits = [s for s in _START_UPS if base_kind in s[2].split()]
        name, occupation, _ = fits[rng.integers(len(fits))]
        title, days = f"残疾人创业培训班（{name}）", int(rng.integers(8, 13))
        skills = [START_UP_SKILL, *skills_for(occupation)[:2]]
    used[title] = used.get(title, 0) + 1
    title = f"{title}（第{used[title]}期）" if used[title] > 1 else title
    wants = {"sign_interpreter": 0.8 if topic.deaf_friendly else 0.3,
             "screen_reader": 0.9 if topic.blind_friendly else 0.2,
             "large_print_braille": 0.9 if topic.blind_friendly else 0.2}  # fmt: skip
    access = [a for a in base_access if rng.random() < wants.get(a, 1.0)]
    capacity = [15, 20, 25, 30] if base_kind == "massage" else [15, 20, 25, 30, 40, 50, 60]
    fee = float(np.clip(np.round(FEE_RANGE[0] + days * rng.uniform(30, 60), -2), *FEE_RANGE))
    living = float(round(days * rng.uniform(*LIVING_PER_DAY)))
    licence = "结业后可参加盲人医疗按摩人员考试。" if occupation == "2-05-10-00" else ""
    row: dict[str, object] = {
        "title": title, "occupation_code": occupation,
        "description": f"面向有就业创业意愿的残疾人，培训{'、'.join(skills)}，"
                       f"为期{days}天，结业颁发培训合格证书并推荐就业。{licence}",
        "skills": skills, "duration_days": days, "capacity": int(rng.choice(capacity)),
        "accessibility": access, "fee_subsidy": fee, "living_subsidy": living, "status": "open",
    }  # fmt: skip
    return row, topic.quality + _KIND_QUALITY[course_kind]


def generate_training(
    rng: np.random.Generator, n_bases: int, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(bases, courses, course_latent): ``n_bases`` bases, each with 2–6 open courses."""
    if n_bases < len(PLACES):
        raise ValueError(f"n_bases must be at least {len(PLACES)} (one per county/zone)")
    plan = _base_plan(rng, n_bases)
    counties = np.array([county for county, _, _ in plan])
    latitude, longitude = sample_points(rng, counties, spread=0.3)
    access = [_base_access(rng, kind) for _, kind, _ in plan]
    bases = pl.DataFrame({
        "id": np.arange(1, n_bases + 1, dtype=np.int64),
        "code": [f"TB{i:04d}" for i in range(1, n_bases + 1)],
        "name": [name for _, _, name in plan], "county": counties,
        "address": street_addresses(rng, list(counties)),
        "accessibility": pl.Series(access, dtype=pl.List(pl.String)),
        "latitude": latitude, "longitude": longitude,
    })  # fmt: skip
    rows: list[dict[str, object]] = []
    quality: list[float] = []
    base_effect = rng.normal(0.0, 0.3, n_bases)  # a base's own placement record
    for b, (_, kind, _) in enumerate(plan):
        used: dict[str, int] = {}
        topics = [t for t in TOPICS if kind in t.bases.split()]
        order = rng.permutation(len(topics))  # distinct trades first, then a second intake
        for j in range(int(rng.integers(2, 7))):
            row, q = _course(rng, topics[order[j % len(topics)]], kind, access[b], used)
            rows.append({"base_id": b + 1, **row})
            quality.append(q + base_effect[b] + float(rng.normal(0.0, 0.4)))
    n = len(rows)
    intake = np.datetime64(as_of, "D") + rng.integers(1, 121, n)
    lists = {"skills": pl.List(pl.String), "accessibility": pl.List(pl.String)}
    ids = pl.int_range(1, n + 1, dtype=pl.Int64)
    courses = (
        pl.DataFrame(rows, schema_overrides=lists)
        .with_columns(pl.col("base_id", "duration_days", "capacity").cast(pl.Int64))
        .with_columns(
            id=ids,
            code=pl.format("C{}", ids.cast(pl.String).str.zfill(5)),
            next_intake=pl.Series(intake),
        )
        .select(COURSE_COLUMNS)
    )
    latent = pl.DataFrame({"course_id": courses["id"], "quality": np.array(quality)})
    return bases.select(BASE_COLUMNS), courses, latent
