"""The two ways a ledger request is refused besides a malformed value, with Chinese messages.

ValidationError (422)  the value itself is malformed: wrong type, too long, control
                       characters, not in its code list. The API's schema describes all of
                       these, so a request that fits the schema never meets one.
LedgerConflict (409)   the value is well formed but does not fit what is stored or today's
                       date: a status move the table forbids, a public-welfare post before a
                       job referral, a person who is no graduate, a contact dated in the
                       future, an action that is already done.
LedgerNotFound (404)   no such ledger, person or action, or one of a county the caller
                       cannot see (the same answer, so other counties are not revealed).
"""

from __future__ import annotations

from matching.errors import ConflictError, NotFoundError

__all__ = ["LedgerConflict", "LedgerNotFound"]


class LedgerConflict(ConflictError):
    """A well-formed request that the stored state or the calendar does not allow."""

    def __init__(self, code: str, message: str, message_zh: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh
        self.field = field


class LedgerNotFound(NotFoundError):
    def __init__(self, message: str, message_zh: str):
        super().__init__(message)
        self.message_zh = message_zh
