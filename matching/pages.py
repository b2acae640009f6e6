"""Paging, one scheme for the whole product: pages count from 1, ``page_size`` rows each (at most
``MAX_PAGE_SIZE``), and a page says the ``total`` that matches and where it lies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from matching.errors import ValidationError
from matching.storage import Base

T = TypeVar("T")
M = TypeVar("M", bound=Base)
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages the whole result fills (at least one, if empty)."""
        return max(1, -(-self.total // self.page_size))


def check_page(page: int, page_size: int) -> None:
    zh = f"页码应在1至{MAX_PAGE}之间"
    check_range(page, 1, MAX_PAGE, field="page", code="page_out_of_range", zh=zh)
    zh, code = f"每页条数应在1至{MAX_PAGE_SIZE}之间", "page_size_out_of_range"
    check_range(page_size, 1, MAX_PAGE_SIZE, field="page_size", code=code, zh=zh)


def offset_of(page: int, page_size: int) -> int:
    """The number of rows before ``page``."""
    return (page - 1) * page_size


def check_range(value: int, low: int, high: int, *, field: str, code: str, zh: str) -> None:
    """A paging number (page, size, offset) outside ``low..high`` is a validation error of
    ``field``, its English message naming the field and the allowed range."""
    if not low <= value <= high:
        raise ValidationError(code, f"{field} must be {low}..{high}, got {value}", zh, field=field)


def paginate(
    session: Session,
    model: type[M],
    conditions: Sequence[ColumnElement[bool]],
    *,
    order_by: Sequence[Any],
    page: int,
    page_size: int,
    options: Sequence[ORMOption] = (),
) -> Page[M]:
    """Rows of ``model`` matching every condition, ``page_size`` at a time (pages count from 1);
    ``total`` counts every matching row, so a scoped caller's totals count only what they see."""
    check_page(page, page_size)
    total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    query = (
        select(model)
        .where(*conditions)
        .order_by(*order_by)
        .limit(page_size)
        .offset(offset_of(page, page_size))
        .options(*options)
    )
    return Page(list(session.scalars(query)), total, page, page_size)
