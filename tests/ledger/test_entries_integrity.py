"""Ledger rows cannot be changed, nor posted into a closed month, even by raw SQL; and the
integrity check finds what someone who first drops the triggers does behind the application's
back. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from carepool.audit.services import Actor
from carepool.core import ledger as core
from carepool.core.money import Money
from carepool.ledger import services
from carepool.ledger.integrity import check_ledger
from carepool.ledger.models import Balance, ClosedMonth, ImportBatch, Transfer
from carepool.ledger.posting import Poster
from tests.factories import SYSTEM, World
from tests.fixtures import world  # noqa: F401

pytestmark = pytest.mark.django_db

_migration = importlib.import_module("carepool.ledger.migrations.0002_entries_immutable_transfers")
TRIGGERS = {
    "sqlite": {
        "ledger_transfer_no_update",
        "ledger_transfer_no_delete",
        "ledger_transfer_closed_month",
    },
    "postgresql": {"ledger_transfer_immutable", "ledger_transfer_closed_month"},
}


def trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger_transfer'::regclass "
                "AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'ledger_transfer'"
            )
        return {row[0] for row in cursor.fetchall()}


def lift_triggers() -> None:
    """What a forger does first (rolled back with the test)."""
    if connection.vendor == "postgresql":
        # PostgreSQL will not alter a table with deferred foreign-key checks still pending.
        raw("SET CONSTRAINTS ALL IMMEDIATE", [])
        statements = _migration.POSTGRES_BACKWARD
    else:
        statements = _migration.SQLITE_BACKWARD
    for sql in statements:
        raw(sql, [])


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def posted(world: World) -> tuple[World, Transfer]:  # noqa: F811
    services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S01", "name": "Reablement"})
    line = services.post_actual(
        Actor(world.finance, SYSTEM.interface),
        world.agreement.pk,
        {"date": "2024-04-10", "scheme": "S01", "partner": "E08000035", "amount": "100.00"},
    )
    services.post_due_contributions(SYSTEM, world.agreement.pk, date(2024, 4, 30))
    assert check_ledger().ok
    return world, line


def test_every_trigger_is_in_place(db: None) -> None:
    # A migration that rebuilds the table on SQLite silently drops its triggers.
    assert trigger_names() == TRIGGERS[connection.vendor]


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_transfer SET amount_pence = amount_pence + 1 WHERE id = %s",
        "UPDATE ledger_transfer SET description = 'changed' WHERE id = %s",
        "DELETE FROM ledger_transfer WHERE id = %s",
    ],
)
def test_rows_cannot_be_changed_or_deleted(posted: tuple[World, Transfer], sql: str) -> None:
    _, line = posted
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        raw(sql, [line.pk])
    assert Transfer.objects.get(pk=line.pk).amount_pence == 100_00


def test_nothing_is_inserted_into_a_closed_month_even_past_the_poster(
    posted: tuple[World, Transfer],
) -> None:
    pool, line = posted
    ClosedMonth.objects.create(agreement=pool.agreement, month=202404, closed_at=timezone.now())
    copy = {
        f.attname: getattr(line, f.attname)
        for f in Transfer._meta.concrete_fields
        if f.name != "id"
    }
    with pytest.raises(DatabaseError, match="closed"), transaction.atomic():
        Transfer.objects.create(**copy)
    copy.update(day=date(2024, 5, 1), month=202405)
    Transfer.objects.create(**copy)  # an open month: accepted (without its balance ...)
    report = check_ledger(pool.agreement.pk)  # ... which the check then finds
    assert {d.problem for d in report.differences} == {"no balance"}
    assert {d.month for d in report.differences} == {"2024-05"}


def test_an_amount_altered_behind_the_applications_back_is_found(
    posted: tuple[World, Transfer],
) -> None:
    pool, line = posted
    lift_triggers()
    raw("UPDATE ledger_transfer SET amount_pence = 999 WHERE id = %s", [line.pk])
    report = check_ledger()
    assert not report.ok
    found = {
        (d.account_id, d.month, d.stored_pence, d.recomputed_pence) for d in report.differences
    }
    assert found == {
        (line.debit_id, "2024-04", 100_00, 999),
        (line.credit_id, "2024-04", -(check_pool(pool) + 100_00), -(check_pool(pool) + 999)),
    }
    assert {d.problem for d in report.differences} == {"differs"}
    assert check_ledger(pool.kent_agreement.pk).ok  # another agreement is untouched


def check_pool(pool: World) -> int:
    """What the contributions put into the pool in April (credited to it)."""
    return sum(
        Transfer.objects.filter(agreement=pool.agreement, kind="contribution").values_list(
            "amount_pence", flat=True
        )
    )


def test_a_deleted_row_a_changed_balance_and_a_misdated_row_are_found(
    posted: tuple[World, Transfer],
) -> None:
    pool, line = posted
    lift_triggers()
    raw("DELETE FROM ledger_transfer WHERE id = %s", [line.pk])
    spend = Balance.objects.get(account_id=line.debit_id, month=202404)
    assert {d.problem for d in check_ledger().differences} == {"no rows", "differs"}
    Balance.objects.filter(pk=spend.pk).delete()
    contribution = Transfer.objects.filter(kind="contribution").first()
    assert contribution is not None
    raw("UPDATE ledger_transfer SET day = %s WHERE id = %s", ["2024-06-01", contribution.pk])
    report = check_ledger(pool.agreement.pk)
    assert [d.problem for d in report.differences] == ["differs"]  # the pool, less the spend
    assert [
        (b.transfer_id, "not the month of its date" in b.problem) for b in report.bad_transfers
    ] == [(contribution.pk, True)]
    assert report.problem_count == 2
    assert report.to_dict()["ok"] is False


def test_an_import_batch_whose_lines_do_not_add_up_is_found(world: World) -> None:  # noqa: F811
    batch = ImportBatch.objects.create(
        agreement=world.agreement,
        month=202404,
        source=world.council,
        file_name="april.csv",
        sha256="0" * 64,
        rows=2,
        total_pence=150_00,
        interface="cli",
        imported_by_name="test",
        imported_at=timezone.now(),
    )
    with transaction.atomic():
        poster = Poster(world.agreement)
        poster.add(
            core.actual("S01", "E08000035", Money(200_00), date(2024, 4, 3)),
            batch_id=batch.pk,
            line=2,
        )
        poster.add(
            core.actual("S01", "E08000035", Money(-50_00), date(2024, 4, 4)),
            batch_id=batch.pk,
            line=3,
        )
        poster.flush()
    assert check_ledger(world.agreement.pk).ok  # two lines, £200 spent less £50 refunded
    ImportBatch.objects.filter(pk=batch.pk).update(rows=3, total_pence=1)
    (found,) = check_ledger(world.agreement.pk).batch_differences
    assert (found.stored_rows, found.counted_rows) == (3, 2)
    assert (found.stored_total_pence, found.counted_total_pence) == (1, 150_00)
