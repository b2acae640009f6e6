"""一人一策 ledgers of disabled university students and graduates (离校不断线).

A ledger holds school, major, degree, graduation year and needs; a plan of dated services that
are carried out or cancelled; every follow-up contact; and a status whose moves are checked by
``transitions`` and kept as a history. ``worklist`` finds graduates who left school without work
and were not contacted lately; ``summary`` counts a county's ledgers; ``export`` writes both as
Excel. Every function takes a ``Caller`` (who acts, which counties they see): a ledger of another
county is not found. Functions flush but never commit; the caller owns the transaction.
"""

from matching.access import Caller
from matching.ledgers.contacts import add_follow_up
from matching.ledgers.export import (
    XLSX_MEDIA_TYPE,
    Export,
    export_ledger,
    export_summary,
    ledger_workbook,
    summary_workbook,
)
from matching.ledgers.plan import add_action, plan_referral, update_action
from matching.ledgers.records import (
    EDITABLE_FIELDS,
    LedgerRow,
    get_ledger,
    list_ledgers,
    open_ledger,
    update_ledger,
)
from matching.ledgers.status import change_status
from matching.ledgers.summary import LedgerSummary, ledger_summary
from matching.ledgers.transitions import ALLOWED_MOVES, OPENING_STATUSES, check_move
from matching.ledgers.views import LedgerView, PersonBasics, ledger_view
from matching.ledgers.worklist import DEFAULT_DAYS, MAX_DAYS, WorklistEntry, worklist

__all__ = [
    "ALLOWED_MOVES",
    "DEFAULT_DAYS",
    "EDITABLE_FIELDS",
    "MAX_DAYS",
    "OPENING_STATUSES",
    "XLSX_MEDIA_TYPE",
    "Caller",
    "Export",
    "LedgerRow",
    "LedgerSummary",
    "LedgerView",
    "PersonBasics",
    "WorklistEntry",
    "add_action",
    "add_follow_up",
    "change_status",
    "check_move",
    "export_ledger",
    "export_summary",
    "get_ledger",
    "ledger_summary",
    "ledger_view",
    "ledger_workbook",
    "list_ledgers",
    "open_ledger",
    "plan_referral",
    "summary_workbook",
    "update_action",
    "update_ledger",
    "worklist",
]
