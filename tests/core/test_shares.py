from decimal import Decimal

import pytest

from carepool.core.money import Money
from carepool.core.shares import percentage, shares


def test_shares_are_exact_fractions_of_pence_rounded_once():
    result = shares({"A": Money(200_000_00), "B": Money(100_000_00)})
    assert result == {"A": Decimal("66.7"), "B": Decimal("33.3")}
    assert all(isinstance(v, Decimal) for v in result.values())


def test_half_a_tenth_rounds_up_not_to_even():
    # 1/8 = 12.5% exactly: one decimal place keeps it; none rounds it up to 13, not 12.
    assert percentage(Money(1), Money(8)) == Decimal("12.5")
    assert percentage(Money(1), Money(8), places=0) == Decimal("13")
    # 0.05% exactly rounds up to 0.1, which binary floats (0.05 -> 0.0500000000000000027...)
    # would get right by luck; 1.005% is where float rounding goes wrong.
    assert percentage(Money(1005), Money(100_000), places=2) == Decimal("1.01")
    assert percentage(Money(5), Money(10_000)) == Decimal("0.1")


def test_tiny_shares_of_a_large_pool_are_not_lost_to_floats():
    big = Money(10**14 - 1)
    assert percentage(Money(1), big, places=10) == Decimal("0.0000000000")
    assert percentage(big, big) == Decimal("100.0")


def test_nothing_pooled_means_no_share_can_be_stated():
    assert shares({"A": Money(0), "B": Money(0)}) == {"A": None, "B": None}
    assert shares({}) == {}


def test_negative_amounts_round_away_from_zero():
    assert percentage(Money(-1), Money(8)) == Decimal("-12.5")
    assert percentage(Money(-1), Money(16), places=1) == Decimal("-6.3")


def test_places_must_not_be_negative():
    with pytest.raises(ValueError):
        percentage(Money(1), Money(2), places=-1)
