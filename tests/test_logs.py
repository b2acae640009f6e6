"""The logging filter masks ID-like numbers whatever logger they come from."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from matching.logs import MaskSensitiveFilter, configure_logging


def test_ids_in_log_messages_and_arguments_are_masked() -> None:
    record = logging.LogRecord(
        "sqlalchemy", logging.ERROR, __file__, 1, "duplicate key %s in row %d",
        ("37150219900101123442", 7), None,
    )  # fmt: skip
    assert MaskSensitiveFilter().filter(record)
    message = record.getMessage()
    assert "19900101" not in message
    assert message.startswith("duplicate key 371502********1234** in row 7")


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root_logger")
def test_configured_handlers_mask(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging()
    configure_logging()  # repeatable: one handler, not two
    logging.getLogger("anything").warning("person %s", "371502199001011234")
    err = capsys.readouterr().err
    assert "19900101" not in err
    assert err.count("person 371502********1234") == 1
