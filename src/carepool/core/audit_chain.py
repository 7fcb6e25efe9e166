"""The audit trail's hash chain: hashing events and checking a stored chain. Pure, no Django.

Every audit event stores its place in one global order (``sequence``, 1, 2, 3 ... with no
gaps), the hash of the event before it (``previous_hash``; the first event's is ``GENESIS``)
and its own ``hash``: SHA-256 over a canonical serialisation of its content together with
``previous_hash``. Changing, removing or slipping in an event therefore breaks either that
event's own hash or the link from the next one, and ``ChainCheck`` says which.

The canonical serialisation (format 1) is the JSON Canonicalization Scheme (RFC 8785) of
one object::

    {"action", "actor_id", "actor_name", "actor_organisation", "agreement_id", "at",
     "changes", "format": 1, "interface", "object_id", "object_repr", "object_type",
     "previous_hash", "sequence", "summary"}

with ``at`` as UTC text with microseconds (``2026-12-03T09:30:00.123456Z``), members sorted
by key, no whitespace, UTF-8. Numbers are integers only: a float has no single text form
(and PostgreSQL's jsonb rewrites some), so floats are refused rather than hashed ambiguously.
Anyone can recompute a hash from an export of the trail with any JCS library.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

FORMAT = 1
GENESIS = "0" * 64  # the "previous hash" of the first event


class NotCanonical(TypeError):
    """A value that has no single canonical form (a float, a non-text key, an object)."""


@dataclass(frozen=True, slots=True)
class EventContent:
    """What an audit event says, as stored: everything its hash covers besides the chain."""

    at: datetime
    actor_id: int | None
    actor_name: str
    actor_organisation: str
    interface: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    agreement_id: int | None
    changes: Any
    summary: str


@dataclass(frozen=True, slots=True)
class Link:
    """An event's place in the chain: its number, the hash it follows and its own hash."""

    sequence: int
    previous_hash: str
    hash: str


START = Link(0, "", GENESIS)  # the head of an empty chain: the first event follows it


