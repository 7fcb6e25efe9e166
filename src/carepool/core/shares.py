"""Each partner's share of a pool, as a percentage for people to read.

Exact, then rounded once: a share is the fraction ``amount / whole`` of integer pence (a
``Fraction``, never a float), rounded half up to ``places`` decimal places only at the end.
Each share is rounded on its own, so rounded shares may sum to 99.9 or 100.1; they are for
reading beside the amounts, which stay exact. Where the whole is zero (nothing pooled yet, or
increases and reductions cancel out) no share can be stated and each is ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

from carepool.core.money import Money, total

K = TypeVar("K")


def percentage(part: Money, whole: Money, places: int = 1) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half up (away from zero) to ``places``."""
    if places < 0:
        raise ValueError("places must not be negative")
    if whole.pence == 0:
        return None
    exact = Fraction(part.pence * 100, whole.pence)
    quantum = Decimal(1).scaleb(-places)
    # Work in whole units of the last place shown, rounding the remainder half up by hand:
    # exact for any amount, where Decimal division would round in its 28-digit context.
    scaled = exact * 10**places
    units, remainder = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        units += 1
    sign = -1 if scaled < 0 else 1
    return (Decimal(sign * units) * quantum).quantize(quantum, rounding=ROUND_HALF_UP)


def shares(totals: Mapping[K, Money], places: int = 1) -> dict[K, Decimal | None]:
    """Each key's share of the sum of ``totals``, as a percentage rounded to ``places``."""
    whole = total(totals.values())
    return {key: percentage(amount, whole, places) for key, amount in totals.items()}
