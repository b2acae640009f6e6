"""The small parts of an .xlsx around its first sheet: relationships, workbook, styles, strings.

Each is a streaming ``Handler``; the shared-string table is read only as far as the sheet
needs it (a table of a million strings the sheet never cites costs nothing), within
``MAX_SHARED_STRINGS`` entries and ``MAX_SHARED_CHARS`` characters.
"""

from __future__ import annotations

import posixpath

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

from matching.imports.limits import (
    MAX_CELL_CHARS,
    MAX_SHARED_CHARS,
    MAX_SHARED_STRINGS,
    too_many_strings,
)
from matching.imports.xml_stream import Handler, Stop

CUSTOM_FORMATS_FROM = 164


def resolve(base: str, target: str) -> str:
    """A relationship's target as a zip member name (relative to the part's folder)."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


class Relationships(Handler):
    """``Id`` -> (type suffix, member name) of one ``_rels/*.rels`` part."""

    def __init__(self, part: str):
        super().__init__()
        self.part = part
        self.by_id: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.enter()
        if self.local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            kind = attrs.get("Type", "").rpartition("/")[2]
            self.by_id[attrs.get("Id", "")] = (kind, resolve(self.part, attrs.get("Target", "")))

    def first(self, kind: str) -> str | None:
        return next((target for k, target in self.by_id.values() if k == kind), None)


def rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Workbook(Handler):
    """The sheets' relationship ids in tab order, and the 1904 date system flag."""

    def __init__(self) -> None:
        super().__init__()
        self.sheet_ids: list[str] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.enter()
        tag = self.local(name)
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if self.local(k) == "id" and k != "id"), "")
            self.sheet_ids.append(rid)
        elif tag == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class Styles(Handler):
    """Which cell styles (``s`` indexes) format numbers as dates or durations."""

    def __init__(self) -> None:
        super().__init__()
        self.formats: dict[int, str] = {}
        self.cell_formats: list[int] = []
        self._in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.enter()
        tag = self.local(name)
        if tag == "numFmt":
            self.formats[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            self._in_cell_xfs = True
        elif tag == "xf" and self._in_cell_xfs:
            self.cell_formats.append(int(attrs.get("numFmtId", "0")))

    def end(self, name: str) -> None:
        self.depth -= 1
        if self.local(name) == "cellXfs":
            self._in_cell_xfs = False

    def code(self, format_id: int) -> str:
        if format_id < CUSTOM_FORMATS_FROM:
            return str(BUILTIN_FORMATS.get(format_id, "General"))
        return self.formats.get(format_id, "General")

    def date_styles(self) -> tuple[frozenset[str], frozenset[str]]:
        """Style indexes (as the ``s`` attribute spells them) of dates, and of durations."""
        dates: set[str] = set()
        durations: set[str] = set()
        for index, format_id in enumerate(self.cell_formats):
            code = self.code(format_id)
            if is_date_format(code):
                dates.add(str(index))
                if is_timedelta_format(code):
                    durations.add(str(index))
        return frozenset(dates), frozenset(durations)


class SharedStrings(Handler):
    """The first ``needed`` strings of the table (rich-text runs joined, phonetic runs left out,
    as openpyxl reads them)."""

    def __init__(self, needed: int):
        super().__init__()
        self.needed = needed
        self.strings: list[str] = []
        self.chars = 0
        self._parts: list[str] = []
        self._length = 0
        self._collect = False
        self._phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.enter()
        tag = self.local(name)
        if tag == "t":
            self._collect = not self._phonetic
        elif tag == "si":
            self._parts, self._length = [], 0
        elif tag == "rPh":
            self._phonetic += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        tag = self.local(name)
        if tag == "t":
            self._collect = False
        elif tag == "rPh":
            self._phonetic -= 1
        elif tag == "si":
            self.strings.append("".join(self._parts).replace("x005F_", ""))
            self._parts = []
            if len(self.strings) > MAX_SHARED_STRINGS:
                too_many_strings()
            if len(self.strings) >= self.needed:
                raise Stop

    def text(self, data: str) -> None:
        if self._collect:
            self._length += len(data)
            self.chars += len(data)
            if self._length > MAX_CELL_CHARS or self.chars > MAX_SHARED_CHARS:
                too_many_strings()
            self._parts.append(data)
