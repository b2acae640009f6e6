"""Quota position and levy: the worked cases from docs/domain.md and the rules' monotonicity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.errors import UnknownCodeError, ValidationError
from matching.quota import (
    QUOTA_RATE,
    levy_due,
    quota_status,
    weighted_disabled_staff,
)

D = Decimal


@pytest.mark.parametrize(
    ("staff", "avg", "local", "disabled", "due"),
    [
        (200, "120000", "50000", 2, "50000.00"),
        (200, "120000", "50000", 0, "270000.00"),
        (30, "120000", "50000", 0, "0.00"),
        (31, "80000", "50000", 0, "33480.00"),
        (100, "60000", "50000", 1, "15000.00"),
    ],
)
def test_worked_cases(staff: int, avg: str, local: str, disabled: int, due: str) -> None:
    levy = levy_due(
        staff=staff, weighted_disabled=disabled, average_wage=D(avg), local_average_wage=D(local)
    )
    assert levy.due == D(due)
    assert levy.due.as_tuple().exponent == -2


def test_worked_case_details() -> None:
    levy = levy_due(
        staff=200, weighted_disabled=2, average_wage=D(120000), local_average_wage=D(50000)
    )
    assert (levy.gap, levy.wage_base, levy.full_amount) == (D(1), D(100000), D(100000))
    assert levy.relief_share == D("0.5") and levy.exempt_reason is None
    small = levy_due(
        staff=30, weighted_disabled=0, average_wage=D(120000), local_average_wage=D(50000)
    )
    assert small.exempt_reason == "small_enterprise" and small.relief_share == 0
    met = levy_due(staff=200, weighted_disabled=3, average_wage=D(1), local_average_wage=D(1))
    assert met.exempt_reason == "meets_quota" and met.due == 0


def test_non_enterprise_has_no_small_employer_relief() -> None:
    levy = levy_due(
        staff=20,
        weighted_disabled=0,
        average_wage=D(60000),
        local_average_wage=D(50000),
        enterprise=False,
    )
    assert levy.due == D("16200.00")  # 0.3 × 60000 × 0.9


@pytest.mark.parametrize(
    "kwargs",
    [
        {"staff": -1, "weighted_disabled": 0},
        {"staff": 10, "weighted_disabled": 21},
        {"staff": 10, "weighted_disabled": -1},
        {"staff": 10, "weighted_disabled": 0, "average_wage": D(-1)},
        {"staff": 10, "weighted_disabled": 0, "local_average_wage": D("-0.01")},
        {"staff": 10, "weighted_disabled": 0, "average_wage": D("NaN")},
    ],
)
def test_levy_rejects_bad_input(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"average_wage": D(1), "local_average_wage": D(1)} | kwargs
    with pytest.raises(ValidationError) as info:
        levy_due(**args)  # type: ignore[arg-type]
    assert info.value.message_zh


def test_weighted_disabled_staff() -> None:
    assert weighted_disabled_staff([1, "2", 3, "4"]) == 6
    assert weighted_disabled_staff([]) == 0
    for bad in (0, 5, "一级", True, " 1"):
        with pytest.raises(ValidationError) as info:
            weighted_disabled_staff([bad])
        assert info.value.code == "disability_level"


def test_quota_status_basics() -> None:
    status = quota_status(200, 2, employer_kind="private")
    assert status.required == D("3.000") and status.gap == D(1)
    assert status.own_rate == D("0.01") and not status.meets_quota
    assert not status.must_employ_one
    empty = quota_status(0, 0, employer_kind="soe")
    assert empty.own_rate == 0 and empty.meets_quota and empty.gap == 0
    with pytest.raises(UnknownCodeError) as info:
        quota_status(10, 0, employer_kind="company")
    assert "agency" in info.value.message_zh


@pytest.mark.parametrize(
    ("kind", "staff", "disabled", "is_school", "expected"),
    [
        ("agency", 50, 0, False, True),
        ("agency", 49, 0, False, False),
        ("agency", 50, 1, False, False),  # 1 ≥ 0.75 meets quota
        ("institution", 67, 0, False, True),
        ("institution", 66, 0, False, False),
        ("institution", 67, 0, True, False),  # schools and kindergartens exempt
        ("agency", 50, 0, True, False),
        ("soe", 500, 0, False, False),
        ("agency", 200, 2, False, True),  # 2 < 3 required
    ],
)
def test_must_employ_one(
    kind: str, staff: int, disabled: int, is_school: bool, expected: bool
) -> None:
    status = quota_status(staff, disabled, employer_kind=kind, is_school=is_school)
    assert status.must_employ_one is expected


def test_rate_validated() -> None:
    with pytest.raises(ValidationError):
        quota_status(10, 0, employer_kind="private", rate=D(0))


staff_sizes = st.integers(min_value=0, max_value=5000)
wages = st.decimals(min_value=0, max_value=1_000_000, places=2)


@st.composite
def employers(draw: st.DrawFn) -> tuple[int, int, int, Decimal, Decimal]:
    staff = draw(staff_sizes)
    low = draw(st.integers(0, 2 * staff))
    high = draw(st.integers(low, 2 * staff))
    return staff, low, high, draw(wages), draw(wages)


@given(employers())
def test_levy_never_rises_with_more_disabled_staff(
    case: tuple[int, int, int, Decimal, Decimal],
) -> None:
    staff, low, high, avg, local = case
    fewer = levy_due(staff=staff, weighted_disabled=low, average_wage=avg, local_average_wage=local)
    more = levy_due(staff=staff, weighted_disabled=high, average_wage=avg, local_average_wage=local)
    assert more.due <= fewer.due


@given(employers())
def test_levy_invariants(case: tuple[int, int, int, Decimal, Decimal]) -> None:
    staff, disabled, _, avg, local = case
    levy = levy_due(
        staff=staff, weighted_disabled=disabled, average_wage=avg, local_average_wage=local
    )
    assert levy.due >= 0
    assert levy.due == levy.due.quantize(D("0.01")) and levy.due.as_tuple().exponent == -2
    if disabled >= staff * QUOTA_RATE:
        assert levy.due == 0
    if staff <= 30:
        assert levy.due == 0 and levy.exempt_reason == "small_enterprise"
    status = quota_status(staff, disabled, employer_kind="private")
    assert status.gap == levy.gap
    assert status.meets_quota is (levy.gap == 0)
