"""What an import file of one entity looks like: its columns (``Field``) and how rows are stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from matching.errors import ValidationError
from matching.imports.fields import Parser
from matching.storage import Base


@dataclass(frozen=True)
class Field:
    """One column: Chinese header (canonical), English key, parser and what is allowed."""

    key: str
    zh: str
    parse: Parser
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""
    allowed_zh: str = ""
    sensitive: bool = False


@dataclass
class ParsedRow:
    """One data row: sheet row number, parsed values, and every problem found so far."""

    number: int
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, ValidationError]] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)
    # The stored record the row updates, when the spec's ``prepare`` finds it (``locates``).
    stored: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def reject(self, field_key: str, error: ValidationError) -> None:
        self.errors.append((field_key, error))


CrossCheck = Callable[[Mapping[str, Any]], list[tuple[str, ValidationError]]]
Prepare = Callable[[Session, list[ParsedRow], ColumnElement[bool]], None]
Settle = Callable[[Session, Sequence[ParsedRow], str], None]


def no_cross_check(_values: Mapping[str, Any]) -> list[tuple[str, ValidationError]]:
    return []


def copy_values(session: Session, rows: list[ParsedRow], reach: ColumnElement[bool]) -> None:
    """Default ``prepare``: the record is the parsed values as they are."""
    del session, reach
    for row in rows:
        row.record = dict(row.values)


def settle_nothing(session: Session, rows: Sequence[ParsedRow], actor: str) -> None:
    """Default ``settle``: nothing to do after the upsert."""
    del session, rows, actor


@dataclass(frozen=True)
class EntitySpec:
    """An importable entity.

    ``check`` validates across columns of one row; ``prepare`` runs in the import's transaction,
    resolves references (an assessment's person, a vacancy's employer), rejects rows whose
    reference does not exist and fills ``row.record`` with the model's column values;
    ``record_key`` names the record columns of the natural key used to upsert; ``derived`` names
    record columns computed from other cells (kept even when a column of that name is absent).
    A column absent from the file leaves the stored value unchanged on update.

    ``reach`` (a condition over ``Person``) says which stored persons the import may match by
    resident ID: the importing caller's reach (``Caller.person_condition``), everyone for a
    city-wide import; ``prepare`` receives it. A spec that ``locates`` sets ``row.stored`` in
    ``prepare`` (the record the row updates, None for a new one) instead of the runner looking
    records up by ``record_key`` (persons: an ID is unique per county only). ``settle`` runs
    after the upsert, in its transaction, with the valid rows and the actor.
    """

    name: str
    zh: str
    fields: tuple[Field, ...]
    model: type[Base]
    record_key: tuple[str, ...]
    key_fields: tuple[str, ...]
    check: CrossCheck = no_cross_check
    prepare: Prepare = copy_values
    derived: frozenset[str] = frozenset()
    reach: ColumnElement[bool] = field(default_factory=true)
    locates: bool = False
    settle: Settle = settle_nothing

    def field(self, key: str) -> Field:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(f"{self.name} has no field {key!r}")

    def column_name(self, key: str) -> str:
        """The Chinese header for a field key (or the key itself for a derived column)."""
        return next((item.zh for item in self.fields if item.key == key), key)

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(item for item in self.fields if item.required)
