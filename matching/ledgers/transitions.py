"""Which status moves a 一人一策 ledger may make, and why.

Statuses (codes.GRADUATE_STATUSES): 在校 in_school, 离校未就业 unemployed, 已就业 employed,
升学 further_study, 灵活就业 flexible, 公益性岗位 public_welfare.

    from \\ to      在校  离校未就业  已就业  升学  灵活就业  公益性岗位
    在校             -       ✓         ✓      ✓       ✓          ✗
    离校未就业       ✗       -         ✓      ✓       ✓          ✓*
    已就业           ✗       ✓         -      ✓       ✓          ✗
    升学             ✗       ✓         ✓      -       ✓          ✗
    灵活就业         ✗       ✓         ✓      ✓       -          ✗
    公益性岗位       ✗       ✓         ✓      ✓       ✓          -

Why:
- 在校 is where a ledger starts while the student is at university; nobody goes back to it
  (studying again after leaving is 升学).
- Leaving school ends in one of the four outcomes; 公益性岗位 is not one of them: the city's plan
  places graduates on public-welfare posts only "when the market channel really cannot place
  them" (对于通过市场渠道确实难以就业的，可依托公益性岗位进行安置). So it is reached only from
  离校未就业, and (*) only after the ledger records at least one job referral carried out
  (a done 岗位推荐 action): the market was tried first. That second check needs the plan and lives
  in ``matching.ledgers.status``; this table is the first.
- A job can be lost (已就业/灵活就业 → 离校未就业), changed between employed and flexible, or
  left for further study. Further study ends like school does (升学 → any market outcome or
  离校未就业). A public-welfare post is left for the market, for study or when it ends.
- Staying in the same status is not a move and is refused, so the history only holds changes.

A ledger may be opened in any status but 公益性岗位 (``OPENING_STATUSES``), for the same reason.
"""

from __future__ import annotations

from matching.codes import GRADUATE_STATUSES
from matching.errors import conflict

__all__ = ["ALLOWED_MOVES", "LAST_RESORT", "OPENING_STATUSES", "check_move", "check_opening"]

LAST_RESORT = "public_welfare"
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    "in_school": frozenset({"unemployed", "employed", "further_study", "flexible"}),
    "unemployed": frozenset({"employed", "further_study", "flexible", "public_welfare"}),
    "employed": frozenset({"unemployed", "further_study", "flexible"}),
    "further_study": frozenset({"unemployed", "employed", "flexible"}),
    "flexible": frozenset({"unemployed", "employed", "further_study"}),
    "public_welfare": frozenset({"unemployed", "employed", "further_study", "flexible"}),
}
OPENING_STATUSES: frozenset[str] = frozenset(GRADUATE_STATUSES.codes) - {LAST_RESORT}


def check_move(current: str, new: str) -> None:
    """Raise ``ConflictError`` unless ``current → new`` is in the table."""
    allowed = ALLOWED_MOVES.get(current, frozenset())
    if new in allowed:
        return
    names = [code for code in GRADUATE_STATUSES.codes if code in allowed]
    allowed_zh = "、".join(GRADUATE_STATUSES.label(code) for code in names)
    if new == current:
        reason_zh = f"台账当前已是“{GRADUATE_STATUSES.label(new)}”，无需变更"
    elif new == LAST_RESORT:
        reason_zh = "公益性岗位是兜底安置，只能从“离校未就业”转入"
    else:
        reason_zh = (
            f"不能从“{GRADUATE_STATUSES.label(current)}”变更为“{GRADUATE_STATUSES.label(new)}”"
        )
    raise conflict(
        "status_move_not_allowed",
        f"status {current!r} may not move to {new!r}; allowed: {', '.join(names) or 'none'}",
        f"{reason_zh}；当前状态可变更为：{allowed_zh or '无'}",
        field="status",
    )


def check_opening(status: str) -> None:
    """Raise ``ConflictError`` unless a ledger may be opened in ``status``."""
    if status in OPENING_STATUSES:
        return
    allowed = [code for code in GRADUATE_STATUSES.codes if code in OPENING_STATUSES]
    raise conflict(
        "status_not_allowed_at_opening",
        f"a ledger cannot be opened in status {status!r}; allowed: {', '.join(allowed)}",
        "新建台账不能直接为“公益性岗位”：公益性岗位是兜底安置，须先登记为“离校未就业”并完成岗位推荐；"
        f"可选：{'、'.join(GRADUATE_STATUSES.label(code) for code in allowed)}",
        field="status",
    )
