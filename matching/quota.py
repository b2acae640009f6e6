"""Employment quota and levy (残疾人就业保障金) for an employer, in exact decimals.

The quota gap tells outreach workers which employers have a reason to hire; it is a secondary
signal and must never push a worse-fitting vacancy up a ranking.

Rules (docs/domain.md, "Employers and the quota" and "The levy"): Shandong quota rate 1.5% of staff
N; a level 1-2 certificate holder counts as 2 (weighted D). Levy per 财税〔2015〕72号 with MoF 2019
No. 98 and 2023 No. 8: gap = max(0, N·p − D); base = min(average wage, 2 × local urban average
wage); enterprises with N ≤ 30 pay nothing; an employer with own rate D/N ≥ 1% pays 50% of gap ×
base, below 1% pays 90%.
*Assumption*: the 1% test uses the weighted D, like the quota itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from matching.errors import UnknownCodeError, ValidationError

__all__ = [
    "AGENCY_MIN_POSTS",
    "EMPLOYER_KINDS",
    "INSTITUTION_MIN_POSTS",
    "LEVY_RELIEF_THRESHOLD",
    "QUOTA_RATE",
    "SMALL_ENTERPRISE_MAX_STAFF",
    "Levy",
    "LocalWage",
    "QuotaStatus",
    "levy_due",
    "quota_status",
    "weighted_disabled_staff",
]

QUOTA_RATE = Decimal("0.015")
LEVY_RELIEF_THRESHOLD = Decimal("0.01")
SMALL_ENTERPRISE_MAX_STAFF = 30
AGENCY_MIN_POSTS = 50
INSTITUTION_MIN_POSTS = 67
EMPLOYER_KINDS: tuple[str, ...] = (
    "agency",
    "institution",
    "soe",
    "private",
    "social_org",
    "self_employed",
    "auxiliary_center",
    "blind_massage",
)

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
_SHARE_AT_OR_ABOVE_RELIEF = Decimal("0.5")
_SHARE_BELOW_RELIEF = Decimal("0.9")
_LEVEL_WEIGHT = {"1": 2, "2": 2, "3": 1, "4": 1}


def weighted_disabled_staff(levels: Iterable[int | str]) -> int:
    """Weighted D: a level 1-2 certificate holder counts 2, level 3-4 counts 1."""
    total = 0
    for level in levels:
        weight = None if isinstance(level, bool) else _LEVEL_WEIGHT.get(str(level))
        if weight is None:
            shown = str(level)[:10]
            raise ValidationError(
                "disability_level",
                f"disability level must be 1, 2, 3 or 4, got {shown!r}",
                f"残疾等级应为1、2、3或4，实际为“{shown}”",
                field="level",
            )
        total += weight
    return total


def _check_counts(staff: int, weighted_disabled: int) -> None:
    if staff < 0:
        raise ValidationError(
            "staff_negative",
            f"staff count must be 0 or more, got {staff}",
            f"在职职工人数不能为负数，实际为{staff}",
            field="staff",
        )
    if not 0 <= weighted_disabled <= 2 * staff:
        raise ValidationError(
            "weighted_disabled_range",
            f"weighted disabled staff must be between 0 and 2 × staff ({2 * staff}), "
            f"got {weighted_disabled}",
            f"按比例折算的残疾职工人数应在0至在职职工人数的2倍（{2 * staff}）之间，"
            f"实际为{weighted_disabled}",
            field="weighted_disabled",
        )


def _check_rate(rate: Decimal) -> None:
    if not _ZERO < rate < 1:
        raise ValidationError(
            "quota_rate",
            f"quota rate must be between 0 and 1 (e.g. 0.015), got {rate}",
            f"安排残疾人就业比例应大于0且小于1（如0.015），实际为{rate}",
            field="rate",
        )


@dataclass(frozen=True)
class QuotaStatus:
    """Where an employer stands against the quota; ``gap`` may be fractional."""

    staff: int
    weighted_disabled: int
    required: Decimal
    gap: Decimal
    own_rate: Decimal
    meets_quota: bool
    must_employ_one: bool


def quota_status(
    staff: int,
    weighted_disabled: int,
    *,
    employer_kind: str,
    is_school: bool = False,
    rate: Decimal = QUOTA_RATE,
) -> QuotaStatus:
    """Quota position of one employer.

    For agencies and institutions ``staff`` is read as established posts (编制), which is what
    the at-least-one rule counts; schools and kindergartens are exempt from that rule.
    """
    if employer_kind not in EMPLOYER_KINDS:
        allowed = ", ".join(EMPLOYER_KINDS)
        raise UnknownCodeError(
            "employer_kind",
            f"unknown employer kind {employer_kind[:30]!r}; allowed: {allowed}",
            f"单位类型无效，可选值：{allowed}",
            field="employer_kind",
        )
    _check_counts(staff, weighted_disabled)
    _check_rate(rate)
    disabled = Decimal(weighted_disabled)
    required = staff * rate
    gap = max(_ZERO, required - disabled)
    own_rate = disabled / staff if staff else _ZERO
    big_public_body = (employer_kind == "agency" and staff >= AGENCY_MIN_POSTS) or (
        employer_kind == "institution" and staff >= INSTITUTION_MIN_POSTS
    )
    must_employ_one = big_public_body and not is_school and disabled < required
    return QuotaStatus(
        staff=staff,
        weighted_disabled=weighted_disabled,
        required=required,
        gap=gap,
        own_rate=own_rate,
        meets_quota=disabled >= required,
        must_employ_one=must_employ_one,
    )


@dataclass(frozen=True)
class LocalWage:
    """Last year's local urban average annual wage (the levy's cap is twice it) and where the
    figure comes from; set by ``JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE`` and ``..._SOURCE``."""

    amount: Decimal
    source: str


@dataclass(frozen=True)
class Levy:
    """Levy for one year.

    ``full_amount`` is gap × base before relief or exemption; ``relief_share`` is the share of
    it actually payable (0.5 or 0.9, 0 when exempt); ``due`` is rounded to the cent.
    """

    gap: Decimal
    wage_base: Decimal
    full_amount: Decimal
    relief_share: Decimal
    due: Decimal
    exempt_reason: str | None


def levy_due(
    *,
    staff: int,
    weighted_disabled: int,
    average_wage: Decimal,
    local_average_wage: Decimal,
    rate: Decimal = QUOTA_RATE,
    enterprise: bool = True,
) -> Levy:
    """Levy an employer owes; ``enterprise=False`` (agencies, institutions) has no N ≤ 30 relief.

    The 1% relief test is exact: D/N ≥ 1% is evaluated as D ≥ 0.01 × N.
    """
    _check_counts(staff, weighted_disabled)
    _check_rate(rate)
    for name, name_zh, wage in (
        ("average_wage", "单位在职职工年平均工资", average_wage),
        ("local_average_wage", "当地上年城镇职工年平均工资", local_average_wage),
    ):
        if not wage.is_finite() or wage < 0:
            raise ValidationError(
                "wage_negative",
                f"{name} must be a finite amount of 0 or more, got {wage}",
                f"{name_zh}应为不小于0的金额，实际为{wage}",
                field=name,
            )
    disabled = Decimal(weighted_disabled)
    gap = max(_ZERO, staff * rate - disabled)
    wage_base = min(average_wage, 2 * local_average_wage)
    full_amount = gap * wage_base
    exempt_reason: str | None = None
    if enterprise and staff <= SMALL_ENTERPRISE_MAX_STAFF:
        exempt_reason = "small_enterprise"
    elif gap == 0:
        exempt_reason = "meets_quota"
    if exempt_reason is not None:
        share = _ZERO
    elif disabled >= LEVY_RELIEF_THRESHOLD * staff:
        share = _SHARE_AT_OR_ABOVE_RELIEF
    else:
        share = _SHARE_BELOW_RELIEF
    due = (full_amount * share).quantize(_CENT, rounding=ROUND_HALF_UP)
    return Levy(
        gap=gap,
        wage_base=wage_base,
        full_amount=full_amount,
        relief_share=share,
        due=due,
        exempt_reason=exempt_reason,
    )
