"""What each progress measure counts: the rules, written down once (docs/progress.md repeats them).

Every figure comes from the records offices keep — referral stages, ledger status changes, the
person register, the training-base register — never from the synthetic city's hidden truth.
Persons belong to the county of their record; a ledger to its own county, a base to its county.

**Flows** (persons entering something in the period). A person is counted **once per year**, in
the month of their first qualifying entry of that year; a month's figure is the persons whose
first entry of the year falls in it, so the months add up to the year to date. A person with
entries in two years counts in both years.

- ``newly_employed`` 新增就业: a recorded entry into work, on its day: a job referral reaching
  ``hired`` (its ``hired`` event; a hire without that event cannot be dated and is not counted);
  a course referral reaching ``employed_6m`` (work found within six months of completing, dated
  by that event); a graduate ledger moving to 已就业, 灵活就业 or 公益性岗位 (its change day). The
  person register's employment status is not an entry: it keeps no date of change.
- ``auxiliary_employment`` 辅助性就业: a hire (as above) at a vacancy of channel 辅助性就业 or at an
  employer of kind 辅助性就业机构（如康家园）.
- ``public_welfare`` 公益性岗位: a hire at a vacancy of channel 公益性岗位, or a graduate ledger
  moving to 公益性岗位.
- ``training_enrolled`` / ``training_completed`` 培训报名 / 培训结业: a course referral's
  ``enrolled`` / ``completed`` event.

**States** (a share at the period's last counted day).

- ``employment_rate`` 就业年龄段持证残疾人就业率: among persons holding a certificate, registered by
  that day, aged ``working_age_min``–``working_age_max`` on it (settings, 16–59 by default) and
  not still at school (在校), the share whose status is 已就业, 灵活就业 or 辅助性就业. The register
  keeps only today's status, so the rate exists only for a period that holds today; for any
  other it says so instead of a number.
- ``graduates_employed`` 高校毕业生就业: among the 一人一策 ledgers of the year's graduates
  (graduation year = the period's year), those that have left school by the day and not gone on
  to further study; the share whose status on that day (from the status history) is 已就业,
  灵活就业 or 公益性岗位.

**Register** (today's list, which has no dates).

- ``training_bases`` 培训基地: counties (of the eight; the functional zones have no target) with at
  least one registered vocational training base; like the rate, only for a period holding today.

A figure that cannot be computed is ``None`` with a ``Reason`` (English and Chinese), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "EMPLOYED_LEDGER_STATUSES",
    "EMPLOYED_STATUSES",
    "MEASURES",
    "Measure",
    "Reason",
    "Shape",
    "Unit",
    "no_denominator",
    "not_begun",
    "records_begin",
    "register_only",
]

EMPLOYED_STATUSES: tuple[str, ...] = ("employed", "flexible", "auxiliary")
"""Person statuses that count as employed for the employment rate (codes.EMPLOYMENT_STATUSES)."""
EMPLOYED_LEDGER_STATUSES: tuple[str, ...] = ("employed", "flexible", "public_welfare")
"""Ledger statuses that count as employed (codes.GRADUATE_STATUSES)."""


class Unit(StrEnum):
    PERSONS = "persons"
    RATE = "rate"
    COUNTIES = "counties"


class Shape(StrEnum):
    FLOW = "flow"
    STATE = "state"
    REGISTER = "register"


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    name_zh: str
    name: str
    unit: Unit
    shape: Shape
    rule_zh: str
    personal: bool = True
    """Whether its list names persons (then only roles that may read persons get it)."""


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("newly_employed", "新增就业人数", "newly employed", Unit.PERSONS, Shape.FLOW,
                "当年首次登记入职（岗位推荐“已入职”、培训后6个月内就业、毕业生台账转为就业）的人数，"
                "每人每年只计一次"),
        Measure("employment_rate", "就业年龄段持证残疾人就业率", "employment rate of certified "
                "working-age persons", Unit.RATE, Shape.STATE,
                "持证、就业年龄段、非在校人员中，就业状态为已就业、灵活就业或辅助性就业的比例"),
        Measure("auxiliary_employment", "辅助性就业人数", "auxiliary employment", Unit.PERSONS,
                Shape.FLOW, "入职辅助性就业岗位或如康家园等辅助性就业机构的人数，每人每年只计一次"),
        Measure("public_welfare", "公益性岗位安置人数", "public-welfare posts", Unit.PERSONS,
                Shape.FLOW, "入职公益性岗位或毕业生台账转为公益性岗位的人数，每人每年只计一次"),
        Measure("training_enrolled", "参加培训人数", "training enrolments", Unit.PERSONS,
                Shape.FLOW, "培训推荐登记为“已报名”的人数，每人每年只计一次"),
        Measure("training_completed", "培训结业人数", "training completions", Unit.PERSONS,
                Shape.FLOW, "培训推荐登记为“已结业”的人数，每人每年只计一次"),
        Measure("training_bases", "建有培训基地的县（市、区）数", "counties with a training base",
                Unit.COUNTIES, Shape.REGISTER, "已登记至少1处残疾人职业培训基地的县（市、区）数",
                personal=False),
        Measure("graduates_employed", "残疾人高校毕业生就业率", "graduates' employment",
                Unit.RATE, Shape.STATE,
                "当年毕业、已离校且未升学的毕业生台账中，期末状态为已就业、灵活就业或公益性岗位的比例"),
    )
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a figure (or a target, or a pace) is missing, in English and Chinese."""

    code: str
    message: str
    message_zh: str


def not_begun(start: date) -> Reason:
    return Reason(
        "period_not_begun",
        f"the period begins on {start}, after today: nothing can have been recorded yet",
        f"统计期自{start}开始，尚未到来，暂无数据",
    )


def register_only(what: str, what_zh: str) -> Reason:
    return Reason(
        "no_history",
        f"{what} keeps only today's state, so it can be counted only for a period that holds today",
        f"{what_zh}只保存当前状态，没有历史记录，只能统计包含今天的统计期",
    )


def records_begin(first: date) -> Reason:
    return Reason(
        "before_records",
        f"the records begin on {first}, after the period: earlier entries were never recorded here",
        f"系统记录自{first}开始，该统计期内的情况未在本系统登记",
    )


def no_denominator(what: str, what_zh: str) -> Reason:
    return Reason(
        "no_denominator", f"no {what}: the share is undefined", f"没有{what_zh}，无法计算比例"
    )
