"""Quota outreach rules (matching/outreach): the levy of docs/domain.md's five worked cases as
outreach rows give it, N for public bodies, what a visit can gain and the order it gives, the
letter, and the wage setting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from pydantic import ValidationError as SettingsError

from matching.outreach import (
    SUPPORT_ZH,
    Candidate,
    EmployerQuota,
    Fit,
    OpenVacancy,
    employer_quota,
    gain_key,
    letter,
    outreach_row,
    rank_outreach,
    without_persons,
)
from matching.quota import LocalWage
from matching.settings import Settings
from matching.validators import mask_name

D = Decimal
WAGE = LocalWage(D(50000), "docs/domain.md worked cases")
TODAY = date(2026, 12, 5)
_serial = count(1)


def employer(
    staff: int,
    *,
    severe: int = 0,
    other: int = 0,
    average: str | None = "120000",
    kind: str = "private",
    posts: int | None = None,
    school: bool = False,
    openings: tuple[int, ...] = (),
    wage: LocalWage | None = WAGE,
    code: str | None = None,
) -> EmployerQuota:
    vacancies = [OpenVacancy(100 + i, f"V{i}", f"岗位{i}", n, None) for i, n in enumerate(openings)]
    return employer_quota(
        employer_id=(serial := next(_serial)),
        credit_code=code or f"91371500TEST{serial:06d}",
        name="聊城市测试有限公司",
        kind=kind,
        county="371502",
        staff_count=staff,
        established_posts=posts,
        is_school=school,
        severe=severe,
        other=other,
        average_wage=None if average is None else D(average),
        wage=wage,
        vacancies=vacancies,
    )


def fit(fitting: int, *names: str) -> Fit:
    people = tuple(
        Candidate(i, name, "371502********1234", 100, "岗位0", 1.0 - i / 10)
        for i, name in enumerate(names, start=1)
    )
    return Fit(fitting, people)


@pytest.mark.parametrize(
    ("staff", "average", "severe", "other", "due"),
    [
        (200, "120000", 1, 0, "50000.00"),  # D = 2: one level 1-2 holder counts two
        (200, "120000", 0, 0, "270000.00"),
        (30, "120000", 0, 0, "0.00"),
        (31, "80000", 0, 0, "33480.00"),
        (100, "60000", 0, 1, "15000.00"),
    ],
)
def test_the_five_worked_cases_as_outreach_rows(
    staff: int, average: str, severe: int, other: int, due: str
) -> None:
    row = outreach_row(employer(staff, severe=severe, other=other, average=average), None)
    assert row.employer.levy is not None and row.employer.levy.due == D(due)
    assert row.employer.weighted_disabled == 2 * severe + other


def test_public_bodies_count_established_posts_and_must_employ_one() -> None:
    agency = employer(20, kind="agency", posts=50)
    assert agency.quota_staff == 50 and agency.staff_count == 20
    assert agency.status.must_employ_one and agency.persons_needed == 1
    school = employer(80, kind="institution", posts=67, school=True)
    assert not school.status.must_employ_one and not school.status.meets_quota
    firm = employer(20, kind="private", posts=50)
    assert firm.quota_staff == 20  # posts are read for agencies and institutions only
    # no small-employer relief for agencies: 0.3 × 60000 × 90%
    small_agency = employer(20, kind="agency", average="60000")
    assert small_agency.levy is not None and small_agency.levy.due == D("16200.00")


def test_placeable_and_levy_saved() -> None:
    base = employer(200, openings=(1, 1))  # gap 3, two openings
    row = outreach_row(base, fit(5, "甲", "乙"))
    assert (base.persons_needed, base.openings, row.placeable) == (3, 2, 2)
    # 270,000 now; with D = 2 (1% of 200) the 50% share: 1 × 100,000 × 50% = 50,000
    assert row.levy_saved == D("220000.00")
    assert outreach_row(base, fit(1, "甲")).placeable == 1  # one person fits
    assert outreach_row(employer(200), fit(9)).placeable == 0  # no open vacancy
    unknown = outreach_row(base, None)
    assert unknown.fitting is None and unknown.placeable == 0 and unknown.fit_note
    small = outreach_row(employer(30, openings=(1,)), fit(3))
    assert small.placeable == 1 and small.levy_saved == 0  # exempt: nothing to save


def test_a_levy_that_cannot_be_computed_says_why() -> None:
    no_wage = outreach_row(employer(200, wage=None), None)
    assert no_wage.employer.levy is None and no_wage.levy_saved is None
    assert "JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE" in (no_wage.employer.levy_note or "")
    no_average = employer(200, average=None)
    assert no_average.levy is None and "职工年平均工资" in (no_average.levy_note or "")


def test_the_order_puts_placeable_persons_then_levy_saved_then_levy_then_gap() -> None:
    one_person_small_levy = employer(100, average="20000", openings=(1,), code="A1")
    no_vacancy_big_levy = employer(2000, average="200000", code="A2")
    two_persons = employer(200, average="20000", openings=(2,), code="A3")
    two_persons_more_saved = employer(200, average="90000", openings=(2,), code="A4")
    no_wage_bigger_gap = employer(400, wage=None, code="A5")
    no_wage_smaller_gap = employer(300, wage=None, code="A6")
    same_as_a6 = employer(300, wage=None, code="A0")
    fits = {e.employer_id: fit(10) for e in (one_person_small_levy, two_persons)} | {
        two_persons_more_saved.employer_id: fit(10)
    }
    ranked = rank_outreach(
        [
            no_wage_smaller_gap,
            one_person_small_levy,
            no_vacancy_big_levy,
            same_as_a6,
            two_persons,
            no_wage_bigger_gap,
            two_persons_more_saved,
        ],
        fits,
    )
    assert [r.employer.credit_code for r in ranked] == ["A4", "A3", "A1", "A2", "A5", "A0", "A6"]
    keys = [gain_key(r) for r in ranked]
    assert keys == sorted(keys)


def test_without_persons_keeps_the_counts() -> None:
    row = outreach_row(employer(200, openings=(3,)), fit(4, "王小明"))
    hidden = without_persons([row])[0]
    assert row.candidates and not hidden.candidates
    assert hidden.fitting == 4 and hidden.placeable == row.placeable == 3


def test_the_letter_says_gap_levy_candidates_and_support() -> None:
    row = outreach_row(employer(200, openings=(3,)), fit(4, "王小明"))
    text = "\n".join(letter(row, today=TODAY))
    assert "还差3名" in text and "270,000.00元" in text and "docs/domain.md" in text
    assert "王**" in text and "王小明" not in text and "371502********1234" in text
    assert all(support in text for support in SUPPORT_ZH)
    hidden = "\n".join(letter(without_persons([row])[0], today=TODAY))
    assert "王" not in hidden and "约有4人符合" in hidden
    agency = "\n".join(
        letter(outreach_row(employer(60, kind="agency", posts=60), None), today=TODAY)
    )
    assert "应至少安排1名残疾人就业" in agency and "预留岗位" in agency
    small = "\n".join(letter(outreach_row(employer(30), None), today=TODAY))
    assert "30人（含）以下的企业暂免征收" in small
    unset = "\n".join(letter(outreach_row(employer(200, wage=None), None), today=TODAY))
    assert "无法计算保障金" in unset


def test_the_wage_setting_needs_its_source_and_an_amount() -> None:
    assert Settings(_env_file=None).local_average_wage is None
    wage = Settings(
        _env_file=None, levy_local_average_wage="85000", levy_local_average_wage_source="公报"
    ).local_average_wage
    assert wage == LocalWage(D(85000), "公报")
    with pytest.raises(SettingsError, match="SOURCE"):
        Settings(_env_file=None, levy_local_average_wage="85000")
    for bad in ("-1", "0", "八万", "NaN", "1e9"):
        with pytest.raises(SettingsError, match="LOCAL_AVERAGE_WAGE"):
            Settings(
                _env_file=None, levy_local_average_wage=bad, levy_local_average_wage_source="x"
            )


def test_mask_name() -> None:
    assert (mask_name("王小明"), mask_name("李四"), mask_name("欧"), mask_name(" ")) == (
        "王**",
        "李*",
        "欧*",
        "",
    )
