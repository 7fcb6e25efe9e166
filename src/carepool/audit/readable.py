"""Audit events as people read them, for the web's history tables and the CLI's.

The raw values stay in the trail and in the API; this only looks up the names behind codes
(organisations, areas, funding streams) in one query each, then describes every value
through ``carepool.core.history``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.utils import timezone

from carepool.audit.models import AuditEvent
from carepool.core.history import Names, describe, label
from carepool.core.rules import load_rules
from carepool.organisations.models import Area, Organisation

_ORGANISATION_FIELDS = ("partners", "host", "auditors", "partner")


@dataclass(frozen=True)
class ReadableChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ReadableEvent:
    at: str
    who: str
    organisation: str
    interface: str
    action: str
    subject: str
    summary: str
    changes: list[ReadableChange]


def when(moment: datetime) -> str:
    """A moment in UK local time, as people read it: "1 October 2024 at 09:30:05"."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M:%S}"


@cache
def _stream_names() -> dict[str, str]:
    names: dict[str, str] = {}
    book = load_rules()
    for key in sorted(book.rules):
        for stream in book.rules[key].funding_streams:
            names[stream.code] = stream.name
    return names


def _names(events: list[AuditEvent]) -> Names:
    codes: set[str] = set()
    areas: set[str] = set()
    for event in events:
        for name, pair in event.changes.items():
            values = [v for v in pair if v] if isinstance(pair, list) else []
            if name in _ORGANISATION_FIELDS:
                for value in values:
                    codes.update(value if isinstance(value, list) else [value])
            elif name == "area":
                areas.update(str(v) for v in values)
    return Names(
        organisations=dict(Organisation.objects.filter(code__in=codes).values_list("code", "name")),
        areas=dict(Area.objects.filter(code__in=areas).values_list("code", "name")),
        streams=_stream_names(),
    )


def readable(events: Iterable[AuditEvent]) -> list[ReadableEvent]:
    events = list(events)
    names = _names(events)
    return [
        ReadableEvent(
            when(e.at),
            e.actor_name,
            e.actor_organisation,
            e.get_interface_display(),
            e.get_action_display(),
            e.object_repr,
            e.summary,
            [
                ReadableChange(
                    label(name), describe(name, pair[0], names), describe(name, pair[1], names)
                )
                for name, pair in sorted(e.changes.items())
                if isinstance(pair, list) and len(pair) == 2
            ],
        )
        for e in events
    ]
