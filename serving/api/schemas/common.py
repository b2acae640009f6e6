"""Shared API shapes: the error bodies and their documentation, a page of results, id limits
and types, and input field types.

Input models carry types and generous size limits only; the rules (lengths, ranges, codes,
checksums, cross-field checks) are the import specs' and are applied by ``matching.records``,
so an API write is answered with the same reason code and Chinese message as an import row.
Field descriptions are taken from the specs, so the documentation cannot drift from the rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    Strict,
    WithJsonSchema,
)
from pydantic_core import CoreSchema, core_schema

from matching.imports import EntitySpec
from matching.records import MAX_PAGE_SIZE as MAX_RECORDS_PAGE

T = TypeVar("T")
# The id columns are 32-bit integers (PostgreSQL integer): larger ids cannot exist, and must not
# reach the database (where they would fail as an overflow, not as a missing record).
MAX_ID = 2**31 - 1
MAX_PAGE_SIZE = MAX_RECORDS_PAGE  # rows of a page of a search or list (a pre-match's are longer)
# Record ids are strict: one spelling per id, so "1.0", "01", " 1", "+1", "1e0", "1_0" and JSON
# text are refused (422 naming the field), never read as 1.
# - In a path or query (``IdText``), where every value is text: decimal ASCII digits only, no
#   sign, spaces, point, exponent or underscore, and no leading zero (one URL per record, as the
#   API writes them; "01" is refused, not read as 1).
# - In a JSON body (``IdValue``): a JSON number, never text ("20001") or true/false; 1.0 is the
#   number 1 (JSON Schema counts it an integer, and clients that cannot tell them apart exist),
#   1.5 is refused.
# Both are integers 1..MAX_ID in the OpenAPI schema. (The bounds come first: after a
# BeforeValidator, pydantic would not document them.)
_ID_TEXT = re.compile(r"0|[1-9][0-9]{0,11}")
ID_RULE = "an id is a whole number from 1 in ASCII digits (no sign, space, point or leading zero)"


def _id_number(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{ID_RULE}; as a JSON number, not text")
    return value


def _id_text(value: object) -> object:
    if isinstance(value, str):
        if not _ID_TEXT.fullmatch(value):
            raise ValueError(ID_RULE)
        return int(value)
    return _id_number(value)


IdValue = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_id_number)]
IdText = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_id_text)]
RecordId = Annotated[IdText, Path(description="record id")]
PersonId = Annotated[IdText, Path(description="person id")]


class ErrorBody(BaseModel):
    """Every error this service answers (serving/api/errors.py): what was wrong, in English and in
    Chinese; a rejected value also has its reason ``code`` and the ``field``; a refused state
    change (409) may list what is ``allowed``."""

    error: str
    message: str
    message_zh: str | None = None
    code: str | None = None
    field: str | None = None
    allowed: list[str] | None = None


class RequestProblem(ErrorBody):
    """A request that does not fit the declared types, or whose body is not JSON (HTTP 422):
    the error shape (``code`` ``request_invalid`` or ``json_invalid``, ``field`` the first field
    named) with FastAPI's list of problems in ``detail``."""

    detail: list[dict[str, Any]]


class BodyProblem(ErrorBody):
    """A body that cannot be parsed at all (not UTF-8, nested too deeply, broken multipart):
    HTTP 400, the error shape with the parser's own words in ``detail``."""

    detail: str


STATUS_TEXT = {
    400: "the body cannot be parsed (not UTF-8, nested too deeply or broken multipart)",
    401: "not logged in (missing, invalid or expired token)",
    403: "this role may not do this, or the record would leave your county",
    404: "no such record (records outside your county are not found either)",
    409: "a record with the same natural key exists",
    413: "the uploaded file exceeds a reader limit (20 MB, 100 MB unzipped, 30,000 rows, "
    "200 columns, ...): the Chinese message names the limit",
    422: "a value is invalid: reason code and Chinese message as in an import",
}


def error_responses(
    *statuses: int, texts: Mapping[int, str] = STATUS_TEXT
) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: the error statuses it may answer, each with its body and
    description (``texts``, where a router says more precisely what a status means)."""
    bodies: dict[int, Any] = {400: BodyProblem, 422: ErrorBody | RequestProblem}
    return {
        status: {"model": bodies.get(status, ErrorBody), "description": texts[status]}
        for status in statuses
    }


def _json(*models: type[BaseModel]) -> dict[str, Any]:
    refs = [{"$ref": f"#/components/schemas/{model.__name__}"} for model in models]
    return {"application/json": {"schema": refs[0] if len(refs) == 1 else {"anyOf": refs}}}


def binary_responses(
    media_type: str, description: str, texts: Mapping[int, str] = STATUS_TEXT
) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route answering a file (an Excel workbook): the route's media type
    would be applied to ``model`` responses too, so the JSON error bodies (401, 403, 404, 422)
    are spelled out; their components exist because the other routes use the same models."""
    return {
        200: {
            "description": description,
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        },
        **{
            status: {"description": texts[status], "content": _json(ErrorBody)}
            for status in (401, 403, 404)
        },
        422: {"description": texts[422], "content": _json(ErrorBody, RequestProblem)},
    }


class PageOut(BaseModel, Generic[T]):
    """One page of a search: ``total`` counts every match the caller may see."""

    total: int
    page: int
    page_size: int
    items: list[T]


@dataclass(frozen=True)
class OneOf:
    """Annotation metadata: the value must be one of ``choices`` (an ``enum`` in the schema)."""

    choices: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.literal_schema(list(self.choices))


def as_utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite returns them without the offset, which is added back."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# A stored time as RFC 3339 with its offset, whatever the database returned.
Stamp = Annotated[datetime, AfterValidator(as_utc)]

# Input value types. Strict: a number sent as text (or a flag as a number) is refused, as the
# schema says; text fields have a generous ceiling against abuse, the real limit is the spec's.
Text = Annotated[str, Strict()]
Flag = Annotated[bool, Strict()]
Whole = Annotated[int, Strict()]
Number = Annotated[float, Strict()]
ITEM_CEILING = 100
Items = Annotated[
    list[Annotated[str, Strict(), Field(max_length=ITEM_CEILING)]],
    Field(max_length=ITEM_CEILING),
]
# ID and certificate numbers: any JSON value passes the model and is checked as text by
# ``matching.records``, so a rejected number is never echoed back in a validation error.
SensitiveText = Annotated[Any, WithJsonSchema({"type": "string"})]


def text_ceiling(limit: int) -> int:
    return max(2 * limit, 100)


def column(spec: EntitySpec, key: str, *, required: bool = False, **constraints: Any) -> Any:
    """A model field documented by the spec's column ``key`` (Chinese header and what is
    allowed); optional fields default to None."""
    field = spec.field(key)
    allowed = f"：{field.allowed_zh}" if field.allowed_zh else ""
    return Field(
        ... if required else None,
        description=f"{field.zh}{allowed}",
        **constraints,
    )


@dataclass(frozen=True)
class Columns:
    """The field factories of the models of one import spec: ``text`` documents a text field
    and gives it a generous length ceiling above the spec's ``limit``; ``value`` documents any
    other field."""

    spec: EntitySpec

    def text(self, key: str, required: bool = False, limit: int = 50) -> Any:
        return column(self.spec, key, required=required, max_length=text_ceiling(limit))

    def value(self, key: str, required: bool = False) -> Any:
        return column(self.spec, key, required=required)


WRITE_CONFIG = ConfigDict(extra="forbid")
