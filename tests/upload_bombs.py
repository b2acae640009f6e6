"""Crafted .xlsx files, built from XML strings with ``zipfile``: minimal workbooks and bombs.

Used by tests/test_upload_bombs.py and by experiments/upload_bombs.py (before/after figures).
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterable

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
TWO_CELLS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
    '<row r="2"><c r="A2"><v>42</v></c></row>'
)


def sheet_xml(rows: str | Iterable[str], dimension: str = "A1:A2") -> Iterable[str]:
    """The sheet's XML in pieces (so a million rows are written without one huge string)."""
    yield f'{HEAD}<dimension ref="{dimension}"/><sheetData>'
    yield from [rows] if isinstance(rows, str) else rows
    yield "</sheetData></worksheet>"


def workbook(
    sheet: Iterable[str],
    strings: Iterable[str] = (f'<sst xmlns="{NS}"></sst>',),
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An .xlsx (deflated) whose first sheet and shared-string table are the given XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, text in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", strings)):
            with archive.open(name, "w") as member:
                for piece in text:
                    member.write(piece.encode())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def dimension_bomb(rows: int = 1_048_576) -> bytes:
    """Two real cells, in the first and the last of ``rows`` rows; the sheet declares every
    column Excel has (the issue's file declared 1,000 rows: openpyxl yields every row between
    the two, each padded to the declared 16,384 columns)."""
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
        f'<row r="{rows}"><c r="A{rows}"><v>42</v></c></row>'
    )
    return workbook(sheet_xml(cells, f"A1:XFD{rows}"))


def empty_rows(count: int = 1_000_000) -> bytes:
    """Two real cells, then ``count`` empty ``<row/>`` elements."""
    return workbook(sheet_xml([TWO_CELLS, *(f'<row r="{n}"/>' for n in range(3, count + 3))]))


def zeros_member(megabytes: int = 200) -> bytes:
    """A sheet padded with ``megabytes`` of spaces: a 1000-fold compression ratio."""
    pad = " " * (1024 * 1024)
    return workbook(sheet_xml([TWO_CELLS, *(pad for _ in range(megabytes))]))


def nested_zip(depth: int = 10) -> bytes:
    """A zip inside a zip, ``depth`` deep, stored as the sheet itself."""
    data = b"\x00" * 1024 * 1024
    for _ in range(depth):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", data)
        data = buffer.getvalue()
    buffer = io.BytesIO()
    plain = io.BytesIO(workbook(sheet_xml(TWO_CELLS)))
    with (
        zipfile.ZipFile(plain, "r") as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, source.read(info))
        archive.writestr("xl/worksheets/sheet1.xml", data)
    return buffer.getvalue()


def many_members(count: int = 5_000) -> bytes:
    """A valid workbook plus ``count`` tiny extra members."""
    return workbook(sheet_xml(TWO_CELLS), extra={f"x/{n}": b"" for n in range(count)})


def deep_xml(depth: int = 100_000) -> bytes:
    """A sheet whose cell nests ``depth`` unknown elements."""
    return workbook(sheet_xml(['<row r="1">', "<x>" * depth, "</x>" * depth, "</row>"]))


def billion_laughs() -> bytes:
    """The classic entity-expansion bomb as the shared-string table."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{NS}"><si><t>&a9;</t></si></sst>'
    )
    return workbook(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), [strings])


def shared_strings(count: int, length: int = 8, cited: int = 0) -> bytes:
    """A table of ``count`` distinct strings of ``length`` characters; the sheet cites ``cited``."""
    pieces = (f"<si><t>{n:0{length}d}</t></si>" for n in range(count))
    sheet = f'<row r="1"><c r="A1" t="s"><v>{cited}</v></c></row>'
    return workbook(sheet_xml(sheet), [f'<sst xmlns="{NS}">', *pieces, "</sst>"])


def noise(length: int, seed: int = 0) -> str:
    """Hex digits that compress only ~2:1 (so no ratio check stops them first)."""
    return random.Random(seed).randbytes(length // 2).hex()


def huge_string(length: int = 10_000_000, noisy: bool = False) -> bytes:
    """One shared string of ``length`` characters, cited by the sheet."""
    body = noise(length) if noisy else "ab" * (length // 2)
    return workbook(
        sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
        [f'<sst xmlns="{NS}"><si><t>', body, "</t></si></sst>"],
    )


def long_strings(count: int = 700, length: int = 30_000) -> bytes:
    """``count`` noisy strings just under Excel's cell limit; the sheet cites the last."""
    pieces = (f"<si><t>{noise(length, n)}</t></si>" for n in range(count))
    sheet = f'<row r="1"><c r="A1" t="s"><v>{count - 1}</v></c></row>'
    return workbook(sheet_xml(sheet), [f'<sst xmlns="{NS}">', *pieces, "</sst>"])


def real_rows(count: int) -> bytes:
    """``count`` rows of one small numeric cell each."""
    return workbook(
        sheet_xml(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, count + 1))
    )


def wide_row(columns: int) -> bytes:
    """One row with ``columns`` numeric cells (no ``r`` attributes: counted by position)."""
    return workbook(sheet_xml(["<row>", *("<c><v>1</v></c>" for _ in range(columns)), "</row>"]))


def many_cells(count: int) -> bytes:
    """One row of ``count`` empty ``<c/>`` elements."""
    return workbook(sheet_xml(["<row>", *("<c/>" for _ in range(count)), "</row>"]))
