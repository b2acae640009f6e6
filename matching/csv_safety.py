"""CSV files the product writes are opened in Excel: no cell may run as a formula.

Excel (and LibreOffice, WPS) treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, also after a leading tab or carriage return, so a value such as ``=cmd|' /C calc'!A0``
copied from an import file into the reject report would run when the report is opened (CSV
injection). Every CSV writer of the product goes through ``csv_writer`` (tests/test_csv_safety.py
checks that no other module calls ``csv.writer``), which prefixes such a text cell with a single
quote, as OWASP recommends: Excel shows the text as it was, without the quote.

The price: a text cell that is a negative number (``-5``) is prefixed too and reads as text in
Excel. Numbers passed as ``int``/``float`` are left alone (Excel reads them as numbers, never as
formulas); only text is neutralised.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["FORMULA_STARTS", "SafeWriter", "csv_writer", "neutralise"]

# A formula starts with one of these; tab and CR are skipped by Excel before it looks.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The cell as Excel must read it: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """``csv.writer`` that neutralises every cell of every row it writes."""

    def __init__(self, handle: _Writable, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: _Writable, **options: Any) -> SafeWriter:
    """The only way the product writes CSV (reject reports, templates)."""
    return SafeWriter(handle, **options)
