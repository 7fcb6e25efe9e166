"""Reading user input into domain values: the same refusal, naming the field, everywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money


def refusal(call) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        call()
    [error] = refused.value.errors
    return error.field, error.message


class TestMoney:
    @pytest.mark.parametrize(
        "value",
        [
            "0.1000000000000000000000000000001",  # was read as 10p
            "0.0000000000000000000000000000001",  # was read as 0p
            "1250000.001",
            Decimal("0.1000000000000000000000000000001"),
        ],
    )
    def test_more_than_two_decimal_places_are_refused(self, value) -> None:
        field, message = refusal(lambda: parse.money(value, "amount"))

        assert field == "amount"
        assert message.startswith(f"'{value}' has more than two decimal places")
        assert message.endswith("enter pounds and pence, like 1250000.00")

    @pytest.mark.parametrize(
        ("value", "pence"),
        [("1.5", 150), ("1.50", 150), ("1.500", 150), ("£1,250,000.00", 125000000)],
    )
    def test_pounds_and_pence_are_read_exactly(self, value, pence) -> None:
        assert parse.money(value, "amount") == Money(pence)
