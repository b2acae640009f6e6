"""The API's one paging scheme: ``page`` (from 1) and ``page_size`` (at most 100) in, ``total``,
``page``, ``page_size`` and ``items`` out (``matching.pages``).

The ledger lists once took ``limit`` and ``offset``. A request that still sends them is refused
with a message naming the new parameters (``refuse_old_paging``), rather than silently given
the first page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request

from matching.errors import ValidationError
from matching.pages import MAX_PAGE, MAX_PAGE_SIZE, Page

PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page, from 1")]
PageSize = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"rows per page, at most {MAX_PAGE_SIZE}")
]


OLD_PAGING = ("limit", "offset")


def refuse_old_paging(request: Request) -> None:
    """A dependency of the lists that once took ``limit``/``offset``: 422 naming the new ones."""
    old = [name for name in OLD_PAGING if name in request.query_params]
    if old:
        raise ValidationError(
            "paging_renamed",
            f"{' and '.join(old)} were replaced by page (from 1) and page_size (1-{MAX_PAGE_SIZE})",
            f"分页参数已改为 page（页码，从1开始）和 page_size（每页条数，1至{MAX_PAGE_SIZE}），"
            f"请不要再使用 {'、'.join(old)}",
            field=old[0],
        )


def page_fields(found: Page[Any]) -> dict[str, int]:
    """The paging fields of an answer."""
    return {"total": found.total, "page": found.page, "page_size": found.page_size}
