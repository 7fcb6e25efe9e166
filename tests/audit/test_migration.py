"""Migration 0004 chains the events recorded before it, in the order they happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from carepool.audit.models import AuditEvent
from carepool.audit.verify import verify_trail
from carepool.core.audit_chain import GENESIS
from tests.audit import tamper

pytestmark = pytest.mark.usefixtures("flushable_audit")

BEFORE = [("audit", "0003_refuse_replace")]
AFTER = [("audit", "0004_hash_chain")]
T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


def migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_events_are_chained_by_time_and_the_triggers_come_back():
    old_apps = migrate(BEFORE)
    try:
        event_model = old_apps.get_model("audit", "AuditEvent")
        # Row ids do not follow time here (a clock change, an import of old records).
        for minutes, name in [(30, "third"), (0, "first"), (10, "second")]:
            event_model.objects.create(
                at=T0 + timedelta(minutes=minutes),
                actor_name="system (Import)",
                interface="import",
                action="create",
                object_type="agreement",
                object_id=name,
                object_repr=name,
                changes={"title": [None, f"£{minutes} — {name}"]},
            )
    finally:
        migrate(AFTER)

    events = list(AuditEvent.objects.order_by("sequence"))
    assert [(e.sequence, e.object_repr) for e in events] == [
        (1, "first"),
        (2, "second"),
        (3, "third"),
    ]
    assert events[0].previous_hash == GENESIS
    assert verify_trail().intact
    assert tamper.trigger_names() == tamper.CURRENT_TRIGGERS[connection.vendor]


def test_the_migration_can_be_reversed_with_the_old_triggers():
    migrate(BEFORE)
    try:
        names = tamper.trigger_names()
        assert "sequence" not in tamper.columns()
    finally:
        migrate(AFTER)
    # The same names as now; on SQLite audit_no_replace is 0003's, covering the id only.
    assert names == tamper.CURRENT_TRIGGERS[connection.vendor]
