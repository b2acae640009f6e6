"""The API's one paging scheme: ``page`` (from 1) and ``page_size`` (at most 100) in, ``total``,
``page``, ``page_size`` and ``items`` out (``matching.pages``).

The ledger lists once took ``limit`` and ``offset``; they still do for one release (deprecated
in the OpenAPI), and their answers still carry ``limit`` and ``offset`` beside the page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from matching.errors import ValidationError
from matching.pages import MAX_PAGE, MAX_PAGE_SIZE, Page, offset_of

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page, from 1")]
PageSize = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"rows per page, at most {MAX_PAGE_SIZE}")
]


def page_from(page: int, page_size: int, limit: int | None, offset: int | None) -> tuple[int, int]:
    """``page`` and ``page_size``, or the page the deprecated ``limit``/``offset`` name."""
    if limit is None and offset is None:
        return page, page_size
    size = limit if limit is not None else page_size
    skip = offset or 0
    if skip % size:
        raise ValidationError(
            "offset_not_a_page",
            f"offset must be a multiple of the page size {size}, got {skip}; use page and "
            "page_size",
            f"起始位置须为每页条数（{size}）的整数倍，请改用 page 和 page_size 参数",
            field="offset",
        )
    return skip // size + 1, size


def page_fields(found: Page[Any]) -> dict[str, int]:
    """The paging fields of an answer, the deprecated ``limit`` and ``offset`` included."""
    return {
        "total": found.total,
        "page": found.page,
        "page_size": found.page_size,
        "limit": found.page_size,
        "offset": offset_of(found.page, found.page_size),
    }
