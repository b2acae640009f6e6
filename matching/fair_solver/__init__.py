"""The recruitment-fair solver: booths per candidate, shortlists per employer, interview slots
(the fairs themselves, their booths and registrations are `matching.fair_plans`).

Pure domain code (no database, no HTTP): ``assign`` picks the pairs, ``make_timetable`` gives them
clash-free slots, ``naive_assignment`` and ``compare_with_naive`` show what pre-matching buys.
"""

from matching.fair_solver.assignment import (
    Assignment,
    Comparison,
    FairProblem,
    NaiveAssignment,
    NaiveRule,
    WayReport,
    assign,
    compare_with_naive,
    interview_capacity,
    naive_assignment,
)
from matching.fair_solver.timetable import Interview, ShortlistEntry, Timetable, make_timetable

__all__ = [
    "Assignment",
    "Comparison",
    "FairProblem",
    "Interview",
    "NaiveAssignment",
    "NaiveRule",
    "ShortlistEntry",
    "Timetable",
    "WayReport",
    "assign",
    "compare_with_naive",
    "interview_capacity",
    "make_timetable",
    "naive_assignment",
]
