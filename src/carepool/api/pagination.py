"""Lists in the API come a page at a time: ``?page=2&page_size=100``.

Every list answers ``{"items": [...], "count": N}`` (django-ninja's page-number pagination):
``count`` is the number of items on all pages, ``page`` starts at 1 and ``page_size`` is 50
unless asked, at most 500. A page past the end is empty, not an error. Only the rows of the
page asked for are read and turned into records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja.pagination import PageNumberPagination, paginate

T = TypeVar("T")

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class Records(Generic[T]):
    """A queryset whose rows become records only when a page of them is read."""

    def __init__(self, rows: QuerySet[Any], record: Callable[[Any], T]) -> None:
        self._rows = rows
        self._record = record

    def all(self) -> QuerySet[Any]:  # ninja counts with ``.all().count()``
        return self._rows

    def __len__(self) -> int:
        return self._rows.count()

    def __getitem__(self, index: slice) -> list[T]:
        return [self._record(row) for row in self._rows[index]]

    def __iter__(self) -> Iterator[T]:
        return (self._record(row) for row in self._rows)


paginated = paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
