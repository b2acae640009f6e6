"""Quota outreach (issue 20 §2): employers below the 1.5% quota, their gap and levy, their open
vacancies and the persons who fit them, ordered by what a visit can gain; a letter per employer.

The rules are in ``matching.outreach.rules`` and docs/outreach.md; the persons who fit come from
the served jobs ranker (``serving.services.outreach``), which this package only receives.
"""

from matching.outreach.excel import (
    CANDIDATE_HEADERS,
    EMPLOYER_HEADERS,
    SHEETS,
    OutreachExport,
    export_outreach,
    outreach_workbook,
)
from matching.outreach.letters import SUPPORT_ZH, letter
from matching.outreach.queries import below_quota, open_vacancies, outreach_county, persons_visible
from matching.outreach.rules import (
    NON_ENTERPRISE_KINDS,
    TOP_CANDIDATES,
    Candidate,
    EmployerQuota,
    Fit,
    OpenVacancy,
    OutreachRow,
    employer_quota,
    gain_key,
    outreach_row,
    quota_staff,
    rank_outreach,
    without_persons,
)

__all__ = [
    "CANDIDATE_HEADERS",
    "EMPLOYER_HEADERS",
    "NON_ENTERPRISE_KINDS",
    "SHEETS",
    "SUPPORT_ZH",
    "TOP_CANDIDATES",
    "Candidate",
    "EmployerQuota",
    "Fit",
    "OpenVacancy",
    "OutreachExport",
    "OutreachRow",
    "below_quota",
    "employer_quota",
    "export_outreach",
    "gain_key",
    "letter",
    "open_vacancies",
    "outreach_county",
    "outreach_row",
    "outreach_workbook",
    "persons_visible",
    "quota_staff",
    "rank_outreach",
    "without_persons",
]
