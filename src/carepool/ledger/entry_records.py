"""The JSON shape of ledger lines, months, commitments and schemes, built once for the API
and the CLI (``--json``). Money is given both as pounds text ("1250.50") and whole pence."""

from __future__ import annotations

from typing import Any

from carepool.core import ledger as core
from carepool.core.ledger_input import month_text
from carepool.core.money import Money
from carepool.ledger.entry_selectors import CommitmentState, MonthState
from carepool.ledger.models import Account, ClosedMonth, Scheme, Transfer


def account_record(account: Account) -> dict[str, Any]:
    partner = account.partner.code if account.partner else ""
    parts = [account.get_kind_display(), account.scheme_code, partner, account.stream_code]
    return {
        "id": account.pk,
        "kind": account.kind,
        "scheme": account.scheme_code,
        "partner": partner,
        "stream": account.stream_code,
        "label": " · ".join(p for p in parts if p),
    }


def spend_of(row: Transfer) -> int:
    """What the line adds to spend, signed (a refund is negative), in pence."""
    if row.debit.kind == core.AccountKind.SPEND:
        return row.amount_pence
    if row.credit.kind == core.AccountKind.SPEND:
        return -row.amount_pence
    return 0


def transfer_record(row: Transfer) -> dict[str, Any]:
    """A ledger line (load it with ``debit__partner`` and ``credit__partner``)."""
    spend = spend_of(row)
    return {
        "id": row.pk,
        "agreement_id": row.agreement_id,
        "entry": row.entry,
        "kind": row.kind,
        "date": row.day.isoformat(),
        "month": month_text(row.month),
        "debit": account_record(row.debit),
        "credit": account_record(row.credit),
        "amount": Money(row.amount_pence).plain(),
        "amount_pence": row.amount_pence,
        "spend": Money(spend).plain(),
        "spend_pence": spend,
        "provider": row.provider,
        "description": row.description,
        "reference": row.reference,
        "order": row.order_ref,
        "batch_id": row.batch_id,
        "line": row.line,
        "reverses": row.reverses_id,
        "corrects": row.corrects_id,
        "posted_at": row.posted_at.isoformat(),
    }


def month_record(state: MonthState) -> dict[str, Any]:
    return {
        "month": state.key,
        "name": state.name,
        "state": "closed" if state.closed else "open",
        "has_rows": state.has_rows,
        "closed_at": state.closed_at.isoformat() if state.closed_at else None,
        "closed_by": state.closed_by or None,
    }


def closed_month_record(row: ClosedMonth) -> dict[str, Any]:
    return {
        "month": month_text(row.month),
        "name": core.month_name(row.month),
        "state": "closed",
        "closed_at": row.closed_at.isoformat(),
        "closed_by": row.closed_by.display_name if row.closed_by else None,
    }


def commitment_record(state: CommitmentState) -> dict[str, Any]:
    account = state.transfer.debit
    return {
        "reference": state.reference,
        "transfer_id": state.transfer.pk,
        "date": state.transfer.day.isoformat(),
        "scheme": account.scheme_code,
        "partner": account.partner.code if account.partner else "",
        "description": state.transfer.description,
        "amount": Money(state.amount_pence).plain(),
        "released": Money(state.released_pence).plain(),
        "remaining": Money(state.remaining_pence).plain(),
        "remaining_pence": state.remaining_pence,
    }


def scheme_record(scheme: Scheme) -> dict[str, Any]:
    return {"code": scheme.code, "name": scheme.name}
