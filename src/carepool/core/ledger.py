"""The pool's ledger: double entry by construction (docs/adr/0019-ledger.md).

Every ledger row is a **transfer**: one debit account, one credit account and a positive
amount in pence. A transfer cannot be out of balance, so neither can the ledger. An entry of
several legs is several transfers posted together (they share an entry id where stored).

Accounts belong to one agreement and are named by their kind and dimensions:

========== ======================== ==================================================
kind        dimensions               what its balance means (debit positive)
========== ======================== ==================================================
receivable  partner, stream          contributions fallen due from the partner
pool        (none)                   the fund: credit = money in the pool not yet spent
spend       scheme, partner          actual spend on the scheme, the partner responsible
commitment  scheme, partner          orders placed and not yet invoiced (memorandum)
committed   (none)                   the contra of every commitment (memorandum)
reserve     (none)                   the risk pool or contingency held back
settlement  partner                  due to (credit) or from (debit) the partner at year end
========== ======================== ==================================================

The rules below are pure: the Django ledger app stores what they build.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from carepool.core.errors import ValidationFailed, shown
from carepool.core.money import Money
from carepool.core.periods import FinancialYear, Period


class AccountKind(StrEnum):
    RECEIVABLE = "receivable"
    POOL = "pool"
    SPEND = "spend"
    COMMITMENT = "commitment"
    COMMITTED = "committed"
    RESERVE = "reserve"
    SETTLEMENT = "settlement"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def dimensions(self) -> frozenset[str]:
        """The dimensions an account of this kind must name (and no others)."""
        return _DIMENSIONS[self]


_KIND_LABELS = {
    AccountKind.RECEIVABLE: "Contributions receivable",
    AccountKind.POOL: "Pool",
    AccountKind.SPEND: "Spend",
    AccountKind.COMMITMENT: "Commitments",
    AccountKind.COMMITTED: "Committed (contra)",
    AccountKind.RESERVE: "Reserve",
    AccountKind.SETTLEMENT: "Settlement",
}

_DIMENSIONS: dict[AccountKind, frozenset[str]] = {
    AccountKind.RECEIVABLE: frozenset({"partner", "stream"}),
    AccountKind.POOL: frozenset(),
    AccountKind.SPEND: frozenset({"scheme", "partner"}),
    AccountKind.COMMITMENT: frozenset({"scheme", "partner"}),
    AccountKind.COMMITTED: frozenset(),
    AccountKind.RESERVE: frozenset(),
    AccountKind.SETTLEMENT: frozenset({"partner"}),
}


class LedgerError(ValueError):
    """A transfer or account that breaks the ledger's rules (a programming error upstream:
    input is validated before it becomes a transfer)."""


@dataclass(frozen=True, slots=True, order=True)
class Account:
    """An account of an agreement's ledger: its kind and the dimensions that kind needs.

    ``partner`` is an organisation code, ``stream`` a funding stream code, ``scheme`` a plan
    scheme id (stable across plan versions and years, so last year's spend on a scheme can
    shape this year's forecast). Dimensions a kind does not use are empty.
    """

    kind: AccountKind
    scheme: str = ""
    partner: str = ""
    stream: str = ""

    def __post_init__(self) -> None:
        given = {name for name in ("scheme", "partner", "stream") if getattr(self, name)}
        needed = self.kind.dimensions
        if given != needed:
            raise LedgerError(
                f"a {self.kind.value} account names {sorted(needed) or 'nothing'}, "
                f"not {sorted(given) or 'nothing'}"
            )

    @property
    def label(self) -> str:
        parts = [self.kind.label]
        parts += [v for v in (self.scheme, self.partner, self.stream) if v]
        return " · ".join(parts)


POOL = Account(AccountKind.POOL)
COMMITTED = Account(AccountKind.COMMITTED)
RESERVE = Account(AccountKind.RESERVE)


# Accounts are immutable values: the same few are built for every line of an import, so they
# are built once (an import of a million lines names a few hundred accounts).
@lru_cache(maxsize=4096)
def spend_account(scheme: str, partner: str) -> Account:
    return Account(AccountKind.SPEND, scheme=scheme, partner=partner)


@lru_cache(maxsize=4096)
def commitment_account(scheme: str, partner: str) -> Account:
    return Account(AccountKind.COMMITMENT, scheme=scheme, partner=partner)


def receivable_account(partner: str, stream: str) -> Account:
    return Account(AccountKind.RECEIVABLE, partner=partner, stream=stream)


def settlement_account(partner: str) -> Account:
    return Account(AccountKind.SETTLEMENT, partner=partner)


class EntryKind(StrEnum):
    """Why a transfer was posted."""

    CONTRIBUTION = "contribution"  # an instalment of a contribution falling due
    ACTUAL = "actual"  # spend from a partner's ledger (or a refund, posted the other way)
    COMMITMENT = "commitment"  # an order placed
    RELEASE = "release"  # a commitment released as the actual arrives (or cancelled)
    REVERSAL = "reversal"  # undoes an earlier transfer, which it names
    ADJUSTMENT = "adjustment"  # corrects a transfer in a closed month, posted in an open one
    RESERVE = "reserve"  # money moved between the pool and the reserve
    SETTLEMENT = "settlement"  # the year-end settlement between partners

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class LineDetail:
    """What a spend line says about itself beyond its money (all optional)."""

    provider: str = ""
    description: str = ""
    reference: str = ""  # the partner's own reference (invoice, journal or order number)
    person: str = ""  # a pseudonymous person reference (personal budgets, a later issue)
    order: str = ""  # for an actual: the commitment (order reference) it releases


NO_DETAIL = LineDetail()


@dataclass(frozen=True, slots=True)
class Transfer:
    """One ledger row: ``amount`` moves from ``credit`` to ``debit``. Balanced by
    construction: the amount is positive and the two accounts differ."""

    debit: Account
    credit: Account
    amount: Money
    day: date
    kind: EntryKind
    detail: LineDetail = NO_DETAIL

    def __post_init__(self) -> None:
        if self.amount.pence <= 0:
            raise LedgerError(f"a transfer moves a positive amount, not {self.amount}")
        if self.debit == self.credit:
            raise LedgerError(f"a transfer needs two different accounts, not {self.debit.label}")

    @property
    def month(self) -> int:
        return month_key(self.day)

    def signed(self, account: Account) -> int:
        """What this transfer adds to ``account``'s balance (debit positive), in pence."""
        if account == self.debit:
            return self.amount.pence
        if account == self.credit:
            return -self.amount.pence
        return 0


# Constructors: the only way the application builds transfers ------------------------------


def _directed(
    debit: Account, credit: Account, amount: Money, day: date, kind: EntryKind, detail: LineDetail
) -> Transfer:
    """A signed amount as a transfer: a negative amount runs the other way."""
    if amount.pence == 0:
        raise LedgerError("a zero amount moves nothing")
    if amount.pence < 0:
        return Transfer(credit, debit, -amount, day, kind, detail)
    return Transfer(debit, credit, amount, day, kind, detail)


def actual(
    scheme: str, partner: str, amount: Money, day: date, detail: LineDetail = NO_DETAIL
) -> Transfer:
    """Spend on ``scheme`` that ``partner`` is responsible for; a negative amount is a refund
    or credit note and reduces the spend."""
    return _directed(spend_account(scheme, partner), POOL, amount, day, EntryKind.ACTUAL, detail)


def adjustment(
    scheme: str, partner: str, amount: Money, day: date, detail: LineDetail = NO_DETAIL
) -> Transfer:
    """A correction of spend in a closed month, posted on ``day`` in an open month."""
    return _directed(
        spend_account(scheme, partner), POOL, amount, day, EntryKind.ADJUSTMENT, detail
    )


def contribution_due(partner: str, stream: str, amount: Money, day: date) -> Transfer:
    """An instalment falling due: the partner owes it, the pool has it to spend. A negative
    amount (a variation that reduces the contribution) runs the other way."""
    return _directed(
        receivable_account(partner, stream), POOL, amount, day, EntryKind.CONTRIBUTION, NO_DETAIL
    )


def commitment(
    scheme: str, partner: str, amount: Money, day: date, detail: LineDetail = NO_DETAIL
) -> Transfer:
    """An order placed (memorandum: it does not touch the pool)."""
    if amount.pence <= 0:
        raise LedgerError(f"a commitment is a positive amount, not {amount}")
    return Transfer(
        commitment_account(scheme, partner), COMMITTED, amount, day, EntryKind.COMMITMENT, detail
    )


def release(
    scheme: str, partner: str, amount: Money, day: date, detail: LineDetail = NO_DETAIL
) -> Transfer:
    """Part or all of a commitment released (the invoice arrived, or the order was
    cancelled)."""
    if amount.pence <= 0:
        raise LedgerError(f"a release is a positive amount, not {amount}")
    return Transfer(
        COMMITTED, commitment_account(scheme, partner), amount, day, EntryKind.RELEASE, detail
    )


def to_reserve(amount: Money, day: date, detail: LineDetail = NO_DETAIL) -> Transfer:
    """Money held back from the pool in the reserve (negative: released back to the pool)."""
    return _directed(POOL, RESERVE, amount, day, EntryKind.RESERVE, detail)


def reversal(original: Transfer, day: date) -> Transfer:
    """The transfer that exactly undoes ``original``, posted on ``day``."""
    return Transfer(
        original.credit, original.debit, original.amount, day, EntryKind.REVERSAL, original.detail
    )


# Balances -------------------------------------------------------------------------------


def month_key(day: date) -> int:
    """The calendar month of ``day`` as a sortable integer, like 202410 for October 2024."""
    return day.year * 100 + day.month


def month_start(key: int) -> date:
    return date(key // 100, key % 100, 1)


def period_of(key: int) -> Period:
    """The ledger period (April = 1) that a month key falls in."""
    return Period.containing(month_start(key))


def months_of(year: FinancialYear) -> tuple[int, ...]:
    """The twelve month keys of a financial year, April first."""
    return tuple(month_key(p.start) for p in year.periods)


def month_name(key: int) -> str:
    return period_of(key).name


_MONTH_RE = re.compile(r"^\s*(\d{4})-?(\d{2})\s*$")


def parse_month(value: object, field: str = "month", year: FinancialYear | None = None) -> int:
    """A calendar month written like ``2024-10`` (or ``202410``) as its key, 202410; in
    ``year`` when one is given. The one reading of a month for every interface."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a month key itself, like 202410
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed.single(field, "Enter the month, like 2024-10 for October 2024")
    match = _MONTH_RE.match(text)
    key = int(match[1]) * 100 + int(match[2]) if match else 0
    if not match or not 1 <= key % 100 <= 12 or not 1990 <= key // 100 <= 2100:
        raise ValidationFailed.single(
            field, f"'{shown(text)}' is not a month; write it like 2024-10 for October 2024"
        )
    if year is not None and key not in months_of(year):
        raise ValidationFailed.single(
            field,
            f"{month_name(key)} is not in {year.label} "
            f"(April {year.start_year} to March {year.start_year + 1})",
        )
    return key


def month_text(key: int) -> str:
    """A month key as written in input and JSON: 202410 -> "2024-10"."""
    return f"{key // 100:04d}-{key % 100:02d}"


BalanceKey = tuple[Account, int]


def fold(transfers: Iterable[Transfer]) -> dict[BalanceKey, int]:
    """Each account's balance per month (debit positive, pence), from its transfers."""
    out: dict[BalanceKey, int] = defaultdict(int)
    for t in transfers:
        month = t.month
        out[(t.debit, month)] += t.amount.pence
        out[(t.credit, month)] -= t.amount.pence
    return {k: v for k, v in out.items() if v}


def trial_balance(balances: Mapping[BalanceKey, int]) -> int:
    """The sum of every balance: zero for any ledger made of transfers."""
    return sum(balances.values())


def account_totals(balances: Mapping[BalanceKey, int]) -> dict[Account, int]:
    """Balances summed over months."""
    out: dict[Account, int] = defaultdict(int)
    for (account, _month), value in balances.items():
        out[account] += value
    return dict(out)


# Periods --------------------------------------------------------------------------------


def require_open(day: date, closed_months: Iterable[int], field: str = "date") -> None:
    """Refuse a posting dated in a closed month."""
    key = month_key(day)
    if key in set(closed_months):
        raise ValidationFailed.single(
            field,
            f"{month_name(key)} is closed: post a correction in an open month instead",
        )
