"""Logging set-up with a filter that masks anything shaped like an ID or certificate number.

Code should never log such numbers in the first place; the filter is the second line of defence
(for messages from libraries, e.g. a database error that quotes a row).
"""

from __future__ import annotations

import logging

from matching.validators import mask_sensitive


class MaskSensitiveFilter(logging.Filter):
    """Rewrites each record's message with ID-like runs masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_sensitive(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    """Root handler to stderr with the mask filter on the handler (so every logger is covered)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskSensitiveFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if any(isinstance(f, MaskSensitiveFilter) for f in existing.filters):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
