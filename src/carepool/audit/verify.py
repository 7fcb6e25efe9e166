"""Checking the whole audit trail against its hash chain (``carepool audit verify``).

Rows are read with plain SQL, a chunk at a time in chain order, straight from the table: the
point is to look at what the database holds, including values the ORM would refuse to read
(a time that is not a time, text where a number belongs). The comparison itself is the pure
``carepool.core.audit_chain.ChainCheck``; this module reads and words the findings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from carepool.audit.models import Action
from carepool.core.audit_chain import (
    ChainCheck,
    EventContent,
    Link,
    Problem,
    ProblemKind,
    StoredEvent,
)

Progress = Callable[[int, int], None]  # (events checked, events in the trail)

CHUNK = 5000
_COLUMNS = (
    "id, sequence, previous_hash, hash, CAST(at AS TEXT), actor_id, actor_name,"
    " actor_organisation, interface, action, object_type, object_id, object_repr,"
    " agreement_id, CAST(changes AS TEXT), summary"
)
# Keyset pagination on (sequence, id): each chunk is one short query on the unique index,
# with no cursor held open across the whole trail.
_FIRST_CHUNK = f"SELECT {_COLUMNS} FROM audit_auditevent ORDER BY sequence, id LIMIT %s"  # noqa: S608
_NEXT_CHUNK = (
    f"SELECT {_COLUMNS} FROM audit_auditevent"  # noqa: S608
    " WHERE sequence > %s OR (sequence = %s AND id > %s) ORDER BY sequence, id LIMIT %s"
)


@dataclass(frozen=True)
class Finding:
    """One problem, in words, with the event numbers (and row ids) it concerns."""

    kind: str
    sequence: int
    last_sequence: int
    event_id: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "sequence": self.sequence,
            "last_sequence": self.last_sequence,
            "event_id": self.event_id,
            "message": self.message,
        }


@dataclass(frozen=True)
class TrailVerification:
    checked: int
    head: Link
    findings: tuple[Finding, ...]
    expected_head: str | None

    @property
    def intact(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "events_checked": self.checked,
            "head": {"sequence": self.head.sequence, "hash": self.head.hash},
            "expected_head": self.expected_head,
            "problems": [finding.to_dict() for finding in self.findings],
        }


def verify_trail(
    expected_head: str | None = None, progress: Progress | None = None, chunk: int = CHUNK
) -> TrailVerification:
    """Check every event of the trail; report each altered, missing or inserted event.

    ``expected_head`` is a head hash recorded earlier (by an auditor, from an earlier run):
    if it is no longer anywhere in the chain, events up to it were deleted or rewritten.
    """
    check = ChainCheck(expected_head.strip().lower() if expected_head else None)
    total = _count()
    problems: list[Problem] = []
    for event in _stored_events(chunk, total, progress):
        problems += check.add(event)
    problems += check.finish()
    return TrailVerification(
        check.checked, check.head, tuple(map(_finding, problems)), check.expected_head
    )


def _count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_auditevent")
        return int(cursor.fetchone()[0])


def _stored_events(chunk: int, total: int, progress: Progress | None) -> Iterator[StoredEvent]:
    done = 0
    last: tuple[Any, Any] | None = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(_FIRST_CHUNK, [chunk])
            else:
                cursor.execute(_NEXT_CHUNK, [last[0], last[0], last[1], chunk])
            rows = cursor.fetchall()
        for row in rows:
            yield _stored(row)
        done += len(rows)
        if progress is not None:
            progress(done, max(total, done))
        if len(rows) < chunk:
            return
        last = (rows[-1][1], rows[-1][0])


def _stored(row: tuple[Any, ...]) -> StoredEvent:
    pk, sequence, previous_hash, hash_, at, *rest = row
    (
        actor_id,
        actor_name,
        actor_organisation,
        interface,
        action,
        object_type,
        object_id,
        object_repr,
        agreement_id,
        changes,
        summary,
    ) = rest
    if type(sequence) is not int:
        # SQLite keeps whatever it is given, even text in a number column: such a row has
        # no place in the chain; number 0 reports it as inserted, with its row id.
        return StoredEvent(pk, Link(0, str(previous_hash), str(hash_)), None)
    link = Link(sequence, previous_hash or "", hash_ or "")
    moment = _moment(at)
    try:
        changes_value = json.loads(changes) if changes is not None else None
    except ValueError:
        return StoredEvent(pk, link, None)
    if moment is None:
        return StoredEvent(pk, link, None)
    return StoredEvent(
        pk,
        link,
        EventContent(
            at=moment,
            actor_id=actor_id,
            actor_name=actor_name,
            actor_organisation=actor_organisation,
            interface=interface,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            agreement_id=agreement_id,
            changes=changes_value,
            summary=summary,
        ),
    )


def _moment(text: Any) -> datetime | None:
    """The stored time (SQLite keeps UTC without an offset; PostgreSQL adds one), or None."""
    try:
        moment = parse_datetime(str(text))
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- Wording -------------------------------------------------------------------------------

_VERBS = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.DELETE: "deleted",
    Action.APPROVE: "approved",
    Action.WITHDRAW_APPROVAL: "withdrew approval of",
}


def describe(event: StoredEvent) -> str:
    """``Event 42 (Sam Patel: Leeds City Council approved the agreement, 3 December 2026 09:30,
    row 42)``: who did what, and when, as recorded (which may be the forged version)."""
    content = event.content
    if content is None:
        return f"Event {event.link.sequence} (row {event.id}, whose values can no longer be read)"
    if content.summary:
        what = f"{content.actor_name}: {content.summary}"
    else:
        verb = _VERBS.get(content.action, content.action)
        thing = str(content.object_type).replace("_", " ")
        what = f"{content.actor_name} {verb} the {thing} '{content.object_repr}'"
    when = timezone.localtime(content.at)
    return f"Event {event.link.sequence} ({what}, {when.day} {when:%B %Y %H:%M}, row {event.id})"


def _events(events: tuple[StoredEvent, ...]) -> str:
    return " and ".join(describe(e) for e in events)


def _message(problem: Problem) -> str:
    event = problem.event
    s = problem.sequence
    match problem.kind:
        case ProblemKind.ALTERED:
            assert event is not None
            return (
                f"{describe(event)} was altered after it was recorded: what is stored no "
                "longer matches its hash."
            )
        case ProblemKind.MISSING if problem.last_sequence == s:
            return f"Event {s} is missing: it was deleted after it was recorded."
        case ProblemKind.MISSING:
            return (
                f"Events {s} to {problem.last_sequence} are missing: they were deleted after "
                "they were recorded."
            )
        case ProblemKind.INSERTED if s < 1:
            assert event is not None
            return f"{describe(event)} was inserted: the chain's numbers start at 1."
        case ProblemKind.INSERTED:
            assert event is not None
            return (
                f"{describe(event)} was inserted: {_events(problem.others)} already holds "
                f"number {s}, and the chain runs through it."
            )
        case ProblemKind.DUPLICATE:
            assert event is not None
            return (
                f"{describe(event)} shares its number with {_events(problem.others)}: at most "
                "one of them is genuine; the others were inserted."
            )
        case ProblemKind.BROKEN_LINK if s == 1:
            assert event is not None
            return (
                f"{describe(event)} does not start the chain as the first event must: it was "
                "inserted or rewritten."
            )
        case ProblemKind.BROKEN_LINK:
            assert event is not None
            return (
                f"{describe(event)} does not follow on from event {s - 1}: event {s - 1} was "
                f"rewritten (its hash recomputed to match) or replaced, or event {s} was "
                "inserted in place of the original."
            )
        case ProblemKind.HEAD_NOT_FOUND:
            return (
                f"The head you recorded, {problem.expected_head}, is not in the trail: events "
                "up to it were deleted or rewritten since it was recorded."
            )
    raise AssertionError(problem.kind)  # pragma: no cover


def _finding(problem: Problem) -> Finding:
    return Finding(
        problem.kind.value,
        problem.sequence,
        problem.last_sequence,
        problem.event.id if problem.event is not None else None,
        _message(problem),
    )
