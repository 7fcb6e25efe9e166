"""Reading what single entries and period close need: a ledger line, the agreement's months
and their state, its commitments and what remains of each (docs/ledger.md).

Reads go through ``carepool.agreements.selectors.get_agreement``: whoever may see the
agreement may read its ledger; anyone else gets "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from carepool.accounts.permissions import NotFound
from carepool.agreements.models import Agreement
from carepool.agreements.selectors import get_agreement
from carepool.core import ledger as core
from carepool.core.ledger_periods import next_month, previous_month
from carepool.ledger.commitments import remaining_by_reference
from carepool.ledger.models import Account, Balance, ClosedMonth, Transfer

if TYPE_CHECKING:
    from carepool.accounts.models import User


def get_transfer(user: User | None, transfer_id: int | str) -> Transfer:
    """A ledger line the user may see (its agreement is visible to them), with its accounts."""
    try:
        pk = int(transfer_id)
    except (TypeError, ValueError):
        raise NotFound("No such ledger line") from None
    row = Transfer.objects.select_related("debit__partner", "credit__partner").filter(pk=pk).first()
    if row is None:
        raise NotFound("No such ledger line")
    try:
        get_agreement(user, row.agreement_id)
    except NotFound:
        raise NotFound("No such ledger line") from None
    return row


def spend_account_of(row: Transfer) -> Account | None:
    """The spend account a line touches (debit for spend, credit for a refund), if any."""
    for account in (row.debit, row.credit):
        if account.kind == core.AccountKind.SPEND:
            return account
    return None


def closed_rows(agreement: Agreement) -> dict[int, ClosedMonth]:
    return {
        c.month: c
        for c in ClosedMonth.objects.filter(agreement=agreement).select_related("closed_by")
    }


def months_with_rows(agreement: Agreement) -> set[int]:
    """Months holding any ledger row, from the balances (not the rows: they are millions)."""
    return set(
        Balance.objects.filter(account__agreement=agreement)
        .values_list("month", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class MonthState:
    month: int
    closed: bool
    has_rows: bool
    closed_at: datetime | None
    closed_by: str

    @property
    def name(self) -> str:
        return core.month_name(self.month)

    @property
    def key(self) -> str:
        return f"{self.month // 100:04d}-{self.month % 100:02d}"


def month_states(agreement: Agreement, today: date) -> list[MonthState]:
    """Every month of the agreement that has ended by ``today``, newest first, with its
    state, plus any month outside that span that holds rows or is closed."""
    closed = closed_rows(agreement)
    with_rows = months_with_rows(agreement)
    months: set[int] = set(closed) | with_rows
    key = core.month_key(agreement.start_date)
    last = min(core.month_key(agreement.end_date), previous_month(core.month_key(today)))
    while key <= last:
        months.add(key)
        key = next_month(key)
    out = []
    for m in sorted(months, reverse=True):
        row = closed.get(m)
        out.append(
            MonthState(
                month=m,
                closed=row is not None,
                has_rows=m in with_rows,
                closed_at=row.closed_at if row else None,
                closed_by=(row.closed_by.display_name if row and row.closed_by else ""),
            )
        )
    return out


@dataclass(frozen=True)
class CommitmentState:
    transfer: Transfer
    reference: str
    amount_pence: int
    released_pence: int

    @property
    def remaining_pence(self) -> int:
        return self.amount_pence - self.released_pence


def _commitment_account_ids(agreement_id: int) -> list[int]:
    return list(
        Account.objects.filter(
            agreement_id=agreement_id, kind=core.AccountKind.COMMITMENT
        ).values_list("pk", flat=True)
    )


def commitment_references(agreement_id: int) -> set[str]:
    """Every commitment reference the agreement has used (found through its commitment
    accounts' index, not by scanning the agreement's rows)."""
    ids = _commitment_account_ids(agreement_id)
    return set(
        Transfer.objects.filter(debit_id__in=ids, kind=core.EntryKind.COMMITMENT).values_list(
            "reference", flat=True
        )
    )


def commitments_of(agreement_id: int, reference: str | None = None) -> list[CommitmentState]:
    """The agreement's commitments (or the one with ``reference``) and what each has had
    released (by actuals naming its reference, or by cancellation), counted by the one rule
    imports release by (``ledger.commitments``: a reversed release gives the amount back)."""
    ids = _commitment_account_ids(agreement_id)
    placed = list(
        Transfer.objects.filter(debit_id__in=ids, kind=core.EntryKind.COMMITMENT)
        .select_related("debit__partner", "credit__partner")
        .filter(**({"reference": reference} if reference is not None else {}))
        .order_by("day", "pk")
    )
    references = sorted({t.reference for t in placed})
    remaining: dict[str, int] = {}
    for start in range(0, len(references), 500):
        remaining.update(remaining_by_reference(agreement_id, references[start : start + 500]))
    return [
        CommitmentState(
            t, t.reference, t.amount_pence, t.amount_pence - remaining.get(t.reference, 0)
        )
        for t in placed
    ]


def corrections_of(transfer: Transfer) -> list[Transfer]:
    """The adjusting entries that name ``transfer`` as what they correct."""
    return list(
        Transfer.objects.filter(corrects_id=transfer.pk)
        .select_related("debit__partner", "credit__partner")
        .order_by("pk")
    )
