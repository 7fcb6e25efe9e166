"""Recording changes. Services call ``record`` explicitly for every write, bulk ones included.

Every event is appended to the hash chain (ADR 0008): under a lock, read the chain's head,
number the new events after it and hash each over its content and the hash before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from carepool.audit.models import Action, AuditEvent, Interface
from carepool.core.audit_chain import START, EventContent, Link, extend
from carepool.core.money import Money

if TYPE_CHECKING:
    from carepool.accounts.models import User


@dataclass(frozen=True)
class Actor:
    """Who is making a change and through which interface."""

    user: User | None
    interface: Interface

    @property
    def name(self) -> str:
        return (
            self.user.display_name if self.user is not None else f"system ({self.interface.label})"
        )

    @classmethod
    def system(cls, interface: Interface = Interface.SYSTEM) -> Actor:
        return cls(None, interface)


def jsonable(value: Any) -> Any:
    """A JSON-safe form of a field value, readable in the history."""
    if isinstance(value, Money):
        return value.plain()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [before, after]}``."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        b, a = jsonable(before.get(key)), jsonable(after.get(key))
        if b != a and not (_is_empty(b) and _is_empty(a)):
            changes[key] = [b, a]
    return changes


def _is_empty(value: Any) -> bool:
    # A blank text, an empty list and "no value" all read as "nothing" in the history.
    return value is None or value == "" or value == [] or value == {}


@dataclass(frozen=True)
class Change:
    action: Action
    object_type: str
    object_id: str | int
    object_repr: str
    changes: Mapping[str, list[Any]]
    agreement_id: int | None = None
    summary: str = ""


def _event(actor: Actor, change: Change) -> AuditEvent:
    return AuditEvent(
        actor=actor.user,
        actor_name=actor.name,
        actor_organisation=actor.user.organisation.name if actor.user is not None else "",
        interface=actor.interface,
        action=change.action,
        object_type=change.object_type,
        object_id=str(change.object_id),
        object_repr=change.object_repr[:300],
        agreement_id=change.agreement_id,
        # Hashing refuses, loudly, anything that would not read back from the database as it
        # went in (a float, a key that is not text), rather than fail verification later.
        changes={k: list(v) for k, v in change.changes.items()},
        summary=change.summary[:300],
    )


def content(event: AuditEvent) -> EventContent:
    """What the chain hashes of an event (the same whether just made or read back)."""
    return EventContent(
        at=event.at,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        actor_organisation=event.actor_organisation,
        interface=event.interface,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        agreement_id=event.agreement_id,
        changes=event.changes,
        summary=event.summary,
    )


# pg_advisory_xact_lock key: "carepool" in ASCII. Held until the writer's transaction ends.
CHAIN_LOCK = 0x63617265706F6F6C


def _lock_chain_head() -> Link:
    """Take the right to append and return the chain's head. Call inside a transaction.

    PostgreSQL: an advisory lock held to the end of the transaction makes writers take
    turns, and under READ COMMITTED the head read after it includes every event committed
    before it. SQLite allows one writer at a time; with deferred transactions a writer that
    read a stale head fails (database locked, or the unique sequence refuses the second
    event with the same number): an error, never a fork in the chain.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    head = (
        AuditEvent.objects.order_by("-sequence")
        .values_list("sequence", "previous_hash", "hash")
        .first()
    )
    return START if head is None else Link(*head)


def _append(events: list[AuditEvent]) -> None:
    with transaction.atomic():
        head = _lock_chain_head()
        # The time is taken once the lock is held, so the chain follows the clock.
        now = timezone.now()
        for event in events:
            event.at = now
        for event, link in zip(events, extend(head, map(content, events)), strict=True):
            event.sequence = link.sequence
            event.previous_hash = link.previous_hash
            event.hash = link.hash
        if len(events) == 1:
            events[0].save()
        else:
            AuditEvent.objects.bulk_create(events, batch_size=1000)


def record(actor: Actor, change: Change) -> AuditEvent:
    event = _event(actor, change)
    _append([event])
    return event


def record_many(actor: Actor, changes: Iterable[Change]) -> int:
    """Audit a bulk write in one insert; every row still gets its own event and link."""
    events = [_event(actor, change) for change in changes]
    if events:
        _append(events)
    return len(events)
