"""One page schema for every list endpoint of /api/v1/.

`page` and `page_size` are bounded integers: a page past MAX_PAGE or a size past
settings.API_MAX_PAGE_SIZE is a 400 naming the field (the API's validation handler),
never an offset the database cannot hold (a huge `page` used to overflow bigint).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema

MAX_PAGE = 10**6
MAX_PAGE_SIZE: int = getattr(settings, "API_MAX_PAGE_SIZE", 500)

T = TypeVar("T")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(settings.PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class Page(Schema, Generic[T]):
    count: int
    page: int
    pages: int
    items: list[T]


def paginate(qs: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """The page `params` asks for: count, page, pages and items (past the last page: none)."""
    count = qs.count()
    size = params.page_size
    pages = max(1, -(-count // size))
    start = (params.page - 1) * size
    items = list(qs[start : start + size]) if start < count else []
    return {"count": count, "page": params.page, "pages": pages, "items": items}
