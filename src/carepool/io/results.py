"""What an import reports back, and how it reports progress while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Called as progress(done, total, stage) while an import runs, e.g. to drive a progress bar.
Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, stage: str) -> None:
    """The default progress callback: report nothing."""


@dataclass(frozen=True)
class ImportResult:
    """Counts of rows an import created, changed and found already up to date."""

    what: str  # "areas", "population estimates"
    source: str  # the file name, as stored in each row's ``source``
    created: int
    updated: int
    unchanged: int
    skipped: int = 0  # rows the importer does not load, e.g. Welsh areas in the UTLA file
    audit_events: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "audit_events": self.audit_events,
            **self.details,
        }
