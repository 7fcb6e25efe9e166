"""Ledger rows are never changed, and nothing is posted into a closed month, even by raw SQL.

Database triggers (docs/adr/0022-period-close-and-integrity.md):

- ``ledger_transfer`` refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL): a correction is
  a new transfer that names the one it corrects;
- a transfer dated in a month closed for its agreement is refused on INSERT. On PostgreSQL
  this is one statement-level check over the inserted rows (a transition table), so a bulk
  ``COPY`` pays one join, not a trigger call per row.

The services never try either; the triggers stop raw SQL and any future code path. Also an
index for finding a line's corrections.
"""

from django.db import migrations, models

TABLE = "ledger_transfer"
IMMUTABLE = "Ledger rows are never changed or deleted; post a correction instead"
CLOSED = "That month is closed for this agreement; post a correction in an open month"

# Every statement below is built from the constants above only (S608: no input reaches it).
SQLITE_FORWARD = [
    f"""CREATE TRIGGER ledger_transfer_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END;""",
    f"""CREATE TRIGGER ledger_transfer_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END;""",
    f"""CREATE TRIGGER ledger_transfer_closed_month BEFORE INSERT ON {TABLE}
        WHEN EXISTS (SELECT 1 FROM ledger_closedmonth c
                     WHERE c.agreement_id = NEW.agreement_id AND c.month = NEW.month)
        BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END;""",  # noqa: S608
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_transfer_no_update;",
    "DROP TRIGGER IF EXISTS ledger_transfer_no_delete;",
    "DROP TRIGGER IF EXISTS ledger_transfer_closed_month;",
]
POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION ledger_transfer_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{IMMUTABLE}'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER ledger_transfer_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfer_immutable();""",
    f"""CREATE OR REPLACE FUNCTION ledger_transfer_closed_month() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM inserted i JOIN ledger_closedmonth c
                    ON c.agreement_id = i.agreement_id AND c.month = i.month) THEN
           RAISE EXCEPTION '{CLOSED}';
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql;""",  # noqa: S608
    f"""CREATE TRIGGER ledger_transfer_closed_month AFTER INSERT ON {TABLE}
        REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfer_closed_month();""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS ledger_transfer_immutable ON {TABLE};",
    f"DROP TRIGGER IF EXISTS ledger_transfer_closed_month ON {TABLE};",
    "DROP FUNCTION IF EXISTS ledger_transfer_immutable();",
    "DROP FUNCTION IF EXISTS ledger_transfer_closed_month();",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(
        schema_editor.connection.vendor
    )
    if statements is None:
        raise RuntimeError(f"No ledger triggers written for {schema_editor.connection.vendor}")
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for sql in {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}[
        schema_editor.connection.vendor
    ]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(
                condition=models.Q(("corrects__isnull", False)),
                fields=["corrects"],
                name="transfer_corrects",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
