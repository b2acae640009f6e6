"""The home page's new-match alerts (issue 21 §3): read from the newest night of the batch
(``serving.batch.alerts``), kept to the persons the caller reaches, as a worklist like the
others of ``matching.today``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.pages import Page, check_page, offset_of
from matching.storage import Person
from matching.today import TodayList, TodayRow
from serving.batch.alerts import latest_alerts

__all__ = ["NEW_MATCHES", "NEW_MATCH_ROLES", "new_match_list"]

NEW_MATCHES = "new_matches"
NEW_MATCH_ROLES = frozenset({"counselor", "case_worker", "admin"})
TITLE_ZH = "新匹配提醒"
EXPLAIN_ZH = "昨晚批量推荐中前三位出现了明显更合适的新岗位的人员，以及台账中有待办岗位推荐的毕业生"


def new_match_list(
    session: Session, caller: Caller, batch_folder: Path, page: int = 1, page_size: int = 10
) -> TodayList | None:
    """The alerts of the newest compared night for the caller's persons; None for a role
    without the list or when no night has been compared yet."""
    if caller.role not in NEW_MATCH_ROLES:
        return None
    check_page(page, page_size)
    alerts = latest_alerts(batch_folder)
    if alerts is None:
        return None
    ids = alerts["person_id"].unique().to_list()
    names = dict(
        session.execute(
            select(Person.id, Person.name).where(Person.id.in_(ids), caller.person_condition())
        ).all()
    )
    rows = [
        TodayRow(
            names[row["person_id"]], f"/persons/{row['person_id']}/recommendations", _detail(row)
        )
        for row in alerts.iter_rows(named=True)
        if row["person_id"] in names
    ]
    start = offset_of(page, page_size)
    return TodayList(
        NEW_MATCHES,
        TITLE_ZH,
        EXPLAIN_ZH,
        Page(rows[start : start + page_size], len(rows), page, page_size),
    )


def _detail(row: dict[str, object]) -> str:
    chance = float(row["probability"])  # type: ignore[arg-type]
    before = float(row["best_before"])  # type: ignore[arg-type]
    text = (
        f"新岗位“{row['title']}”排第{row['rank']}位，录用可能约{chance:.0%}"
        f"（此前列表最高约{before:.0%}）"
    )
    return text + "；台账中有待办的岗位推荐" if row["promised"] else text
