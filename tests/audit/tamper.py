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
