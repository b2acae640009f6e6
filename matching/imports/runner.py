"""Run one import: read, validate every row, upsert the valid ones by natural key, report the rest.

Invariant: accepted + rejected = total (non-empty data rows); accepted = inserted + updated +
unchanged. Nothing is lost silently: every rejected row has at least one line in the report.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from matching.errors import ImportFileError, ValidationError
from matching.imports.headers import find_header
from matching.imports.reading import read_sheet
from matching.imports.report import Reject, masked_excerpt, write_report
from matching.imports.spec import EntitySpec, ParsedRow
from matching.storage import append_audit

log = logging.getLogger(__name__)
CHUNK = 500


@dataclass(frozen=True)
class ImportResult:
    entity: str
    total: int
    accepted: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    report: str
    ignored_columns: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """The JSON line scripts read."""
        return {
            key: asdict(self)[key]
            for key in (
                "total",
                "accepted",
                "rejected",
                "unchanged",
                "inserted",
                "updated",
                "report",
            )
        }


def import_file(
    sessions: sessionmaker[Session],
    spec: EntitySpec,
    path: Path,
    *,
    actor: str,
    report_path: Path,
) -> ImportResult:
    sheet = read_sheet(path)
    header_index, columns, ignored = find_header(spec, sheet.rows)
    data = sheet.rows[header_index + 1 :]
    if not data:
        raise ImportFileError("the file has a header but no data rows", "文件只有表头，没有数据行")
    rows = [parse_row(spec, columns, number, cells) for number, cells in data]
    with sessions.begin() as session:
        reject_duplicates(spec, rows)
        spec.prepare(session, [row for row in rows if row.ok], spec.reach)
        absent = {field.key for field in spec.fields if field.key not in columns} - spec.derived
        valid = [row for row in rows if row.ok]
        inserted, updated, unchanged = upsert(session, spec, valid, keep_stored=absent)
        spec.settle(session, valid, actor)
        rejects = rejects_of(spec, rows)
        result = ImportResult(
            entity=spec.name,
            total=len(rows),
            accepted=sum(row.ok for row in rows),
            rejected=sum(not row.ok for row in rows),
            inserted=inserted,
            updated=updated,
            unchanged=unchanged,
            report=str(report_path),
            ignored_columns=tuple(ignored),
        )
        append_audit(
            session,
            actor=actor,
            action="import",
            entity=spec.name,
            detail={"file": path.name, **result.summary()},
        )
    write_report(report_path, rejects)
    log.info(
        "import %s from %s: %d rows, %d accepted, %d rejected",
        spec.name, path.name, result.total, result.accepted, result.rejected,
    )  # fmt: skip
    return result


def parse_row(
    spec: EntitySpec, columns: dict[str, int], number: int, cells: list[str]
) -> ParsedRow:
    raw = {
        key: cells[index].strip() if index < len(cells) else "" for key, index in columns.items()
    }
    row = ParsedRow(number=number, raw=raw)
    for field in spec.fields:
        text = raw.get(field.key, "")
        if not text:
            if field.required:
                row.reject(
                    field.key,
                    ValidationError(
                        "required", f"{field.key} is required", f"必填项“{field.zh}”为空"
                    ),
                )
            row.values[field.key] = None
            continue
        try:
            row.values[field.key] = field.parse(text)
        except ValidationError as error:
            row.reject(field.key, error)
    if row.ok:
        for key, problem in spec.check(row.values):
            row.reject(key, problem)
    return row


def reject_duplicates(spec: EntitySpec, rows: Sequence[ParsedRow]) -> None:
    """A natural key repeated inside one file: the first row wins, later ones are rejected.

    Runs before ``prepare``, so a ``prepare`` that writes (training bases) never sees duplicates.
    """
    first_seen: dict[tuple[Any, ...], int] = {}
    key_names = "、".join(spec.field(key).zh for key in spec.key_fields)
    for row in rows:
        if not row.ok:
            continue
        key = tuple(row.values[name] for name in spec.key_fields)
        if key in first_seen:
            row.reject(
                spec.key_fields[0],
                ValidationError(
                    "duplicate_in_file",
                    f"same key as row {first_seen[key]}",
                    f"与第{first_seen[key]}行重复（{key_names}相同）",
                ),
            )
        else:
            first_seen[key] = row.number


def upsert(
    session: Session,
    spec: EntitySpec,
    rows: Sequence[ParsedRow],
    *,
    keep_stored: set[str] | frozenset[str] = frozenset(),
) -> tuple[int, int, int]:
    """Insert new records, update changed ones, leave identical ones alone (idempotent).

    Record columns in ``keep_stored`` (columns absent from the file) are not overwritten. A spec
    that ``locates`` has found each row's stored record itself (``row.stored``).
    """
    model = spec.model
    key_columns = [getattr(model, name) for name in spec.record_key]
    existing: dict[tuple[Any, ...], Any] = {}
    for chunk in [] if spec.locates else chunks(rows):
        keys = [tuple(row.record[name] for name in spec.record_key) for row in chunk]
        condition = (
            key_columns[0].in_([key[0] for key in keys])
            if len(key_columns) == 1
            else tuple_(*key_columns).in_(keys)
        )
        for found in session.scalars(select(model).where(condition)):
            existing[tuple(getattr(found, name) for name in spec.record_key)] = found
    new_records: list[dict[str, Any]] = []
    updated = unchanged = 0
    for row in rows:
        stored = (
            row.stored
            if spec.locates
            else existing.get(tuple(row.record[name] for name in spec.record_key))
        )
        if stored is None:
            new_records.append(row.record)
            continue
        changes = {
            name: value
            for name, value in row.record.items()
            if name not in keep_stored and getattr(stored, name) != value
        }
        if changes:
            for name, value in changes.items():
                setattr(stored, name, value)
            updated += 1
        else:
            unchanged += 1
    for chunk_records in chunks(new_records):
        session.execute(insert(model), chunk_records)
    session.flush()
    return len(new_records), updated, unchanged


def rejects_of(spec: EntitySpec, rows: Sequence[ParsedRow]) -> list[Reject]:
    return [
        Reject(
            row=row.number,
            column=spec.column_name(key),
            code=error.code,
            message_zh=error.message_zh,
            value=masked_excerpt(row.raw.get(key, ""), sensitive=is_sensitive(spec, key)),
        )
        for row in rows
        for key, error in row.errors
    ]


T = TypeVar("T")


def is_sensitive(spec: EntitySpec, key: str) -> bool:
    return any(field.key == key and field.sensitive for field in spec.fields)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def default_report_path(reports_dir: Path, entity: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return reports_dir / f"import-{entity}-{stamp}-rejects.csv"
