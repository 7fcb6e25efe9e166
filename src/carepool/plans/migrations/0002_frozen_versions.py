"""A database trigger that refuses any change to a frozen (signed) plan version's content.

The service never tries; the trigger also stops raw SQL and any future code path, so "an
approved version can never be altered" holds below the application too.
"""

from django.db import migrations

TABLE = "plans_planversion"
MESSAGE = "A signed plan version cannot be changed; make a new version"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER plan_version_frozen BEFORE UPDATE ON {TABLE}
        WHEN OLD.frozen AND (NEW.content IS NOT OLD.content
             OR NEW.content_hash IS NOT OLD.content_hash OR NEW.number IS NOT OLD.number
             OR NEW.plan_id IS NOT OLD.plan_id OR NOT NEW.frozen)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER plan_version_frozen_delete BEFORE DELETE ON {TABLE}
        WHEN OLD.frozen BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS plan_version_frozen;",
    "DROP TRIGGER IF EXISTS plan_version_frozen_delete;",
]
POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION plan_version_frozen() RETURNS trigger AS $$
       BEGIN
         IF OLD.frozen AND (TG_OP = 'DELETE' OR NEW.content::text IS DISTINCT FROM
              OLD.content::text OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
              OR NEW.number IS DISTINCT FROM OLD.number OR NEW.plan_id IS DISTINCT FROM
              OLD.plan_id OR NOT NEW.frozen) THEN
           RAISE EXCEPTION '{MESSAGE}';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER plan_version_frozen BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION plan_version_frozen();""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS plan_version_frozen ON {TABLE};",
    "DROP FUNCTION IF EXISTS plan_version_frozen();",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(
        schema_editor.connection.vendor
    )
    if statements is None:
        raise RuntimeError(f"No plan-version trigger written for {schema_editor.connection.vendor}")
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for sql in {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}[
        schema_editor.connection.vendor
    ]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
