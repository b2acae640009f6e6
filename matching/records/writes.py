"""Store a validated record: insert or change one row, flushed, and audited.

The audit entry names the record and, for an update, the changed columns, never their values
(so no ID or certificate number reaches the audit log).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matching.errors import ConflictError
from matching.imports.spec import EntitySpec
from matching.storage import Base, append_audit

M = TypeVar("M", bound=Base)


def insert_record(
    session: Session, spec: EntitySpec, model: type[M], record: Mapping[str, Any], *, actor: str
) -> M:
    row = model(**record)
    session.add(row)
    flush(session, spec)
    append_audit(
        session,
        actor=actor,
        action="record_create",
        entity=spec.name,
        entity_id=record_id(row),
        detail={"via": "api"},
    )
    return row


def update_record(
    session: Session, spec: EntitySpec, row: M, record: Mapping[str, Any], *, actor: str
) -> list[str]:
    """Set the columns that differ; return their names (nothing is audited when none do)."""
    changed = sorted(name for name, value in record.items() if differs(getattr(row, name), value))
    if not changed:
        return changed
    for name in changed:
        setattr(row, name, record[name])
    flush(session, spec)
    append_audit(
        session,
        actor=actor,
        action="record_update",
        entity=spec.name,
        entity_id=record_id(row),
        detail={"via": "api", "fields": changed},
    )
    return changed


def flush(session: Session, spec: EntitySpec) -> None:
    """Flush; a unique key taken meanwhile by another writer is a conflict, not a crash."""
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(
            f"a {spec.name} record with the same key was stored meanwhile",
            f"{spec.zh}记录与已有记录重复（可能刚被他人登记），请刷新后重试",
        ) from None


def record_id(row: Base) -> str:
    """The primary key of a flushed row, as the audit log's ``entity_id``."""
    identity = inspect(row).identity
    return "" if identity is None else str(identity[0])


def differs(stored: object, new: object) -> bool:
    """Whether a column changes; lists holding the same items in another order do not."""
    if isinstance(stored, list) and isinstance(new, list):
        return sorted(map(str, stored)) != sorted(map(str, new))
    return stored != new
