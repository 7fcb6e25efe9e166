"""The audit trail as pages show it: the latest few on a record's page, and the full trail
split into numbered pages.

Read-only: nothing here writes or decides what a user may do; the services decide that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

from carepool.audit.models import AuditEvent
from carepool.audit.readable import ReadableEvent, readable
from carepool.web.presenters.common import pagination

# How many changes a record's own page shows before linking to the full trail.
LATEST = 10
# How many changes each page of the full trail shows.
PER_PAGE = 50


def history_view(events: Iterable[AuditEvent]) -> list[ReadableEvent]:
    """The trail in words: money as pounds, organisations and streams by name, long dates."""
    return readable(events)


def latest_view(
    events: QuerySet[AuditEvent], count: int = LATEST
) -> tuple[list[ReadableEvent], bool]:
    """The ``count`` newest changes, and whether there are older ones (one extra row read)."""
    rows = list(events[: count + 1])
    return readable(rows[:count]), len(rows) > count


@dataclass(frozen=True)
class HistoryPage:
    rows: list[ReadableEvent]
    number: int
    pages: int
    count: int
    first: int  # 1-based position of the first row shown, 0 when there are none
    last: int
    pagination: dict[str, Any] = field(default_factory=dict)


def page_view(
    events: QuerySet[AuditEvent], number: object, base: str, per_page: int = PER_PAGE
) -> HistoryPage:
    """One page of the full trail, newest first. A page number that is not a number, or is
    beyond the last page, shows the nearest real page rather than an error."""
    paginator: Paginator[AuditEvent] = Paginator(events, per_page)
    page = paginator.get_page(number)
    rows = readable(page.object_list)
    return HistoryPage(
        rows,
        page.number,
        paginator.num_pages,
        paginator.count,
        page.start_index(),
        page.end_index(),
        pagination(page, base, label="Pages of the audit history"),
    )
