"""The ledger as a ledger-cli journal (https://ledger-cli.org), one transaction per transfer.

A transfer moves a positive amount from its credit account to its debit account, so it is a
two-posting ledger-cli transaction: the debit account gets ``GBP amount`` and the credit
account the balancing (elided) amount. Nothing is summed or left out: every ``Transfer`` row
of the year's twelve months is written, in the order it was posted (its id), so ``ledger bal``
on the file gives each account's balance over the year, debit positive, as Carepool's
``Balance`` table does. ``carepool ledger journal`` writes the file; ``bench/ledger/run.py``
times ``ledger bal`` on it and checks its balances against Carepool's to the penny.

Account names are the kind and its dimensions, like ``Spend:S01:E08000035`` (scheme, then the
responsible partner), ``Receivable:QWO:nhs_minimum``, ``Pool``, ``Settlement:QWO``. A journal of
several agreements prefixes each with the agreement: ``A12:Spend:S01:E08000035``.

Each transaction reads ``date (reference) payee`` with the provider and description as payee,
and a comment naming the transfer's id and kind (and what it reverses or corrects).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from carepool.agreements.models import Agreement
from carepool.core import ledger as core
from carepool.core.periods import FinancialYear
from carepool.ledger.models import Account, Balance, Transfer
from carepool.organisations.models import Organisation

COMMODITY = "GBP"
CHUNK = 20_000

_KIND_NAMES = {
    core.AccountKind.RECEIVABLE: "Receivable",
    core.AccountKind.POOL: "Pool",
    core.AccountKind.SPEND: "Spend",
    core.AccountKind.COMMITMENT: "Commitment",
    core.AccountKind.COMMITTED: "Committed",
    core.AccountKind.RESERVE: "Reserve",
    core.AccountKind.SETTLEMENT: "Settlement",
}
# ledger-cli reads two spaces, a tab or ";" as the end of an account name or a payee, and
# ":" separates account levels: keep names and payees to single spaces and safe characters.
_UNSAFE_IN_NAME = re.compile(r"[\s:;()\[\]@*!]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class JournalSummary:
    agreements: int
    transactions: int
    accounts: int
    total_pence: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreements": self.agreements,
            "transactions": self.transactions,
            "accounts": self.accounts,
            "total_pence": self.total_pence,
        }


def account_name(
    kind: str, scheme: str = "", partner: str = "", stream: str = "", prefix: str = ""
) -> str:
    """``Spend:S01:E08000035``; with a prefix, ``A12:Spend:S01:E08000035``."""
    parts = [_KIND_NAMES[core.AccountKind(kind)]]
    parts += [_UNSAFE_IN_NAME.sub("-", p) for p in (scheme, partner, stream) if p]
    name = ":".join(parts)
    return f"{prefix}:{name}" if prefix else name


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}{pence // 100}.{pence % 100:02d}"


def _prefix(agreement_id: int, several: bool) -> str:
    return f"A{agreement_id}" if several else ""


def account_names(agreement_ids: Iterable[int], several: bool) -> dict[int, str]:
    """Account id -> journal name for the agreements' accounts."""
    ids = list(agreement_ids)
    codes = dict(Organisation.objects.values_list("id", "code"))
    return {
        a["id"]: account_name(
            a["kind"],
            a["scheme_code"],
            codes.get(a["partner_id"], "") if a["partner_id"] else "",
            a["stream_code"],
            _prefix(a["agreement_id"], several),
        )
        for a in Account.objects.filter(agreement_id__in=ids).values(
            "id", "agreement_id", "kind", "scheme_code", "partner_id", "stream_code"
        )
    }


def _payee(provider: str, description: str, kind: str) -> str:
    text = " | ".join(p for p in (provider, description) if p) or core.EntryKind(kind).label
    return _SPACES.sub(" ", text).replace(";", ",").strip()


def write_journal(
    agreements: Iterable[Agreement], year: FinancialYear, out: TextIO
) -> JournalSummary:
    """Write every transfer of the agreements dated in ``year`` to ``out``, streaming."""
    ids = sorted(a.pk for a in agreements)
    several = len(ids) > 1
    names = account_names(ids, several)
    months = core.months_of(year)
    out.write(
        f"; Carepool ledger, {year.label}, {len(ids)} agreement(s): one transaction per "
        "transfer, debit positive\n\n"
    )
    rows = (
        Transfer.objects.filter(agreement_id__in=ids, month__in=months)
        .order_by("id")
        .values_list(
            "id",
            "day",
            "kind",
            "debit_id",
            "credit_id",
            "amount_pence",
            "provider",
            "description",
            "reference",
            "reverses_id",
            "corrects_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    count = total = 0
    used: set[int] = set()
    write = out.write
    for tid, day, kind, debit, credit, pence, provider, description, reference, rev, cor in rows:
        code = f" ({_UNSAFE_IN_NAME.sub('-', reference)})" if reference else ""
        links = (f" reverses T{rev}" if rev else "") + (f" corrects T{cor}" if cor else "")
        write(
            f"{day.isoformat()}{code} {_payee(provider, description, kind)}\n"
            f"    ; T{tid} {kind}{links}\n"
            f"    {names[debit]}    {COMMODITY} {pounds(pence)}\n"
            f"    {names[credit]}\n\n"
        )
        used.add(debit)
        used.add(credit)
        count += 1
        total += pence
    return JournalSummary(len(ids), count, len(used), total)


def carepool_balances(agreement_ids: Iterable[int], year: FinancialYear) -> dict[str, int]:
    """Each account's balance over the year (debit positive, pence) from Carepool's kept
    ``Balance`` rows, named as in the journal; accounts that net to zero are left out, as
    ``ledger bal`` leaves them out."""
    ids = sorted(agreement_ids)
    names = account_names(ids, len(ids) > 1)
    totals: dict[str, int] = defaultdict(int)
    for account_id, debit, credit in Balance.objects.filter(
        account__agreement_id__in=ids, month__in=core.months_of(year)
    ).values_list("account_id", "debit_pence", "credit_pence"):
        totals[names[account_id]] += debit - credit
    return {name: value for name, value in totals.items() if value}


# What ``ledger bal`` prints, one account a line (bench/ledger/run.py and the tests).
LEDGER_BAL_ARGS = (
    "bal",
    "--flat",
    "--no-total",
    "--balance-format",
    "%(account)\t%(quantity(display_total))\n",
)


def parse_ledger_balances(text: str) -> dict[str, int]:
    """``account<TAB>amount`` lines from ``ledger bal`` with ``LEDGER_BAL_ARGS`` -> pence."""
    out: dict[str, int] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, amount = line.rpartition("\t")
        out[name.strip()] = _pence(amount.strip().replace(",", ""))
    return {k: v for k, v in out.items() if v}


def _pence(text: str) -> int:
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    pence = int(whole or "0") * 100 + int((fraction + "00")[:2])
    if len(fraction) > 2 and fraction[2:].strip("0"):
        raise ValueError(f"{text} has more than two decimals")
    return -pence if negative else pence
