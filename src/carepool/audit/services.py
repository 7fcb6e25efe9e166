"""Recording changes. Services call ``record`` explicitly for every write, bulk ones included."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from carepool.audit.models import Action, AuditEvent, Interface
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


def _event(actor: Actor, change: Change, at: datetime) -> AuditEvent:
    return AuditEvent(
        at=at,
        actor=actor.user,
        actor_name=actor.name,
        actor_organisation=actor.user.organisation.name if actor.user is not None else "",
        interface=actor.interface,
        action=change.action,
        object_type=change.object_type,
        object_id=str(change.object_id),
        object_repr=change.object_repr[:300],
        agreement_id=change.agreement_id,
        changes={k: list(v) for k, v in change.changes.items()},
        summary=change.summary[:300],
    )


def record(actor: Actor, change: Change) -> AuditEvent:
    event = _event(actor, change, timezone.now())
    event.save()
    return event


def record_many(actor: Actor, changes: Iterable[Change]) -> int:
    """Audit a bulk write in one insert; every row still gets its own event."""
    now = timezone.now()
    events = [_event(actor, change, now) for change in changes]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)
