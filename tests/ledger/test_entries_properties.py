"""Database-backed properties of the ledger, through the services on the real database:
whatever sequence of spend, refunds, commitments, contributions, closes, re-opens and
corrections people send, the ledger balances, every stored balance equals the sum of its rows
(the integrity check finds nothing), and a closed month's balances never change while it is
closed.

Few examples by default (each writes to the database); ``HYPOTHESIS_PROFILE=thorough`` runs
10,000 (docs/ledger.md).
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.ledger import services
from carepool.ledger.integrity import check_ledger
from carepool.ledger.models import Balance, ClosedMonth, Transfer
from tests.factories import SYSTEM, World
from tests.fixtures import world  # noqa: F401

pytestmark = pytest.mark.django_db

# Low by default; the thorough profile's own count otherwise.
EXAMPLES = 12 if settings.default.max_examples <= 100 else settings.default.max_examples
MONTHS = ("2024-04", "2024-05", "2024-06")

amounts = st.integers(min_value=-2_000_00, max_value=2_000_00).map(
    lambda p: f"{'-' if p < 0 else ''}{abs(p) // 100}.{abs(p) % 100:02d}"
)
days = st.sampled_from([date(2024, m, d).isoformat() for m in (4, 5, 6) for d in (1, 15, 30)])
operations = st.one_of(
    st.tuples(
        st.just("post"),
        days,
        st.sampled_from(["S01", "S02"]),
        st.sampled_from(["E08000035", "QWO"]),
        amounts,
    ),
    st.tuples(st.just("commit"), days, st.sampled_from(["S01", "S02"]), amounts),
    st.tuples(st.just("contributions"), days),
    st.tuples(st.just("close"), st.sampled_from(MONTHS)),
    st.tuples(st.just("reopen"), st.sampled_from(MONTHS)),
    st.tuples(st.just("correct"), st.integers(0, 20), days, amounts),
)


def closed_balances() -> dict[tuple[int, int], tuple[int, int]]:
    closed = set(ClosedMonth.objects.values_list("month", flat=True))
    return {
        (b.account_id, b.month): (b.debit_pence, b.credit_pence)
        for b in Balance.objects.filter(month__in=closed)
    }


def apply(pool: World, op: tuple[Any, ...], n: int) -> None:
    finance = Actor(pool.finance, Interface.WEB)
    agreement = pool.agreement.pk
    kind = op[0]
    if kind == "post":
        _, day, scheme, partner, amount = op
        data = {"date": day, "scheme": scheme, "partner": partner, "amount": amount}
        services.post_actual(finance, agreement, data)
    elif kind == "commit":
        _, day, scheme, amount = op
        data = {
            "date": day,
            "scheme": scheme,
            "partner": "QWO",
            "amount": amount,
            "reference": f"PO-{n}",
        }
        services.record_commitment(finance, agreement, data)
    elif kind == "contributions":
        services.post_due_contributions(finance, agreement, date.fromisoformat(op[1]))
    elif kind == "close":
        services.close_month(finance, agreement, op[1])
    elif kind == "reopen":
        services.reopen_month(Actor(pool.signatory, Interface.WEB), agreement, op[1], "why")
    else:
        _, pick, day, amount = op
        spend = list(Transfer.objects.filter(kind="actual").values_list("pk", flat=True))
        if spend:
            services.correct(
                finance,
                spend[pick % len(spend)],
                {"date": day, "amount": amount, "reason": "property"},
            )


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(steps=st.lists(operations, min_size=1, max_size=12))
def test_whatever_is_sent_the_ledger_balances_and_closed_months_hold(
    world: World,  # noqa: F811
    steps: list[tuple[Any, ...]],
) -> None:
    with transaction.atomic():
        services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S01", "name": "A"})
        services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S02", "name": "B"})
        for n, op in enumerate(steps):
            held = closed_balances()
            closed_before = set(ClosedMonth.objects.values_list("month", flat=True))
            # A refusal writes nothing: checked below like everything else.
            with contextlib.suppress(ValidationFailed):
                apply(world, op, n)
            kept = closed_before & set(ClosedMonth.objects.values_list("month", flat=True))
            now = closed_balances()
            assert {k: v for k, v in now.items() if k[1] in kept} == {
                k: v for k, v in held.items() if k[1] in kept
            }
            report = check_ledger(world.agreement.pk)
            assert report.ok, report.to_dict()
        net = sum(b.debit_pence - b.credit_pence for b in Balance.objects.all())
        assert net == 0
        transaction.set_rollback(True)
