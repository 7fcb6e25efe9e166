"""Posting transfers into an agreement's ledger, with the balances kept in step.

This is the only code that writes ``Transfer`` and ``Balance`` rows. Callers (the ledger
services: single entries, imports, contributions, corrections) validate input first, take the
agreement's row lock, open a transaction, and hand core ``Transfer`` values to a ``Poster``:

    poster = Poster(agreement)
    poster.add(core_transfer, line=7, batch_id=batch.pk)     # bulk: buffered
    poster.flush()                                           # rows and balances written
    row = poster.post_one(core_transfer)                     # single entry: the stored row

Bulk rows go in with the driver's fastest path (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), in chunks, so memory stays flat however long the file; each chunk's balance
changes are summed in memory and written as one upsert per account and month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from carepool.agreements.models import Agreement
from carepool.core import ledger as core
from carepool.core.errors import ValidationFailed
from carepool.ledger.models import Account, Balance, ClosedMonth, Transfer

CHUNK = 20_000

_COLUMNS = (
    "agreement_id",
    "entry",
    "debit_id",
    "credit_id",
    "amount_pence",
    "day",
    "month",
    "kind",
    "batch_id",
    "line",
    "provider",
    "description",
    "reference",
    "person",
    "order_ref",
    "reverses_id",
    "corrects_id",
    "posted_at",
)

_BALANCE_UPSERT = (
    "INSERT INTO ledger_balance (account_id, month, debit_pence, credit_pence) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT (account_id, month) DO UPDATE SET "
    "debit_pence = ledger_balance.debit_pence + excluded.debit_pence, "
    "credit_pence = ledger_balance.credit_pence + excluded.credit_pence"
)


def closed_months(agreement_id: int) -> frozenset[int]:
    return frozenset(
        ClosedMonth.objects.filter(agreement_id=agreement_id).values_list("month", flat=True)
    )


def partner_ids(agreement: Agreement) -> dict[str, int]:
    """Organisation code -> id for the agreement's partners (and its host)."""
    codes = dict(agreement.partners.values_list("code", "id"))
    if agreement.host_id is not None:
        codes.setdefault(agreement.host.code, agreement.host_id)
    return codes


def account_key(row: Account, codes_by_id: dict[int, str]) -> core.Account:
    return core.Account(
        core.AccountKind(row.kind),
        scheme=row.scheme_code,
        partner=codes_by_id.get(row.partner_id, "") if row.partner_id else "",
        stream=row.stream_code,
    )


