"""What one employer below the quota owes and what an outreach visit to it can gain.

The rules are written down in docs/outreach.md; the quota and levy themselves are
``matching.quota`` (docs/domain.md, "Employers and the quota", "The levy"). In short:

- **N** is the staff count, or for agencies and institutions the established posts (编制) when
  recorded, which is what the quota counts for them (``quota_staff``).
- **Persons needed** = ⌈gap⌉: the persons of level 3–4 it takes to close the gap (a level 1–2
  certificate holder counts twice, so fewer may do).
- **Placeable** = min(persons needed, openings of its open vacancies, persons of its county who
  fit one of them): how many persons a visit could place now.
- **Levy saved** = the levy due now − the levy due once the placeable persons are hired,
  counting each as one (level 3–4): what the employer saves a year, the visit's argument.
- **Order**: placeable persons first (the plan counts persons in work), then levy saved, then
  the levy due now (an employer without a fitting vacancy yet, but much at stake), then the gap;
  the credit code last, so the order is total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from matching.quota import Levy, LocalWage, QuotaStatus, levy_due, quota_status

__all__ = [
    "NON_ENTERPRISE_KINDS",
    "POSTS_COUNTED_KINDS",
    "TOP_CANDIDATES",
    "Candidate",
    "EmployerQuota",
    "Fit",
    "OpenVacancy",
    "OutreachRow",
    "employer_quota",
    "gain_key",
    "outreach_row",
    "quota_staff",
    "rank_outreach",
    "without_persons",
]

TOP_CANDIDATES = 5
POSTS_COUNTED_KINDS = ("agency", "institution")
# The levy's N ≤ 30 exemption is for enterprises; docs/domain.md names agencies and
# institutions as the kinds without it. *Assumption*: every other kind counts as an enterprise.
NON_ENTERPRISE_KINDS = ("agency", "institution")
NO_WAGE_ZH = (
    "未设置当地上年城镇职工年平均工资（JOBMATCH_LEVY_LOCAL_AVERAGE_WAGE 及其来源），无法计算保障金"
)
NO_AVERAGE_WAGE_ZH = "单位未登记职工年平均工资，无法计算保障金"
NOT_COMPUTED_ZH = "推荐数据尚未包含该单位或其岗位，适合人数暂未计算"


@dataclass(frozen=True)
class OpenVacancy:
    vacancy_id: int
    code: str
    title: str
    openings: int
    deadline: date | None


@dataclass(frozen=True)
class Candidate:
    """A registered person of the employer's county who fits one of its open vacancies."""

    person_id: int
    name: str
    id_number_masked: str
    vacancy_id: int
    vacancy_title: str
    score: float  # the served jobs ranker's score for the pair (higher fits better)


@dataclass(frozen=True)
class Fit:
    """What the served ranker found for one employer's open vacancies."""

    fitting: int  # persons passing the hard rules for at least one of them
    candidates: tuple[Candidate, ...]  # the best ``TOP_CANDIDATES``, best first


@dataclass(frozen=True)
class EmployerQuota:
    """One employer below the quota, as the records give it."""

    employer_id: int
    credit_code: str
    name: str
    kind: str
    county: str
    staff_count: int
    quota_staff: int  # N as the quota counts it
    weighted_disabled: int
    status: QuotaStatus
    average_wage: Decimal | None
    wage: LocalWage | None  # the setting the levy was computed with
    levy: Levy | None
    levy_note: str | None  # why ``levy`` is None
    vacancies: tuple[OpenVacancy, ...]

    @property
    def persons_needed(self) -> int:
        return math.ceil(self.status.gap)

    @property
    def openings(self) -> int:
        return sum(v.openings for v in self.vacancies)

    @property
    def enterprise(self) -> bool:
        return self.kind not in NON_ENTERPRISE_KINDS


