"""Pieces every API router shares: the page envelope of list endpoints.

Lists are paginated here rather than with ninja's ``@paginate`` because some items (demands) are
built per page with facts computed for the whole page at once (which details the caller may see).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema

from techbridge.core.pagination import paginate

T = TypeVar("T")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    pages: int


def paginated(
    queryset: QuerySet[Any],
    page: int,
    build: Callable[[Any], Any] | None = None,
    *,
    build_page: Callable[[Sequence[Any]], list[Any]] | None = None,
) -> dict[str, Any]:
    """One page of ``queryset``; ``build`` turns one row into an item, ``build_page`` a whole
    page at once."""
    current = paginate(queryset, page)
    rows = list(current.object_list)
    if build_page is not None:
        items = build_page(rows)
    else:
        items = [build(row) for row in rows] if build else rows
    return {
        "items": items,
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
    }
