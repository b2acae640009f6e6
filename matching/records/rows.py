"""API writes validated as import rows: one set of rules for files and for the API.

A create or update is turned into the cells a spreadsheet row would hold (``cells_of``) and goes
through the import's own ``parse_row`` (field parsers, required columns, the spec's cross-column
check) and the spec's ``prepare`` (references, defaults, derived columns). So the API rejects
exactly what an import rejects, with the same reason code and Chinese message, and stores the
same record. An update re-validates the whole row after the change, as re-importing it would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from matching.errors import ConflictError, ValidationError
from matching.imports.runner import parse_row
from matching.imports.spec import EntitySpec
from matching.validators import mask_sensitive

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
LIST_JOIN = "、"


def cell_text(value: object, key: str) -> str:
    """The text of one cell for an API value: 是/否, numbers as written, lists joined by 、."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        if UNSTORABLE.search(value):
            raise ValidationError(
                "bad_character",
                f"{key}: contains a NUL character or an unpaired surrogate",
                "内容含有无法保存的字符（空字符或无效的Unicode字符），请删除后重试",
                field=key,
            )
        return value
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_JOIN.join(cell_text(item, key) for item in value)
    raise ValidationError(
        "bad_type",
        f"{key}: expected text, a number, yes/no or a list, got {type(value).__name__}",
        "取值类型无效：应为文本、数字、是/否或列表",
        field=key,
    )


def cells_of(
    spec: EntitySpec, values: Mapping[str, object], *, exclude: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Cells for the ``values`` given; a sensitive column (ID, certificate) must be text.

    Keys that are no column of ``spec``, or are in ``exclude`` (set by the caller, such as an
    assessment's person), are refused.
    """
    known = {field.key for field in spec.fields} - exclude
    cells: dict[str, str] = {}
    for key, value in values.items():
        if key not in known:
            raise ValidationError(
                "unknown_field",
                f"{key!r} is not a field of {spec.name}; allowed: {', '.join(sorted(known))}",
                f"“{key[:40]}”不是{spec.zh}的字段",
                field=key[:40],
            )
        field = spec.field(key)
        if field.sensitive and not isinstance(value, str | None):
            raise ValidationError(
                "not_text",
                f"{key} must be a string",
                f"“{field.zh}”应为文本（字符串）",
                field=key,
            )
        cells[key] = cell_text(value, key)
    return cells


def validated_record(
    session: Session, spec: EntitySpec, cells: Mapping[str, str]
) -> dict[str, Any]:
    """The record an import of this one row would store, or the row's first problem raised.

    Columns missing from ``cells`` count as empty cells, as in an import.
    """
    keys = list(cells)
    row = parse_row(spec, {key: index for index, key in enumerate(keys)}, 1, list(cells.values()))
    if row.ok:
        spec.prepare(session, [row], spec.reach)
    if row.ok:
        return row.record
    key, error = row.errors[0]
    more = f" (and {len(row.errors) - 1} more problem(s))" if len(row.errors) > 1 else ""
    # Masked: a parser may quote the cell (an ID number typed into a code column, say).
    raise ValidationError(
        error.code,
        mask_sensitive(f"{key}: {error}{more}"),
        mask_sensitive(error.message_zh),
        field=key,
    )


def ensure_unique(
    session: Session,
    spec: EntitySpec,
    record: Mapping[str, Any],
    *,
    exclude_id: int | None = None,
    also: tuple[tuple[str, str], ...] = (),
    within: ColumnElement[bool] | None = None,
) -> None:
    """409 when another stored record has the same natural key (or another unique column).

    ``also`` names further unique record columns with their Chinese names; ``within`` limits
    the records compared (persons: a county caller's own county, see ``records.persons``).
    """
    model: Any = spec.model
    key_zh = "、".join(spec.field(key).zh for key in spec.key_fields)
    checks = [(spec.record_key, key_zh), *(((column,), zh) for column, zh in also)]
    for columns, zh in checks:
        if any(record.get(column) is None for column in columns):
            continue
        query = select(model.id).where(
            and_(*(getattr(model, column) == record[column] for column in columns))
        )
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if within is not None:
            query = query.where(within)
        if session.scalars(query.limit(1)).first() is not None:
            raise ConflictError(
                f"another {spec.name} record has the same {', '.join(columns)}",
                f"已有相同{zh}的{spec.zh}记录，不能重复登记；如需修改请编辑原记录",
            )