def canonical_time(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NotCanonical("An audit event's time must carry its time zone")
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def _utf16_key(key: str) -> bytes:
    # RFC 8785 orders members by their UTF-16 code units, not by code points.
    return key.encode("utf-16-be", "surrogatepass")


def canonical_value(value: Any, where: str = "changes") -> Any:
    """``value`` as plain JSON data with its members in canonical order, or ``NotCanonical``."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        raise NotCanonical(f"{where} holds the float {value!r}; record it as text or an integer")
    if isinstance(value, (list, tuple)):
        return [canonical_value(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise NotCanonical(f"{where} has the key {key!r}, which is not text")
        return {
            key: canonical_value(value[key], f"{where}.{key}")
            for key in sorted(value, key=_utf16_key)
        }
    raise NotCanonical(f"{where} holds a {type(value).__name__}, which is not plain JSON data")


def _plain(value: Any) -> bool:
    """Whether ``json.dumps(value, sort_keys=True)`` already writes ``value`` canonically.

    True for plain JSON data (no float, text keys) whose keys sort the same by code point
    as by UTF-16 code unit (no character beyond U+FFFF). The usual case, and much cheaper
    than rebuilding the value; anything else takes the slow path of ``canonical_value``,
    which orders it properly or says what is wrong with it.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is list or kind is tuple:
            stack.extend(item)
        elif kind is dict:
            for key in item:
                if type(key) is not str or not (key.isascii() or max(key) <= "\uffff"):
                    return False
            stack.extend(item.values())
        else:
            return False
    return True


def canonical(sequence: int, previous_hash: str, content: EventContent) -> bytes:
    """The exact bytes an event's hash is taken over."""
    changes = content.changes
    fast = _plain(changes)
    document = {
        "action": content.action,
        "actor_id": content.actor_id,
        "actor_name": content.actor_name,
        "actor_organisation": content.actor_organisation,
        "agreement_id": content.agreement_id,
        "at": canonical_time(content.at),
        "changes": changes if fast else canonical_value(changes),
        "format": FORMAT,
        "interface": content.interface,
        "object_id": content.object_id,
        "object_repr": content.object_repr,
        "object_type": content.object_type,
        "previous_hash": previous_hash,
        "sequence": sequence,
        "summary": content.summary,
    }
    # On the slow path the members are already in JCS order and must stay so.
    text = json.dumps(
        document, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=fast
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotCanonical(f"An audit event holds text that is not valid Unicode: {exc}") from exc


def event_hash(sequence: int, previous_hash: str, content: EventContent) -> str:
    return hashlib.sha256(canonical(sequence, previous_hash, content)).hexdigest()


def append(head: Link, content: EventContent) -> Link:
    """The link of an event recorded after ``head``."""
    sequence = head.sequence + 1
    return Link(sequence, head.hash, event_hash(sequence, head.hash, content))


def extend(head: Link, contents: Iterable[EventContent]) -> list[Link]:
    """Links for events recorded one after another after ``head``, in order."""
    links = []
    for content in contents:
        head = append(head, content)
        links.append(head)
    return links


# --- Checking a stored chain ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as read back from the database: its row id, its link and its content.

    ``content`` is None when the stored values can no longer be read as an event (a time
    that is not a time, changes that are not JSON): something wrote them behind our back.
    """

    id: int
    link: Link
    content: EventContent | None

    @property
    def intact(self) -> bool:
        """Whether the content still hashes, with the stored previous hash, to the stored hash."""
        if self.content is None:
            return False
        try:
            expected = event_hash(self.link.sequence, self.link.previous_hash, self.content)
        except NotCanonical:
            return False  # we never record such values, so they were written behind our back
        return expected == self.link.hash


class ProblemKind(Enum):
    ALTERED = "altered"  # the content no longer matches the event's own hash
    MISSING = "missing"  # numbers absent from the sequence: events deleted
    INSERTED = "inserted"  # a second event with a number that belongs to another
    DUPLICATE = "duplicate"  # several events share a number and nothing tells which is genuine
    BROKEN_LINK = "broken_link"  # does not follow on from the event before it
    HEAD_NOT_FOUND = "head_not_found"  # a head recorded earlier is no longer in the chain


@dataclass(frozen=True, slots=True)
class Problem:
    kind: ProblemKind
    sequence: int  # the (first) event number concerned
    last_sequence: int  # the last one, for a run of missing events; else == sequence
    event: StoredEvent | None = None
    others: tuple[StoredEvent, ...] = ()  # events sharing the number (INSERTED, DUPLICATE)
    expected_head: str = ""  # for HEAD_NOT_FOUND


@dataclass(slots=True)
class ChainCheck:
    """Checks events fed in chain order (by sequence, then id) and reports every problem.

    It holds two numbers' worth of events at a time, so it runs over any length of trail in
    constant memory. Feed events with ``add``, then call ``finish``; each returns the problems
    it could settle so far, in chain order.
    """

    expected_head: str | None = None
    checked: int = 0
    head: Link = START
    head_found: bool = False
    _before: frozenset[str] | None = None  # hashes at the number before ``_current``
    _before_sequence: int = 0
    _current: list[StoredEvent] = field(default_factory=list)
    _next: list[StoredEvent] = field(default_factory=list)

    def add(self, event: StoredEvent) -> list[Problem]:
        self.checked += 1
        if event.link.sequence >= self.head.sequence:
            self.head = event.link
        if event.link.hash == self.expected_head:
            self.head_found = True
        problems: list[Problem] = []
        if self._next and event.link.sequence != self._next[0].link.sequence:
            problems = self._settle()
        joins_current = not self._next and (
            not self._current or event.link.sequence == self._current[0].link.sequence
        )
        (self._current if joins_current else self._next).append(event)
        return problems

    def finish(self) -> list[Problem]:
        problems = []
        while self._current:
            problems += self._settle()
        if self.expected_head is not None and not self.head_found:
            problems.append(
                Problem(
                    ProblemKind.HEAD_NOT_FOUND,
                    self.head.sequence,
                    self.head.sequence,
                    expected_head=self.expected_head,
                )
            )
        return problems

    def _settle(self) -> list[Problem]:
        """Judge the events at the current number, now that the next number is known."""
        group, following = self._current, self._next
        sequence = group[0].link.sequence
        problems = [
            Problem(ProblemKind.ALTERED, sequence, sequence, event)
            for event in group
            if not event.intact
        ]

        expected = self._before_sequence + 1
        if sequence < 1:
            problems += [Problem(ProblemKind.INSERTED, sequence, sequence, e) for e in group]
        elif sequence > expected:
            problems.append(Problem(ProblemKind.MISSING, expected, sequence - 1))
        else:
            allowed = self._before if self._before is not None else frozenset({GENESIS})
            problems += [
                Problem(ProblemKind.BROKEN_LINK, sequence, sequence, e)
                for e in group
                if e.link.previous_hash not in allowed
            ]

        if len(group) > 1:
            problems += _duplicates(group, following)

        if sequence >= 1:
            self._before = frozenset(e.link.hash for e in group)
            self._before_sequence = sequence
        self._current, self._next = following, []
        return problems


def _duplicates(group: Sequence[StoredEvent], following: Sequence[StoredEvent]) -> list[Problem]:
    """Several events share one number (possible only if the unique constraint was dropped).

    The genuine one is the one the next event follows on from; every other is inserted. When
    that cannot tell them apart (the last number, or the next event follows none or several),
    each is reported as a duplicate, since at most one can be genuine.
    """
    sequence = group[0].link.sequence
    followed = {e.link.previous_hash for e in following if e.link.sequence == sequence + 1}
    genuine = [e for e in group if e.link.hash in followed]
    if len(genuine) == 1:
        kind, suspects = ProblemKind.INSERTED, [e for e in group if e is not genuine[0]]
    else:
        kind, suspects = ProblemKind.DUPLICATE, list(group)
    return [
        Problem(kind, sequence, sequence, e, tuple(other for other in group if other is not e))
        for e in suspects
    ]


@dataclass(frozen=True, slots=True)
class Verification:
    checked: int
    head: Link
    problems: tuple[Problem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(events: Iterable[StoredEvent], expected_head: str | None = None) -> Verification:
    """Check a whole chain given in order (by sequence, then id)."""
    check = ChainCheck(expected_head)
    problems = [p for event in events for p in check.add(event)]
    problems += check.finish()
    return Verification(check.checked, check.head, tuple(problems))
