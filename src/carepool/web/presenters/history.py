"""The audit trail as pages show it.

Read-only: nothing here writes or decides what a user may do; the services decide that.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from carepool.audit.models import AuditEvent
from carepool.audit.readable import ReadableEvent, readable

if TYPE_CHECKING:
    pass


def history_view(events: Iterable[AuditEvent]) -> list[ReadableEvent]:
    """The trail in words: money as pounds, organisations and streams by name, long dates."""
    return readable(events)
