"""The database itself refuses to rewrite the trail, whatever SQL the client sends."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from carepool.audit.models import AuditEvent
from tests.audit.tamper import TABLE, copy_of_row_sql, execute, fetch


def _refused(sql: str, params: list[object]) -> None:
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
    ):
        execute(sql, params)


def _summaries() -> list[tuple[object, ...]]:
    return fetch(f"SELECT id, summary FROM {TABLE} ORDER BY id")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's conflict clauses")
class TestSqliteConflictClauses:
    @pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
    def test_replacing_an_existing_event_is_refused(self, world, verb):
        before = _summaries()
        event = AuditEvent.objects.order_by("id").first()
        names, values = copy_of_row_sql(summary="'Forged: nobody approved it'")
        _refused(
            f"{verb} INTO {TABLE} ({names}) SELECT {values} FROM {TABLE} WHERE id = %s", [event.pk]
        )
        assert _summaries() == before

    def test_upsert_is_refused(self, world):
        before = _summaries()
        event = AuditEvent.objects.order_by("id").first()
        names, values = copy_of_row_sql()
        _refused(
            f"INSERT INTO {TABLE} ({names}) SELECT {values} FROM {TABLE} WHERE id = %s "
            "ON CONFLICT (id) DO UPDATE SET summary = 'Forged'",
            [event.pk],
        )
        assert _summaries() == before


@pytest.mark.postgres
class TestPostgresUpsert:
    def test_on_conflict_do_update_is_refused(self, world):
        before = _summaries()
        event = AuditEvent.objects.order_by("id").first()
        names, values = copy_of_row_sql()
        _refused(
            f"INSERT INTO {TABLE} ({names}) SELECT {values} FROM {TABLE} WHERE id = %s "
            "ON CONFLICT (id) DO UPDATE SET summary = 'Forged'",
            [event.pk],
        )
        assert _summaries() == before

    def test_truncate_is_refused(self, world):
        before = _summaries()
        # The world's inserts left deferred foreign-key checks pending, which PostgreSQL
        # would give as its reason to refuse a TRUNCATE; run them first to reach the trigger.
        execute("SET CONSTRAINTS ALL IMMEDIATE")
        _refused(f"TRUNCATE {TABLE}", [])
        assert _summaries() == before
