"""The typed commands for single ledger entries and months: plain refusals naming fields."""

from __future__ import annotations

from datetime import date

import pytest

from carepool.core import ledger as core
from carepool.core.errors import ValidationFailed
from carepool.core.ledger_input import LedgerContext, parse_actual, parse_month, signed_spend
from carepool.core.ledger_periods import first_open_day, next_month, previous_month

CTX = LedgerContext(
    {"S01": "Reablement"},
    ("E08000035",),
    date(2024, 4, 1),
    date(2025, 3, 31),
    date(2024, 12, 15),
    frozenset({202404}),
)


@pytest.mark.parametrize(
    ("text", "key"),
    [("2024-10", 202410), (" 2025-01 ", 202501), ("202410", 202410), (202410, 202410)],
)
def test_months_read(text: str, key: int) -> None:
    assert parse_month(text) == key


@pytest.mark.parametrize("text", ["2024-1", "2024-13", "Oct 2024", "", "1850-10", "2024-10-01"])
def test_months_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_month(text)
    assert set(caught.value.as_dict()) == {"month"}


def test_month_arithmetic_across_a_new_year() -> None:
    assert (previous_month(202501), next_month(202412)) == (202412, 202501)
    assert first_open_day(date(2024, 4, 9), {202404, 202405}) == date(2024, 6, 1)
    assert first_open_day(date(2024, 7, 9), {202404}) == date(2024, 7, 9)


def test_a_refund_is_spend_the_other_way() -> None:
    data = {"date": "2024-05-02", "scheme": "S01", "partner": "E08000035", "amount": "-12.30"}
    t = parse_actual(data, CTX)
    assert t.credit == core.spend_account("S01", "E08000035") and t.debit == core.POOL
    assert signed_spend(t).pence == -12_30


def test_every_problem_at_once() -> None:
    data = {"date": "2024-04-30", "scheme": "S02", "partner": "X", "amount": "", "provider": 5}
    with pytest.raises(ValidationFailed) as caught:
        parse_actual(data, CTX)
    errors = caught.value.as_dict()
    assert set(errors) == {"date", "scheme", "partner", "amount", "provider"}
    assert "April 2024 is closed" in errors["date"][0]
    future = {**data, "date": "2025-01-01", "scheme": "S01", "partner": "E08000035"}
    with pytest.raises(ValidationFailed, match="in the future"):
        parse_actual({**future, "amount": "1", "provider": ""}, CTX)
