"""The ledger as a ledger-cli journal: every transfer of the year, one transaction each, named
accounts; `ledger bal` on it gives the balances Carepool keeps, to the penny."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction

from carepool.core import ledger as core
from carepool.core.money import Money
from carepool.core.periods import FinancialYear
from carepool.ledger.journal import (
    LEDGER_BAL_ARGS,
    account_name,
    carepool_balances,
    parse_ledger_balances,
    write_journal,
)
from carepool.ledger.posting import Poster
from tests.factories import World
from tests.fixtures import world  # noqa: F401

pytestmark = pytest.mark.django_db

YEAR = FinancialYear.parse("2024-25")
COUNCIL, ICB = "E08000035", "QWO"
LEDGER = shutil.which("ledger")
needs_ledger = pytest.mark.skipif(
    LEDGER is None, reason="the ledger binary is missing (Debian: apt-get install ledger)"
)


def leeds_transfers() -> list[core.Transfer]:
    awkward = core.LineDetail(
        provider="Brightwater  Homecare; Ltd",  # two spaces and ";" end a payee in ledger-cli
        description="Refund (credit note)\nsecond line",
        reference="CN 7)",
    )
    return [
        core.contribution_due(ICB, "nhs_minimum", Money(15_000_000_00), date(2024, 4, 1)),
        core.actual("S01", COUNCIL, Money(1_234_56), date(2024, 4, 3)),
        core.actual("S01", COUNCIL, Money(-234_57), date(2024, 4, 30), awkward),
        core.actual("S02", ICB, Money(99), date(2024, 5, 1)),
        core.commitment("S02", ICB, Money(5_000_00), date(2024, 5, 2)),
        core.release("S02", ICB, Money(2_000_00), date(2024, 6, 2)),
        core.to_reserve(Money(250_000_00), date(2025, 3, 31)),
        # The next year's: not in the 2024-25 journal.
        core.actual("S01", COUNCIL, Money(7_77), date(2025, 4, 1)),
    ]


def post(agreement, transfers):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        poster = Poster(agreement)
        poster.add_all(transfers, line=1)
        poster.flush()


def expected_balances(transfers: list[core.Transfer], prefix: str = "") -> dict[str, int]:
    """What the journal's balances must be, from the core's own fold of the transfers."""
    in_year = [t for t in transfers if YEAR.start <= t.day <= YEAR.end]
    return {
        account_name(a.kind.value, a.scheme, a.partner, a.stream, prefix): value
        for a, value in core.account_totals(core.fold(in_year)).items()
        if value
    }


def test_account_names_are_the_kind_then_its_dimensions() -> None:
    assert account_name("spend", "S01", COUNCIL) == "Spend:S01:E08000035"
    assert account_name("receivable", partner=ICB, stream="nhs_minimum") == (
        "Receivable:QWO:nhs_minimum"
    )
    assert account_name("pool") == "Pool"
    assert account_name("settlement", partner="LEEDS-VCS", prefix="A7") == "A7:Settlement:LEEDS-VCS"
    # Characters ledger-cli reads as the end of a name or a level are replaced.
    assert account_name("spend", "S 1:x", COUNCIL) == "Spend:S-1-x:E08000035"


def test_each_transfer_of_the_year_is_one_balanced_transaction(world: World) -> None:  # noqa: F811
    post(world.agreement, leeds_transfers())
    out = io.StringIO()
    summary = write_journal([world.agreement], YEAR, out)
    text = out.getvalue()
    assert summary.transactions == 7  # the 2025-26 line is left out
    assert summary.agreements == 1
    assert summary.total_pence == sum(t.amount.pence for t in leeds_transfers()[:7])
    assert "2025-04-01" not in text
    assert "2024-04-03 Actual\n" in text  # no provider or description: the kind
    assert "    Spend:S01:E08000035    GBP 1234.56\n    Pool\n" in text
    # The refund runs the other way: the pool is debited, the spend credited.
    assert "    Pool    GBP 234.57\n    Spend:S01:E08000035\n" in text
    # The payee and code are kept to what ledger-cli reads as one payee.
    assert "2024-04-30 (CN-7-) Brightwater Homecare, Ltd | Refund (credit note) second line\n" in (
        text
    )


def test_carepool_balances_are_the_fold_of_the_years_transfers(world: World) -> None:  # noqa: F811
    post(world.agreement, leeds_transfers())
    assert carepool_balances([world.agreement.pk], YEAR) == expected_balances(leeds_transfers())


def test_parsing_ledger_output() -> None:
    text = "Pool\t-1236509.45\nSpend:S01:E08000035\t1941.56\nReserve\t0\nSpend:S02:QWO\t-0.07\n"
    assert parse_ledger_balances(text) == {
        "Pool": -123650945,
        "Spend:S01:E08000035": 194156,
        "Spend:S02:QWO": -7,
    }


@needs_ledger
def test_ledger_bal_agrees_with_carepool_to_the_penny(world: World, tmp_path: Path) -> None:  # noqa: F811
    post(world.agreement, leeds_transfers())
    kent = [
        core.actual("S01", "E10000016", Money(10_00), date(2024, 7, 1)),
        core.actual("S01", "QKS", Money(-3_01), date(2024, 7, 2)),
    ]
    post(world.kent_agreement, kent)
    both = [world.agreement, world.kent_agreement]
    journal = tmp_path / "year.journal"
    with journal.open("w", encoding="utf-8") as handle:
        write_journal(both, YEAR, handle)
    assert LEDGER is not None
    output = subprocess.run(
        [LEDGER, "-f", str(journal), *LEDGER_BAL_ARGS], capture_output=True, text=True, check=True
    ).stdout
    from_ledger = parse_ledger_balances(output)
    expected = {
        **expected_balances(leeds_transfers(), f"A{world.agreement.pk}"),
        **expected_balances(kent, f"A{world.kent_agreement.pk}"),
    }
    assert from_ledger == expected
    assert from_ledger == carepool_balances([a.pk for a in both], YEAR)
    assert f"A{world.kent_agreement.pk}:Spend:S01:QKS" in from_ledger
