"""Audit events as plain, JSON-ready values: the one shape of the API and the CLI's ``--json``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from carepool.audit.models import AuditEvent
from carepool.audit.services import jsonable

_ENCODER = DjangoJSONEncoder()


def iso(moment: date | datetime | None) -> str | None:
    """A date ("2024-04-01") or a moment ("2024-10-01T09:30:00.123Z") as the API writes it.

    The API's renderer is Django's JSON encoder, so the same text comes out of every interface.
    """
    if isinstance(moment, datetime):
        # The encoder writes milliseconds; a moment with fewer than 1,000 microseconds would
        # be written ".000", which the API, reading its own text back into a datetime, writes
        # without a fraction. Cut to milliseconds first so both write the same text.
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return None if moment is None else str(_ENCODER.default(moment))


def audit_event(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": iso(event.at),
        "actor": event.actor_name,
        "organisation": event.actor_organisation,
        "interface": event.interface,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object": event.object_repr,
        "summary": event.summary,
        "changes": jsonable(event.changes),
    }
