"""Money as whole pence, and apportionment that conserves every penny.

Money is never a float. Amounts are held as ``int`` pence inside an immutable ``Money``.
Parsing accepts strings, ints (pounds are *not* assumed: use ``Money.from_pounds``) and
``Decimal``; a value with a fraction of a penny is refused rather than silently rounded.
"More than two decimal places" means a non-zero digit after the pence: ``"1.50"`` and
``"1.500"`` are both £1.50 exactly, ``"1.501"`` is refused, however many digits it has. The
conversion works on the digits themselves, never through ``Decimal`` arithmetic, whose
28-digit context would round ``"0.1000000000000000000000000000001"`` to 10p.

Apportionment rule (documented in docs/adr/0002-money.md): split ``total`` by non-negative
integer or Decimal weights using the *largest remainder* method. Each share first receives
``floor(total * weight / sum(weights))`` pence; the pence left over go one each to the shares
with the largest fractional remainders, ties broken by position (earlier first). The shares
always sum exactly to ``total``. Negative totals are apportioned as the negation of the
apportionment of their absolute value, so the rule is symmetric.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import total_ordering
from math import gcd as _gcd

from carepool.core.errors import shown

_AMOUNT_RE = re.compile(
    r"^\s*(?P<sign>[-+]?)\s*£?\s*(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*$"
)


class MoneyError(ValueError):
    """A value cannot be read as an amount of money."""


# The largest amount any input may carry: £1 trillion, a hundred times the whole national
# Better Care Fund. Larger values are typing mistakes, and would not fit the database.
MAX_INPUT_PENCE = 10**14
# Beyond this many digits of pounds a value is not money; refusing it early keeps a value like
# Decimal("1E+999999999") from building an integer with a billion digits.
_MAX_POUNDS_DIGITS = 100


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    pence: int

    def __post_init__(self) -> None:
        # bool is an int subclass; True pence is a bug, not money.
        if not isinstance(self.pence, int) or isinstance(self.pence, bool):
            raise MoneyError(f"Money holds whole pence, not {type(self.pence).__name__}")

    # construction -------------------------------------------------------------------
    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def from_pounds(cls, value: str | int | Decimal) -> Money:
        """Read pounds (e.g. ``"1,234.56"``, ``"£10"``, ``Decimal("0.5")``) exactly."""
        if isinstance(value, float):
            raise MoneyError("Money cannot be made from a float; pass a string or Decimal")
        if isinstance(value, bool):
            raise MoneyError("Money cannot be made from a boolean")
        if isinstance(value, int):
            return cls(value * 100)
        if isinstance(value, Decimal):
            dec = value
        else:
            match = _AMOUNT_RE.match(str(value))
            if not match:
                raise MoneyError(f"'{shown(value)}' is not an amount of money")
            try:
                dec = Decimal(match["sign"] + match["num"].replace(",", ""))
            except InvalidOperation as exc:  # pragma: no cover - regex already guards
                raise MoneyError(f"'{shown(value)}' is not an amount of money") from exc
        if not dec.is_finite():
            raise MoneyError(f"'{shown(value)}' is not an amount of money")
        return cls(_exact_pence(dec, value))

    # arithmetic ---------------------------------------------------------------------
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence + other.pence)

    def __radd__(self, other: object) -> Money:
        # lets sum() start from 0
        if other == 0:
            return self
        if isinstance(other, Money):
            return Money(self.pence + other.pence)
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence - other.pence)

    def __neg__(self) -> Money:
        return Money(-self.pence)

    def __abs__(self) -> Money:
        return Money(abs(self.pence))

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.pence < other.pence

    def __bool__(self) -> bool:
        return self.pence != 0

    @property
    def is_negative(self) -> bool:
        return self.pence < 0

    def to_decimal(self) -> Decimal:
        # Built from the digits: scaleb() would round to the context's 28 digits.
        sign, digits, _ = Decimal(self.pence).as_tuple()
        return Decimal((sign, digits, -2))

    def __str__(self) -> str:
        sign = "-" if self.pence < 0 else ""
        pounds, pence = divmod(abs(self.pence), 100)
        return f"{sign}£{pounds:,}.{pence:02d}"

    def plain(self) -> str:
        """Pounds with two decimals and no symbol or separators, e.g. for CSV and JSON."""
        sign = "-" if self.pence < 0 else ""
        pounds, pence = divmod(abs(self.pence), 100)
        return f"{sign}{pounds}.{pence:02d}"


def _exact_pence(dec: Decimal, value: object) -> int:
    """``dec`` pounds as whole pence, by moving digits: no rounding can happen."""
    sign, digits, exponent = dec.as_tuple()
    assert isinstance(exponent, int)  # finite, checked by the caller
    if dec.adjusted() >= _MAX_POUNDS_DIGITS:
        raise MoneyError(f"'{shown(value)}' is too large to be an amount of money")
    shift = exponent + 2  # the power of ten of the last digit, counted in pence
    if shift < 0:
        # Digits after the pence: zeros are harmless ("1.500"), anything else is not.
        kept, beyond = digits[:shift], digits[shift:]
        if any(beyond):
            raise MoneyError(
                f"'{shown(value)}' has more than two decimal places (a fraction of a penny)"
            )
        digits, shift = kept or (0,), 0
    return int(Decimal((sign, digits + (0,) * shift, 0)))


def total(amounts: Iterable[Money]) -> Money:
    return Money(sum(m.pence for m in amounts))


Weight = int | Decimal | Fraction


def apportion(amount: Money, weights: Sequence[Weight]) -> list[Money]:
    """Split ``amount`` by ``weights`` with the largest-remainder rule; conserves every penny.

    Raises ``ValueError`` for no weights, a negative weight, or weights that are all zero.
    """
    if not weights:
        raise ValueError("apportion needs at least one weight")
    # Scale every weight to a whole number so the arithmetic below is exact integer maths.
    fractions = [Fraction(w) for w in weights]
    if any(w < 0 for w in fractions):
        raise ValueError("weights cannot be negative")
    if sum(fractions) == 0:
        raise ValueError("weights cannot all be zero")
    if amount.pence < 0:
        return [-share for share in apportion(-amount, weights)]
    scale = 1
    for w in fractions:
        scale = scale * w.denominator // _gcd(scale, w.denominator)
    ints = [int(w * scale) for w in fractions]
    weight_sum: int = sum(ints)
    floors: list[int] = []
    remainders: list[int] = []
    for weight in ints:
        quotient, remainder = divmod(amount.pence * weight, weight_sum)
        floors.append(quotient)
        remainders.append(remainder)
    left_over = amount.pence - sum(floors)
    # indices ordered by largest remainder, earlier index first on ties
    order = sorted(range(len(ints)), key=lambda i: (-remainders[i], i))
    for i in order[:left_over]:
        floors[i] += 1
    return [Money(p) for p in floors]


def split_equally(amount: Money, parts: int) -> list[Money]:
    """``amount`` in ``parts`` near-equal shares; the earlier shares take any odd pence."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    # Equal weights: the largest-remainder rule gives the odd pence to the earliest shares.
    sign = -1 if amount.pence < 0 else 1
    base, odd = divmod(abs(amount.pence), parts)
    return [Money(sign * (base + (1 if i < odd else 0))) for i in range(parts)]