class Poster:
    """Writes core transfers for one agreement. Use inside ``transaction.atomic`` with the
    agreement's row locked (``_load_agreement``): accounts are created on first use and two
    posters for one agreement must not race to create the same account."""

    def __init__(
        self,
        agreement: Agreement,
        posted_at: datetime | None = None,
        *,
        partners: dict[str, int] | None = None,
        closed: frozenset[int] | None = None,
    ) -> None:
        """``partners`` and ``closed`` may be passed when the caller has just read them in
        the same transaction (``partner_ids``, ``closed_months``), to save the queries."""
        self.agreement = agreement
        self.posted_at = posted_at or timezone.now()
        self.partners = partner_ids(agreement) if partners is None else partners
        codes_by_id = {v: k for k, v in self.partners.items()}
        self.accounts: dict[core.Account, int] = {
            account_key(row, codes_by_id): row.pk
            for row in Account.objects.filter(agreement=agreement)
        }
        self.closed = closed_months(agreement.pk) if closed is None else closed
        self._rows: list[tuple[Any, ...]] = []
        self._deltas: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        self.posted = 0
        self.total_pence = 0

    # accounts ---------------------------------------------------------------------------
    def account_id(self, account: core.Account) -> int:
        found = self.accounts.get(account)
        if found is not None:
            return found
        partner_id = None
        if account.partner:
            partner_id = self.partners.get(account.partner)
            if partner_id is None:
                raise ValidationFailed.single(
                    "partner", f"{account.partner} is not a partner in this agreement"
                )
        row = Account.objects.create(
            agreement=self.agreement,
            kind=account.kind.value,
            scheme_code=account.scheme,
            partner_id=partner_id,
            stream_code=account.stream,
        )
        self.accounts[account] = row.pk
        return row.pk

    # posting ----------------------------------------------------------------------------
    def _values(
        self,
        t: core.Transfer,
        *,
        batch_id: int | None,
        line: int | None,
        reverses: int | None,
        corrects: int | None,
        entry: int | None,
    ) -> tuple[Any, ...]:
        month = t.month
        if month in self.closed:
            raise ValidationFailed.single(
                "date",
                f"{core.month_name(month)} is closed: post a correction in an open month instead",
            )
        debit, credit = self.account_id(t.debit), self.account_id(t.credit)
        pence = t.amount.pence
        self._deltas[(debit, month)][0] += pence
        self._deltas[(credit, month)][1] += pence
        d = t.detail
        return (
            self.agreement.pk,
            entry,
            debit,
            credit,
            pence,
            t.day,
            month,
            t.kind.value,
            batch_id,
            line,
            d.provider,
            d.description,
            d.reference,
            d.person,
            d.order,
            reverses,
            corrects,
            self.posted_at,
        )

    def add(
        self,
        t: core.Transfer,
        *,
        batch_id: int | None = None,
        line: int | None = None,
        reverses: int | None = None,
        corrects: int | None = None,
        entry: int | None = None,
    ) -> None:
        """Buffer a transfer; written at the next ``flush`` (automatically every CHUNK)."""
        self._rows.append(
            self._values(
                t, batch_id=batch_id, line=line, reverses=reverses, corrects=corrects, entry=entry
            )
        )
        self.posted += 1
        self.total_pence += t.amount.pence
        if len(self._rows) >= CHUNK:
            self.flush()

    def add_all(self, transfers: Iterable[core.Transfer], **links: Any) -> None:
        for t in transfers:
            self.add(t, **links)

    def flush(self) -> None:
        """Write buffered rows and the balance changes they make."""
        if self._rows:
            _insert_rows(self._rows)
            self._rows = []
        self._write_balances()

    def post_one(
        self,
        t: core.Transfer,
        *,
        reverses: int | None = None,
        corrects: int | None = None,
        entry: int | None = None,
    ) -> Transfer:
        """Write one transfer now and return the stored row (for links and audit)."""
        self.flush()
        values = dict(
            zip(
                list(_COLUMNS),
                self._values(
                    t, batch_id=None, line=None, reverses=reverses, corrects=corrects, entry=entry
                ),
                strict=True,
            )
        )
        row = Transfer.objects.create(**values)
        self.posted += 1
        self.total_pence += t.amount.pence
        self._write_balances()
        return row

    def _write_balances(self) -> None:
        if not self._deltas:
            return
        params = [(a, m, d, c) for (a, m), (d, c) in self._deltas.items()]
        with connection.cursor() as cursor:
            cursor.executemany(_BALANCE_UPSERT, params)
        self._deltas = defaultdict(lambda: [0, 0])


def _insert_rows(rows: list[tuple[Any, ...]]) -> None:
    ops = connection.ops
    if connection.vendor == "postgresql":
        sql = f"COPY ledger_transfer ({', '.join(_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    # A chunk holds a month's few dates and one posting time: adapt each value once.
    dates: dict[Any, Any] = {}
    times: dict[Any, Any] = {}
    adapted = []
    for row in rows:
        day, at = row[5], row[17]
        if day not in dates:
            dates[day] = ops.adapt_datefield_value(day)
        if at not in times:
            times[at] = ops.adapt_datetimefield_value(at)
        adapted.append((*row[:5], dates[day], *row[6:17], times[at]))
    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            # Fixed column names and placeholders only; every value is a bound parameter.
            f"INSERT INTO ledger_transfer ({', '.join(_COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
            adapted,
        )


def stored_balances(agreement_id: int) -> dict[tuple[int, int], tuple[int, int]]:
    """(account id, month) -> (debit, credit) as kept in ``Balance``."""
    return {
        (b["account_id"], b["month"]): (b["debit_pence"], b["credit_pence"])
        for b in Balance.objects.filter(account__agreement_id=agreement_id).values(
            "account_id", "month", "debit_pence", "credit_pence"
        )
    }
