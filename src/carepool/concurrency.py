"""Safe writes when several people change the same record at once (docs/adr/0011).

Every editable record has a ``version`` that goes up by one with each change. A writer:

1. loads the record with ``locked`` (a row lock on PostgreSQL; on SQLite the whole write
   transaction is serialised by ``BEGIN IMMEDIATE``, see settings), so two writers never
   read-modify-write the same row at the same time;
2. calls ``require_version`` with the version the person last saw, when the interface sent
   one (a hidden form field, ``If-Match`` in the API, ``--expect-version`` in the CLI): a
   stale write is refused with ``Conflict`` and nothing is saved;
3. saves with ``save_changed``, which writes only the columns that changed and bumps the
   version with a conditional ``UPDATE ... WHERE version = <read>``, so even a writer that
   skipped the lock cannot overwrite a newer row unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models
from django.db.models import F
from django.utils import timezone

from carepool.core.errors import Conflict

M = TypeVar("M", bound=models.Model)


def locked(queryset: models.QuerySet[M], pk: int) -> M:
    """The row, locked until the transaction ends (PostgreSQL); raises ``DoesNotExist``.

    Only the row itself is locked, not the rows ``select_related`` joins in.
    """
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def require_version(record: Any, expected: int | None, what: str) -> None:
    """Refuse a write based on an older version than the record has now."""
    if expected is not None and expected != record.version:
        raise Conflict(what, expected, record.version)


def changed_fields(record: models.Model, before: Mapping[str, Any]) -> list[str]:
    """The model fields whose value differs from ``before`` (field name -> value read)."""
    return [name for name, value in before.items() if getattr(record, name) != value]


def field_values(record: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in fields}


def save_changed(record: Any, before: Mapping[str, Any], what: str) -> list[str]:
    """Write the fields that changed since ``before`` and bump the version.

    Returns the names of the fields written (none: nothing is written, the version stays).
    """
    fields = changed_fields(record, before)
    if fields:
        bump(record, what, {name: getattr(record, name) for name in fields})
    return fields


def bump(record: Any, what: str, values: Mapping[str, Any] | None = None) -> None:
    """Raise the record's version (with ``values`` written in the same ``UPDATE``).

    Used on its own when something that belongs to the record changed (an agreement's
    partners or contributions), so a writer holding the older version is refused.
    """
    model = type(record)
    extra: dict[str, Any] = dict(values or {})
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        extra["updated_at"] = timezone.now()
    written = model.objects.filter(pk=record.pk, version=record.version).update(
        version=F("version") + 1, **extra
    )
    if written != 1:
        current = model.objects.filter(pk=record.pk).values_list("version", flat=True).first()
        raise Conflict(what, record.version, current or record.version + 1)
    for name, value in extra.items():
        setattr(record, name, value)
    record.version += 1


# SQLSTATEs of PostgreSQL refusals that succeed when simply tried again: serialization
# failure, deadlock detected, lock not available.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")

BUSY_MESSAGE = (
    "Carepool is busy with other changes and could not save yours in time. Nothing was "
    "saved. Please try again in a moment."
)


def is_busy(error: BaseException) -> bool:
    """The database refused because others were writing; trying again would succeed."""
    cause = error.__cause__ or error.__context__
    if getattr(cause, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    text = str(error).lower()
    return any(phrase in text for phrase in _SQLITE_BUSY)
