"""Record errors that carry a Chinese message for the counselor as well as the English one.

They are the ordinary classes of :mod:`matching.errors` (so the HTTP mapping is unchanged:
404, 409, 403), with ``message_zh`` added.
"""

from __future__ import annotations

from matching.errors import ConflictError, NotFoundError, OutOfCounty


class RecordNotFound(NotFoundError):
    """No such record, or one outside the caller's county: the two answers are identical."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message_zh = message_zh


class RecordConflict(ConflictError):
    """A create or update would repeat a natural key (resident ID, credit code, code...)."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message_zh = message_zh


__all__ = ["OutOfCounty", "RecordConflict", "RecordNotFound"]
