"""Changing the audit trail behind the application's back: raw SQL on the database connection.

These helpers play the part of someone with write access to the database (a DBA, a leaked
password, a restored backup edited by hand). They bypass the model and the queryset on
purpose; what stops or catches them is the database (triggers, constraints) and
``carepool audit verify``.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

TABLE = "audit_auditevent"
# The append-only triggers the migrations leave in place, by database.
CURRENT_TRIGGERS = {
    "sqlite": {"audit_no_update", "audit_no_delete", "audit_no_replace"},
    "postgresql": {"audit_no_update_or_delete", "audit_no_truncate"},
}


def columns() -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, TABLE)]


def copy_of_row_sql(**overrides: str) -> tuple[str, str]:
    """(column list, SELECT list) copying one row (``WHERE id = %s``) with some values replaced.

    ``overrides`` maps a column to an SQL expression, e.g. ``summary="'forged'"``.
    """
    names = columns()
    selected = [overrides.get(name, name) for name in names]
    return ", ".join(names), ", ".join(selected)


def execute(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fetch(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def lift_triggers() -> None:
    """What a forger does first: drop the append-only triggers (rolled back with the test)."""
    if connection.vendor == "postgresql":
        # PostgreSQL will not alter a table with deferred foreign-key checks still pending.
        execute("SET CONSTRAINTS ALL IMMEDIATE")
        execute(f"DROP TRIGGER audit_no_update_or_delete ON {TABLE}")
        execute(f"DROP TRIGGER audit_no_truncate ON {TABLE}")
    else:
        for name in ("audit_no_update", "audit_no_delete", "audit_no_replace"):
            execute(f"DROP TRIGGER {name}")


def lift_unique_sequence() -> None:
    """Drop the unique constraint on sequence, so a second event can take a number."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, TABLE)
        for name, c in constraints.items():
            if c["unique"] and c["columns"] == ["sequence"]:
                if c["index"]:
                    execute(f'DROP INDEX "{name}"')
                else:
                    execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
    else:
        # SQLite cannot drop an inline UNIQUE: rebuild the table without any constraint.
        execute(f"CREATE TABLE forged_copy AS SELECT * FROM {TABLE}")
        execute(f"DROP TABLE {TABLE}")
        execute(f"ALTER TABLE forged_copy RENAME TO {TABLE}")


def row(sequence: int) -> dict[str, Any]:
    names = columns()
    [values] = fetch(f"SELECT {', '.join(names)} FROM {TABLE} WHERE sequence = %s", [sequence])
    return dict(zip(names, values, strict=True))


def insert(values: dict[str, Any]) -> None:
    names = list(values)
    placeholders = ", ".join(["%s"] * len(names))
    execute(
        f"INSERT INTO {TABLE} ({', '.join(names)}) VALUES ({placeholders})",
        [values[n] for n in names],
    )


def trigger_names() -> set[str]:
    if connection.vendor == "postgresql":
        rows = fetch(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [TABLE],
        )
    else:
        rows = fetch(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
        )
    return {name for (name,) in rows}
