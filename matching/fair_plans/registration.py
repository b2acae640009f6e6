"""Register candidates for a fair: picked person ids, or a CSV/.xlsx list of ID numbers or ids.

Files are read with the import pipeline's reader (``matching.imports.reading``) and problems
reported as its ``Reject`` lines (row number as the spreadsheet shows it, column, reason code,
Chinese reason, masked value), so nothing is lost: every row is registered, found already
registered, or rejected with a reason. A person outside the caller's scope is rejected exactly
like one that does not exist. A file without a recognised header is read as one column of ID
numbers or person ids.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.errors import ImportFileError, ValidationError
from matching.fair_plans.fairs import MAX_FAIR_CANDIDATES
from matching.imports.headers import HEADER_SEARCH_ROWS, header_key
from matching.imports.reading import read_sheet
from matching.imports.report import Reject, masked_excerpt
from matching.person_conflicts.lookup import AMBIGUOUS_ZH, persons_by_id_number
from matching.records.uploads import safe_filename, save
from matching.storage import Fair, FairCandidate, Person, append_audit
from matching.validators import parse_resident_id

MAX_ID = 2**31 - 1
MAX_ROWS = 10_000
MAX_REJECTS_SHOWN = 1000
ID_HEADERS = ("身份证号", "公民身份号码", "身份证号码", "id_number")
PERSON_HEADERS = ("人员编号", "人员ID", "person_id")
ID_COLUMN, PERSON_COLUMN = "身份证号", "人员编号"
_DIGITS = re.compile(r"^\d{1,10}$")
NOT_FOUND_ZH = "未找到该人员（或不属于您负责的范围）"
T = TypeVar("T")


@dataclass(frozen=True)
class Registration:
    """``total`` = ``registered`` + ``already_registered`` + ``rejected``."""

    total: int
    registered: int
    already_registered: int
    rejected: int
    rejects: list[Reject] = field(default_factory=list)
    rejects_truncated: bool = False


@dataclass
class _Row:
    number: int
    column: str
    text: str
    person_id: int | None = None
    id_number: str | None = None
    problem: tuple[str, str] | None = None  # (code, message_zh)


def register_persons(
    session: Session,
    fair: Fair,
    person_ids: Sequence[int],
    caller: Caller,
    *,
    actor: str,
    today: date,
) -> Registration:
    """Register picked persons; row n of the report is the n-th id of the request."""
    rows = [_Row(n, PERSON_COLUMN, str(pid), person_id=pid) for n, pid in enumerate(person_ids, 1)]
    return _register(session, fair, rows, caller, actor=actor, today=today, source="ids")


def register_file(
    session: Session, fair: Fair, path: Path, caller: Caller, *, actor: str, today: date
) -> Registration:
    """Register the persons a CSV or .xlsx file lists (``ImportFileError`` if unreadable)."""
    sheet = read_sheet(path)
    rows = _rows(sheet.rows)
    if not rows:
        raise ImportFileError("the file has a header but no data rows", "文件只有表头，没有数据行")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"at most {MAX_ROWS} rows per file", f"每个文件最多{MAX_ROWS}行，请拆分后分批上传"
        )
    return _register(session, fair, rows, caller, actor=actor, today=today, source=path.name)


def register_upload(
    session: Session,
    fair: Fair,
    stream: BinaryIO,
    filename: str | None,
    caller: Caller,
    *,
    actor: str,
    today: date,
) -> Registration:
    """``register_file`` for an uploaded stream (size-checked as imports are); a name without
    .csv or .xlsx is read as what its bytes are (a zip is a workbook)."""
    name = safe_filename(filename)
    with tempfile.TemporaryDirectory(prefix="jobmatch-fair-") as folder:
        path = Path(folder) / name
        save(stream, path)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            with path.open("rb") as handle:
                zipped = handle.read(4) == b"PK\x03\x04"
            path = path.rename(path.with_name(path.name + (".xlsx" if zipped else ".csv")))
        return register_file(session, fair, path, caller, actor=actor, today=today)


def _rows(cells: list[tuple[int, list[str]]]) -> list[_Row]:
    """One row per data line: the ID number column if the header names one, else person ids;
    without a header, the first non-empty cell of each line, told apart by its shape."""
    id_keys = {header_key(h) for h in ID_HEADERS}
    person_keys = {header_key(h) for h in PERSON_HEADERS}
    for index, (_number, line) in enumerate(cells[:HEADER_SEARCH_ROWS]):
        keys = [header_key(cell) for cell in line]
        id_at = next((i for i, k in enumerate(keys) if k in id_keys), None)
        person_at = next((i for i, k in enumerate(keys) if k in person_keys), None)
        if id_at is not None or person_at is not None:
            return [
                _cell_row(number, line, id_at, person_at) for number, line in cells[index + 1 :]
            ]
    return [_guess_row(number, line) for number, line in cells]


def _cell_row(number: int, line: list[str], id_at: int | None, person_at: int | None) -> _Row:
    def cell(at: int | None) -> str:
        return line[at].strip() if at is not None and at < len(line) else ""

    id_text, person_text = cell(id_at), cell(person_at)
    if id_text:
        row = _Row(number, ID_COLUMN, id_text)
        _parse_id(row)
        if person_text and row.problem is None:
            row.person_id = _person_id(person_text)  # checked against the ID number later
        return row
    row = _Row(number, PERSON_COLUMN if person_at is not None else ID_COLUMN, person_text)
    if not person_text:
        row.problem = ("required", "身份证号和人员编号均为空，至少填写一项")
        return row
    _parse_person(row)
    return row


def _guess_row(number: int, line: list[str]) -> _Row:
    text = next((cell.strip() for cell in line if cell.strip()), "")
    if _DIGITS.fullmatch(text):
        row = _Row(number, PERSON_COLUMN, text)
        _parse_person(row)
    else:
        row = _Row(number, ID_COLUMN, text)
        _parse_id(row)
    return row


def _parse_id(row: _Row) -> None:
    try:
        row.id_number = parse_resident_id(row.text).number
    except ValidationError as error:
        row.problem = (error.code, error.message_zh)


def _person_id(text: str) -> int | None:
    return int(text) if _DIGITS.fullmatch(text) and 1 <= int(text) <= MAX_ID else None


def _parse_person(row: _Row) -> None:
    row.person_id = _person_id(row.text)
    if row.person_id is None:
        row.problem = ("person_id_format", f"人员编号应为1至{MAX_ID}之间的整数")


def _register(
    session: Session,
    fair: Fair,
    rows: list[_Row],
    caller: Caller,
    *,
    actor: str,
    today: date,
    source: str,
) -> Registration:
    persons, ambiguous = _lookup(session, rows, caller)
    registered = set(
        session.scalars(select(FairCandidate.person_id).where(FairCandidate.fair_id == fair.id))
    )
    room = MAX_FAIR_CANDIDATES - len(registered)
    seen: dict[int, int] = {}
    new: list[int] = []
    already = 0
    for row in rows:
        if row.problem is not None:
            continue
        person = persons.get(row.id_number) if row.id_number else persons.get(row.person_id)
        if row.id_number in ambiguous:
            row.problem = ("ambiguous_id_number", f"{AMBIGUOUS_ZH}，请改用人员编号登记")
        elif person is None or not caller.reaches(person):
            row.problem = ("person_not_found", NOT_FOUND_ZH)
        elif row.id_number and row.person_id is not None and row.person_id != person.id:
            row.problem = ("person_mismatch", "身份证号与人员编号不是同一人")
        elif person.id in seen:
            row.problem = ("duplicate_in_file", f"与第{seen[person.id]}行是同一人")
        elif person.id in registered:
            seen[person.id] = row.number
            already += 1
        elif len(new) >= room:
            row.problem = ("fair_full", f"每场招聘会最多登记{MAX_FAIR_CANDIDATES}名求职者")
        else:
            seen[person.id] = row.number
            new.append(person.id)
    session.add_all(
        FairCandidate(fair_id=fair.id, person_id=pid, registered_on=today) for pid in new
    )
    session.flush()
    rejects = [
        Reject(
            row=row.number,
            column=row.column,
            code=row.problem[0],
            message_zh=row.problem[1],
            value=masked_excerpt(row.text, sensitive=row.column == ID_COLUMN),
        )
        for row in rows
        if row.problem is not None
    ]
    result = Registration(
        total=len(rows),
        registered=len(new),
        already_registered=already,
        rejected=len(rejects),
        rejects=rejects[:MAX_REJECTS_SHOWN],
        rejects_truncated=len(rejects) > MAX_REJECTS_SHOWN,
    )
    append_audit(
        session,
        actor=actor,
        action="fair_register",
        entity="fair",
        entity_id=str(fair.id),
        detail={
            "source": masked_excerpt(source, sensitive=False),
            "total": result.total,
            "registered": result.registered,
            "already_registered": result.already_registered,
            "rejected": result.rejected,
        },
    )
    return result


def _lookup(
    session: Session, rows: list[_Row], caller: Caller
) -> tuple[dict[object, Person], set[str]]:
    """Persons by ID number and by id, for the rows that parsed, and the ID numbers naming two
    persons. An ID is looked up within the caller's reach: it is unique per county only, and a
    city-wide caller may reach two holders of it (a transfer awaiting an administrator)."""
    numbers = {row.id_number for row in rows if row.problem is None and row.id_number}
    ids = {row.person_id for row in rows if row.problem is None and row.person_id is not None}
    found: dict[object, Person] = {}
    ambiguous: set[str] = set()
    for number, holders in persons_by_id_number(
        session, numbers, caller.person_condition()
    ).items():
        found[number] = holders[0]
        if len(holders) > 1:
            ambiguous.add(number)
    for id_chunk in _chunks(sorted(ids)):
        for person in session.scalars(select(Person).where(Person.id.in_(id_chunk))):
            found[person.id] = person
    return found, ambiguous


def _chunks(items: list[T], size: int = 500) -> list[list[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
