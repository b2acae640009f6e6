"""The plan's targets, their sources, and what a target line means for a year and a county.

Source: 聊城市促进残疾人就业三年行动实施方案 (2023; shared/seed), implementing Shandong's three-year
action for 2022–2024 (鲁政办发〔2022〕20号):

- 一: "到2024年，全市实现城乡新增残疾人就业6000人，就业年龄段持证残疾人就业率达到55%以上";
- 二(五)1: "依托‘如康家园’帮助不少于1000名残疾人实现辅助性就业";
- 二(十)1: "各县（市、区）至少建立1处残疾人职业培训基地".

**The period.** The counts are for the whole plan period, taken as the three years 2022–2024 of
the action the plan implements (*assumption*; ``PlanTargets.first_year``). The demo city is
dated 2026, after the period ended. jobmatch reads each count target as a **yearly rate**
(6,000 / 3 = 2,000 newly employed a year, 1,000 / 3 auxiliary) and carries it forward to later
years until a new plan sets figures; each target line says which reading it is (``basis``). The
rate (≥ 55%) and the bases (≥ 1 per county) are floors that hold in any year.

**Counties.** The plan sets city-wide counts only. A county's line is the city's yearly rate
times the county's share of the population (``matching.geo``; *assumption*), the functional
zones included; the rate floor applies to each county as it is; the base floor is one base in
each of the eight counties (the zones have no target).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.codes import COUNTIES, ZONE_CODES
from matching.geo import population_weights
from matching.progress.definitions import Reason

__all__ = ["DEFAULT_PLAN", "PLAN_COUNTIES", "PlanTarget", "PlanTargets", "TargetLine"]

PLAN_COUNTIES: tuple[str, ...] = tuple(c for c in COUNTIES.codes if c not in ZONE_CODES)
"""The eight county-level units the training-base target names."""


@dataclass(frozen=True, slots=True)
class PlanTarget:
    """One figure of the plan: ``total`` over the plan period (counts) or a floor (rates,
    bases per county)."""

    measure: str
    total: float
    over_period: bool
    source: str


@dataclass(frozen=True, slots=True)
class TargetLine:
    """The target a figure is held against, for one year and scope, and how it was derived."""

    value: float
    basis: str
    basis_zh: str
    source: str


@dataclass(frozen=True, slots=True)
class PlanTargets:
    first_year: int = 2022
    last_year: int = 2024
    targets: tuple[PlanTarget, ...] = field(
        default=(
            PlanTarget("newly_employed", 6000, True,
                       "方案一、主要目标：到2024年全市实现城乡新增残疾人就业6000人"),
            PlanTarget("employment_rate", 0.55, False,
                       "方案一、主要目标：就业年龄段持证残疾人就业率达到55%以上"),
            PlanTarget("auxiliary_employment", 1000, True,
                       "方案二（五）1：依托“如康家园”帮助不少于1000名残疾人实现辅助性就业"),
            PlanTarget("training_bases", 1, False,
                       "方案二（十）1：各县（市、区）至少建立1处残疾人职业培训基地"),
        )
    )  # fmt: skip

    @property
    def years(self) -> int:
        return self.last_year - self.first_year + 1

    def find(self, measure: str) -> PlanTarget | None:
        return next((t for t in self.targets if t.measure == measure), None)

    def line(self, measure: str, year: int, county: str | None) -> TargetLine | Reason:
        """The target line of ``measure`` for ``year`` and ``county`` (None: city-wide), or why
        there is none."""
        target = self.find(measure)
        if target is None:
            return Reason(
                "no_target",
                "the plan sets no target for this measure",
                "实施方案未设定该项目标",
            )
        if measure == "training_bases":
            return self._bases_line(target, county)
        if not target.over_period:
            floor = "a floor that holds in every year and county"
            return TargetLine(
                target.total, floor, "各年、各县（市、区）均适用的下限", target.source
            )
        value = target.total / self.years
        basis, basis_zh = self._yearly_basis(target, year)
        if county is not None:
            share = _population_share(county)
            value *= share
            basis += f"; times the county's population share {share:.1%} (assumption)"
            basis_zh += f"；按该县（市、区）人口占全市比例{share:.1%}分解（假设）"
        return TargetLine(value, basis, basis_zh, target.source)

    def _yearly_basis(self, target: PlanTarget, year: int) -> tuple[str, str]:
        span = f"{self.first_year}–{self.last_year}"
        span_zh = f"{self.first_year}—{self.last_year}年"
        total = f"{target.total:g}"
        basis = f"{total} over the plan period {span}, as a yearly rate ({self.years} years)"
        basis_zh = f"方案期（{span_zh}）目标{total}人按年平均"
        if year > self.last_year:
            basis += f"; the plan ended in {self.last_year}, the rate is carried forward"
            basis_zh += f"；方案期已于{self.last_year}年结束，沿用其年均进度作为参照"
        elif year < self.first_year:
            basis += f"; {year} is before the plan period"
            basis_zh += f"；{year}年早于方案期，仅作参照"
        return basis, basis_zh

    def _bases_line(self, target: PlanTarget, county: str | None) -> TargetLine | Reason:
        if county is None:
            return TargetLine(
                float(len(PLAN_COUNTIES)),
                f"at least one base in each of the {len(PLAN_COUNTIES)} counties",
                f"全市{len(PLAN_COUNTIES)}个县（市、区）各至少1处",
                target.source,
            )
        if county in ZONE_CODES:
            return Reason(
                "no_target",
                "the plan's base target names the counties, not the functional zones",
                "培训基地目标针对各县（市、区），功能区未设定",
            )
        return TargetLine(float(target.total), "at least one base", "至少1处", target.source)


DEFAULT_PLAN = PlanTargets()


def _population_share(county: str) -> float:
    codes, weights = population_weights()
    return float(weights[codes.index(county)])
