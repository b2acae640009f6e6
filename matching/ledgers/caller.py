"""Who acts on a ledger and which counties they may see: the domain's view of a logged-in user.

The serving layer turns its principal into a ``Caller``; the domain never imports web code. A
ledger of a county the caller cannot see is answered exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import InstrumentedAttribute

__all__ = ["Caller"]


@dataclass(frozen=True, slots=True)
class Caller:
    """``counties`` None: every county (city-wide users); an empty set: none at all."""

    user_id: int | None
    username: str
    counties: frozenset[str] | None = None

    def can_see(self, county: str | None) -> bool:
        if self.counties is None:
            return True
        return county is not None and county in self.counties

    def county_filter(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        """A WHERE clause keeping only rows of visible counties."""
        if self.counties is None:
            return true()
        if not self.counties:
            return false()
        return column.in_(sorted(self.counties))
