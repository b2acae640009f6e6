"""Progress against the plan's targets (issue 20 §1): measures, targets, the report and its lists.

``definitions`` writes each measure's rule down; ``measures`` reads the rows each counts from
the tables; ``counting`` turns them into figures and paces; ``targets`` holds the plan's targets
with their sources; ``report.progress_report`` is the one object the API, pages and reports show;
``records.progress_records`` is the list behind a figure.
"""

from matching.progress.counting import BREAKDOWNS, Figure, Pace
from matching.progress.definitions import MEASURES, Measure, Reason, Shape, Unit
from matching.progress.periods import Period
from matching.progress.records import ProgressRecord, RecordsAnswer, progress_records
from matching.progress.report import (
    RECORDS_PATH,
    GroupProgress,
    MeasureProgress,
    ProgressReport,
    progress_report,
)
from matching.progress.targets import DEFAULT_PLAN, PlanTargets, TargetLine

__all__ = [
    "BREAKDOWNS",
    "DEFAULT_PLAN",
    "MEASURES",
    "RECORDS_PATH",
    "Figure",
    "GroupProgress",
    "Measure",
    "MeasureProgress",
    "Pace",
    "Period",
    "PlanTargets",
    "ProgressRecord",
    "ProgressReport",
    "Reason",
    "RecordsAnswer",
    "Shape",
    "TargetLine",
    "Unit",
    "progress_records",
    "progress_report",
]
