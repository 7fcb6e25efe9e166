"""Refuse SQLite's INSERT OR REPLACE (and REPLACE) of an existing audit event.

On SQLite, the REPLACE conflict resolution deletes the conflicting row and inserts the new
one, but that implicit delete fires DELETE triggers only when the connection has turned
``PRAGMA recursive_triggers`` on; it is off by default and any client can leave it off. So
``INSERT OR REPLACE INTO audit_auditevent ...`` silently rewrote an event past the
BEFORE UPDATE/DELETE triggers of 0002. A BEFORE INSERT trigger runs before any conflict
resolution, whatever the connection's settings, and refuses an insert whose id is taken.
(RAISE takes only a literal message, so it cannot name the event.)

``INSERT ... ON CONFLICT DO UPDATE`` (upsert) needs nothing new: on both SQLite and
PostgreSQL its update fires the BEFORE UPDATE triggers of 0002 (tests/audit prove it).
PostgreSQL has no REPLACE.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit_auditevent
        WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: that event already exists');
        END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS audit_no_replace;"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forward, backward)]