@dataclass(frozen=True)
class OutreachRow:
    employer: EmployerQuota
    fit: Fit | None  # None: not computed (see ``fit_note``)
    placeable: int
    levy_saved: Decimal | None
    persons_shown: bool = True  # False: person-level lists withheld from the caller

    @property
    def fitting(self) -> int | None:
        return None if self.fit is None else self.fit.fitting

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        if self.fit is None or not self.persons_shown:
            return ()
        return self.fit.candidates

    @property
    def fit_note(self) -> str | None:
        return NOT_COMPUTED_ZH if self.fit is None else None


def quota_staff(kind: str, staff_count: int, established_posts: int | None) -> int:
    """N for the quota: established posts for agencies and institutions when recorded
    (``matching.quota.quota_status``), else the staff count."""
    if kind in POSTS_COUNTED_KINDS and established_posts is not None:
        return established_posts
    return staff_count


def employer_quota(
    *,
    employer_id: int,
    credit_code: str,
    name: str,
    kind: str,
    county: str,
    staff_count: int,
    established_posts: int | None,
    is_school: bool,
    severe: int,
    other: int,
    average_wage: Decimal | None,
    wage: LocalWage | None,
    vacancies: Sequence[OpenVacancy] = (),
) -> EmployerQuota:
    """The quota position and levy of one employer (whether it is below the quota or not)."""
    staff = quota_staff(kind, staff_count, established_posts)
    # Disabled staff counted beyond 2 × N (bad records) are capped, so the rules still apply.
    weighted = min(2 * severe + other, 2 * staff)
    status = quota_status(staff, weighted, employer_kind=kind, is_school=is_school)
    levy: Levy | None = None
    note: str | None = None
    if wage is None:
        note = NO_WAGE_ZH
    elif average_wage is None:
        note = NO_AVERAGE_WAGE_ZH
    else:
        levy = levy_due(
            staff=staff,
            weighted_disabled=weighted,
            average_wage=average_wage,
            local_average_wage=wage.amount,
            enterprise=kind not in NON_ENTERPRISE_KINDS,
        )
    return EmployerQuota(
        employer_id=employer_id,
        credit_code=credit_code,
        name=name,
        kind=kind,
        county=county,
        staff_count=staff_count,
        quota_staff=staff,
        weighted_disabled=weighted,
        status=status,
        average_wage=average_wage,
        wage=wage,
        levy=levy,
        levy_note=note,
        vacancies=tuple(vacancies),
    )


def outreach_row(employer: EmployerQuota, fit: Fit | None) -> OutreachRow:
    """The employer with what a visit can gain (module docstring)."""
    fitting = 0 if fit is None else fit.fitting
    placeable = min(employer.persons_needed, employer.openings, fitting)
    saved: Decimal | None = None
    levy, wage, average = employer.levy, employer.wage, employer.average_wage
    if levy is not None and wage is not None and average is not None:
        after = levy_due(
            staff=employer.quota_staff,
            weighted_disabled=employer.weighted_disabled + placeable,
            average_wage=average,
            local_average_wage=wage.amount,
            enterprise=employer.enterprise,
        )
        saved = levy.due - after.due
    return OutreachRow(employer, fit, placeable, saved)


def gain_key(row: OutreachRow) -> tuple[int, Decimal, Decimal, Decimal, str]:
    """Sort key, best visit first (module docstring): placeable, levy saved, levy due, gap."""
    levy = row.employer.levy
    return (
        -row.placeable,
        -(row.levy_saved or Decimal(0)),
        -(levy.due if levy is not None else Decimal(0)),
        -row.employer.status.gap,
        row.employer.credit_code,
    )


def rank_outreach(
    employers: Sequence[EmployerQuota], fits: Mapping[int, Fit] | None
) -> list[OutreachRow]:
    """The employers with their fits (``fits`` None: none computed), best visit first."""
    rows = [outreach_row(e, None if fits is None else fits.get(e.employer_id)) for e in employers]
    return sorted(rows, key=gain_key)


def without_persons(rows: Sequence[OutreachRow]) -> list[OutreachRow]:
    """The rows with person-level lists withheld (the counts stay)."""
    return [replace(row, persons_shown=False) for row in rows]
