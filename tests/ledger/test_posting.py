"""The Poster: transfers and balances written together, by both write paths, on both
databases; closed months refused; balances equal the core's fold of the same transfers."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from carepool.core import ledger as core
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.ledger.models import Balance, ClosedMonth, Transfer
from carepool.ledger.posting import Poster, stored_balances
from tests.factories import World
from tests.fixtures import world  # noqa: F401

pytestmark = pytest.mark.django_db

COUNCIL, ICB = "E08000035", "QWO"


def transfers() -> list[core.Transfer]:
    return [
        core.contribution_due(ICB, "nhs_minimum", Money(15_000_000_00), date(2024, 4, 1)),
        core.actual("S01", COUNCIL, Money(1_234_56), date(2024, 4, 3)),
        core.actual("S01", COUNCIL, Money(-234_56), date(2024, 4, 30)),
        core.actual("S02", ICB, Money(99), date(2024, 5, 1)),
        core.commitment("S02", ICB, Money(5_000_00), date(2024, 5, 2)),
        core.release("S02", ICB, Money(2_000_00), date(2024, 6, 2)),
    ]


def as_stored(poster: Poster) -> dict[tuple[int, int], int]:
    return {k: d - c for k, (d, c) in stored_balances(poster.agreement.pk).items() if d - c}


@pytest.mark.parametrize("path", ["bulk", "one by one"])
def test_balances_are_the_fold_of_the_transfers(world: World, path: str) -> None:  # noqa: F811
    with transaction.atomic():
        poster = Poster(world.agreement)
        for t in transfers():
            if path == "bulk":
                poster.add(t, line=1)
            else:
                poster.post_one(t)
        poster.flush()
    expected = {
        (poster.accounts[account], month): value
        for (account, month), value in core.fold(transfers()).items()
    }
    assert as_stored(poster) == expected
    assert Transfer.objects.count() == 6
    assert sum(Transfer.objects.values_list("amount_pence", flat=True)) == poster.total_pence
    # Every transfer is balanced, so the stored balances sum to zero.
    assert sum(expected.values()) == 0
    assert Balance.objects.count() == len(
        {(t.debit, t.month) for t in transfers()} | {(t.credit, t.month) for t in transfers()}
    )


def test_a_closed_month_refuses_postings(world: World) -> None:  # noqa: F811
    ClosedMonth.objects.create(agreement=world.agreement, month=202404, closed_at=timezone.now())
    poster = Poster(world.agreement)
    with pytest.raises(ValidationFailed, match="April 2024 is closed"):
        poster.add(core.actual("S01", COUNCIL, Money(100), date(2024, 4, 3)))
    assert Transfer.objects.count() == 0


def test_a_partner_outside_the_agreement_is_refused(world: World) -> None:  # noqa: F811
    poster = Poster(world.agreement)
    with pytest.raises(ValidationFailed, match="QKS is not a partner"):
        poster.add(core.actual("S01", "QKS", Money(100), date(2024, 4, 3)))
