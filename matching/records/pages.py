"""One page of a search: the rows, the total that matches and where the page lies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from matching.errors import ValidationError
from matching.storage import Base

T = TypeVar("T", bound=Base)
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


def check_page(page: int, page_size: int) -> None:
    if not 1 <= page <= MAX_PAGE:
        raise ValidationError(
            "page_out_of_range",
            f"page must be 1..{MAX_PAGE}, got {page}",
            f"页码应在1至{MAX_PAGE}之间",
            field="page",
        )
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError(
            "page_size_out_of_range",
            f"page_size must be 1..{MAX_PAGE_SIZE}, got {page_size}",
            f"每页条数应在1至{MAX_PAGE_SIZE}之间",
            field="page_size",
        )


def paginate(
    session: Session,
    model: type[T],
    conditions: Sequence[ColumnElement[bool]],
    *,
    order_by: Sequence[Any],
    page: int,
    page_size: int,
    options: Sequence[ORMOption] = (),
) -> Page[T]:
    """Rows of ``model`` matching every condition, ``page_size`` at a time (pages count from 1);
    ``total`` counts every matching row, so a scoped caller's totals count only what they see."""
    check_page(page, page_size)
    total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    query = (
        select(model)
        .where(*conditions)
        .order_by(*order_by)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .options(*options)
    )
    return Page(list(session.scalars(query)), total, page, page_size)
