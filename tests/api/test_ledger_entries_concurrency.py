"""Simultaneous ledger writes, for real: two API clients at once against a live server, each
on its own thread and database connection, on SQLite and on PostgreSQL. Both postings land
and every balance still equals its rows; of two closes of one month, one wins and the other
is refused in plain words, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from carepool.accounts.models import Role
from carepool.ledger import services
from carepool.ledger.integrity import check_ledger
from carepool.ledger.models import ClosedMonth, Transfer
from tests.api.helpers import basic_header
from tests.factories import SYSTEM, World, user
from tests.fixtures import _audit_triggers_restored, flushable_audit  # noqa: F401
from tests.interfaces.test_concurrent_writes import at_once, send

ROUNDS = 4
pytestmark = [pytest.mark.django_db(transaction=True)]


def line(amount: str, reference: str) -> dict[str, str]:
    return {
        "date": "2024-04-10",
        "scheme": "S01",
        "partner": "E08000035",
        "amount": amount,
        "reference": reference,
    }


def test_two_postings_at_once_both_land_and_balances_equal_rows(
    flushable_audit: None,  # noqa: F811
    live_server: Any,
    world: World,
) -> None:
    services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S01", "name": "Reablement"})
    user("finance_two", world.council, Role.FINANCE_OFFICER)
    url = f"{live_server.url}/api/v1/agreements/{world.agreement.pk}/ledger/entries"
    other = {"Authorization": basic_header("finance_two")}
    for n in range(ROUNDS):
        results = at_once(
            lambda n=n: send(url, "POST", line("10.01", f"A{n}")),
            lambda n=n: send(url, "POST", line("-3.00", f"B{n}"), other),
        )
        assert [status for status, _ in results] == [201, 201], results
    assert Transfer.objects.count() == 2 * ROUNDS
    assert check_ledger(world.agreement.pk).ok
    spend = sum(
        t.amount_pence if t.debit.kind == "spend" else -t.amount_pence
        for t in Transfer.objects.select_related("debit")
    )
    assert spend == ROUNDS * (10_01 - 3_00)


def test_two_closes_of_one_month_one_wins(
    flushable_audit: None,  # noqa: F811
    live_server: Any,
    world: World,
) -> None:
    user("finance_two", world.council, Role.FINANCE_OFFICER)
    base = f"{live_server.url}/api/v1/agreements/{world.agreement.pk}/ledger/months"
    other = {"Authorization": basic_header("finance_two")}
    for month in ("2024-04", "2024-05", "2024-06"):
        results = at_once(
            lambda month=month: send(f"{base}/{month}/close", "POST"),
            lambda month=month: send(f"{base}/{month}/close", "POST", None, other),
        )
        statuses = sorted(status for status, _ in results)
        assert statuses == [201, 422], results
        refused = next(body for status, body in results if status == 422)
        assert "already closed" in refused["errors"][0]["message"]
    assert ClosedMonth.objects.count() == 3
