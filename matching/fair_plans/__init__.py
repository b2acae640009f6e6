"""Recruitment fairs as organisers run them: fairs, booths, registered candidates, and the
pre-match (who goes to which booth when) stored, compared with the naive way and exported.

``matching.fair_solver`` is the solver (b-matching, timetable, naive way); this package feeds it a
fair's data and turns its answer into plans per candidate and shortlists per employer. Scoring
pairs with the served ranker happens in the serving layer, which hands in probabilities.
"""

from matching.fair_plans.assemble import RunInfo, assemble
from matching.fair_plans.excel import SHEETS, export_prematch
from matching.fair_plans.fairs import (
    MAX_CAPACITY,
    MAX_FAIR_CANDIDATES,
    MAX_FAIR_VACANCIES,
    BoothRequest,
    BoothsAdded,
    BoothView,
    NewFair,
    add_vacancies,
    candidate_count,
    create_fair,
    fair_booths,
    get_fair,
    list_fairs,
)
from matching.fair_plans.plan import Day, FairPlan, plan_fair
from matching.fair_plans.registration import (
    Registration,
    register_file,
    register_persons,
    register_upload,
)
from matching.fair_plans.result import (
    CANDIDATE_STATUSES,
    BoothVisit,
    CalibrationInfo,
    CandidatePlan,
    Interviewee,
    PrematchResult,
    VacancyPlan,
    WayFigures,
)
from matching.fair_plans.roster import (
    CandidateInfo,
    CandidateView,
    VacancyInfo,
    list_candidates,
    load_candidates,
    load_vacancies,
)
from matching.fair_plans.rules import (
    reservation_allows,
    venue_gaps,
    venue_reason,
)
from matching.fair_plans.store import load_prematch, load_visible_prematch, save_prematch
from matching.workbook import XLSX_MEDIA_TYPE, Export

__all__ = [
    "CANDIDATE_STATUSES",
    "MAX_CAPACITY",
    "MAX_FAIR_CANDIDATES",
    "MAX_FAIR_VACANCIES",
    "SHEETS",
    "XLSX_MEDIA_TYPE",
    "BoothRequest",
    "BoothView",
    "BoothVisit",
    "BoothsAdded",
    "CalibrationInfo",
    "CandidateInfo",
    "CandidatePlan",
    "CandidateView",
    "Day",
    "Export",
    "FairPlan",
    "Interviewee",
    "NewFair",
    "PrematchResult",
    "Registration",
    "RunInfo",
    "VacancyInfo",
    "VacancyPlan",
    "WayFigures",
    "add_vacancies",
    "assemble",
    "candidate_count",
    "create_fair",
    "export_prematch",
    "fair_booths",
    "get_fair",
    "list_candidates",
    "list_fairs",
    "load_candidates",
    "load_prematch",
    "load_vacancies",
    "load_visible_prematch",
    "plan_fair",
    "register_file",
    "register_persons",
    "register_upload",
    "reservation_allows",
    "save_prematch",
    "venue_gaps",
    "venue_reason",
]
