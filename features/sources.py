"""Reading the database into polars frames (the edge where I/O happens) and the dated histories
that point-in-time features are looked up in."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    Numeric,
    select,
)

from matching.storage import Base

TABLES = (
    "persons",
    "assessments",
    "employers",
    "vacancies",
    "training_bases",
    "courses",
    "referrals",
    "referral_events",
)
UTC_MICROS = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class Snapshot:
    """Everything the features read, as frames; histories are sorted for as-of joins."""

    persons: pl.DataFrame
    assessments: pl.DataFrame
    employers: pl.DataFrame
    vacancies: pl.DataFrame
    bases: pl.DataFrame
    courses: pl.DataFrame
    referrals: pl.DataFrame
    events: pl.DataFrame


def read_snapshot(engine: Engine) -> Snapshot:
    with engine.connect() as connection:
        frames = {name: read_table(connection, name) for name in TABLES}
    return snapshot_from_frames(frames)


def polars_type(column: Column[object]) -> pl.DataType:
    kind = column.type
    if isinstance(kind, DateTime):
        return pl.Datetime("us", "UTC")
    if isinstance(kind, Date):
        return pl.Date()
    if isinstance(kind, Boolean):
        return pl.Boolean()
    if isinstance(kind, JSON):
        return pl.List(pl.String) if column.name != "detail" else pl.String()
    if isinstance(kind, Numeric | Float) and not isinstance(kind, Integer):
        return pl.Float64()
    if isinstance(kind, Integer):
        return pl.Int64()
    return pl.String()


def read_table(connection: Connection, name: str) -> pl.DataFrame:
    """All rows of a table with column types from the model, the same on SQLite and PostgreSQL."""
    table = Base.metadata.tables[name]
    schema = {column.name: polars_type(column) for column in table.columns}
    result = connection.execute(select(table))
    rows = [tuple(row) for row in result]
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.with_columns(
        _cast(pl.col(name), dtype, frame.schema[name]) for name, dtype in schema.items()
    )


def _cast(column: pl.Expr, dtype: pl.DataType, actual: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.Datetime):
        naive = column.cast(pl.Datetime("us")) if actual == pl.Null else column
        if isinstance(actual, pl.Datetime) and actual.time_zone is not None:
            return naive.dt.convert_time_zone("UTC").cast(dtype)
        return naive.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    return column.cast(dtype)


def snapshot_from_frames(frames: dict[str, pl.DataFrame]) -> Snapshot:
    """The snapshot of frames shaped like ``read_table`` gives (e.g. a freshly built city)."""
    return Snapshot(
        persons=frames["persons"],
        assessments=frames["assessments"].sort("person_id", "assessed_on"),
        employers=frames["employers"],
        vacancies=frames["vacancies"],
        bases=frames["training_bases"],
        courses=frames["courses"],
        referrals=frames["referrals"],
        events=frames["referral_events"],
    )
