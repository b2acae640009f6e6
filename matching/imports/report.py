"""The reject report: one line per problem, with row number, column and a Chinese reason.

Values are masked: no full ID or certificate number ever reaches a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matching.csv_safety import csv_writer
from matching.validators import mask_sensitive

REPORT_HEADERS = ("行号", "列", "原因代码", "说明", "原值（已脱敏）")
VALUE_EXCERPT = 40


@dataclass(frozen=True)
class Reject:
    row: int
    column: str
    code: str
    message_zh: str
    value: str


def masked_excerpt(value: str, *, sensitive: bool) -> str:
    if sensitive:
        value = (
            "*" * len(value)
            if len(value) < 10
            else value[:6] + "*" * (len(value) - 10) + value[-4:]
        )
    return mask_sensitive(value)[:VALUE_EXCERPT]


def write_report(path: Path, rejects: list[Reject]) -> None:
    """CSV in UTF-8 with BOM, so Excel opens the Chinese correctly; cells that Excel would run as
    formulas (a value copied from the import file) are neutralised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(REPORT_HEADERS)
        for reject in rejects:
            writer.writerow(
                (reject.row, reject.column, reject.code, reject.message_zh, reject.value)
            )
