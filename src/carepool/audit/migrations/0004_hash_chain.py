"""Chain the audit trail: sequence, previous_hash and hash on every event (ADR 0008).

Existing events are chained in the order they happened, (at, id), by filling in the new
columns. That is an UPDATE, which the append-only triggers refuse, so this migration drops
the triggers, adds the columns, fills them, makes them required (sequence unique) and puts
the triggers back, all in one transaction: on PostgreSQL, DROP TRIGGER locks the table until
the commit, so no other session ever sees the trail without its triggers; on SQLite the
database is locked for writing throughout. If anything fails, nothing changes.

The backfill fills only the new columns and changes no event's content. The chain can only
vouch for the content as it stands at this migration: an event altered before today is
chained as it is now.

``install_triggers`` and ``remove_triggers`` are the current set of append-only triggers;
the test fixtures use them to lift the triggers around a database flush.
"""

from django.db import migrations, models

from carepool.core.audit_chain import START, EventContent, append

# SQLite: the BEFORE INSERT trigger also covers sequence, the table's other unique column:
# INSERT OR REPLACE with a new id but a taken sequence would otherwise delete that event.
SQLITE_TRIGGERS = {
    "audit_no_update": """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only'); END;""",
    "audit_no_delete": """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only'); END;""",
    "audit_no_replace": """CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit_auditevent
        WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
          OR EXISTS (SELECT 1 FROM audit_auditevent WHERE sequence = NEW.sequence)
        BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: that event already exists');
        END;""",
}
POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'The audit trail is append-only'; END; $$ LANGUAGE plpgsql;"""
POSTGRES_TRIGGERS = {
    "audit_no_update_or_delete": """CREATE TRIGGER audit_no_update_or_delete
        BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_append_only();""",
    "audit_no_truncate": """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();""",
}

# The triggers of 0002 and 0003, put back if this migration is reversed.
OLD_SQLITE_REPLACE = """CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit_auditevent
    WHEN EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: that event already exists');
    END;"""


def triggers(vendor):
    if vendor == "sqlite":
        return SQLITE_TRIGGERS
    if vendor == "postgresql":
        return POSTGRES_TRIGGERS
    raise RuntimeError(f"No append-only triggers written for {vendor}")


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
    for sql in triggers(vendor).values():
        schema_editor.execute(sql)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    on_table = " ON audit_auditevent" if vendor == "postgresql" else ""
    for name in triggers(vendor):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on_table};")


def install_old_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        install_triggers(apps, schema_editor)  # unchanged since 0002
        return
    schema_editor.execute(SQLITE_TRIGGERS["audit_no_update"])
    schema_editor.execute(SQLITE_TRIGGERS["audit_no_delete"])
    schema_editor.execute(OLD_SQLITE_REPLACE)


CHUNK = 2000


def chain_existing_events(apps, schema_editor):
    event_model = apps.get_model("audit", "AuditEvent")
    events = event_model.objects.using(schema_editor.connection.alias)
    # Ids first, then rows a chunk at a time: never update a table while a cursor walks it.
    ids = list(events.order_by("at", "id").values_list("id", flat=True))
    head = START
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = events.in_bulk(chunk)
        for pk in chunk:
            event = rows[pk]
            try:
                head = append(head, _content(event))
            except TypeError as exc:
                raise RuntimeError(f"Audit event {pk} cannot be chained: {exc}") from exc
            event.sequence = head.sequence
            event.previous_hash = head.previous_hash
            event.hash = head.hash
        events.bulk_update(rows.values(), ["sequence", "previous_hash", "hash"])


def _content(event):
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


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_refuse_replace")]

    operations = [
        migrations.RunPython(remove_triggers, install_old_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(
                unique=True,
                editable=False,
                help_text="Place in the one chain of events: 1, 2, 3 ...",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(
                max_length=64, editable=False, help_text="SHA-256 of the event before (hex)"
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(
                max_length=64,
                editable=False,
                help_text="SHA-256 of this event's content and previous_hash (hex)",
            ),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
