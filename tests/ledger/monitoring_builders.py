"""Ledger rows and plans for the monitoring tests (reads, services, web, API, CLI), posted
with the one writer of ledger rows, ``Poster``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from carepool.accounts.models import Role
from carepool.agreements.models import Agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.core import ledger as core
from carepool.core.money import Money
from carepool.ledger.posting import Poster
from carepool.plans import services as plan_services
from carepool.plans.models import Plan
from tests.factories import World, user
from tests.plan_builders import DECLARATIONS_2024, scheme

COUNCIL, ICB, VCS = "E08000035", "QWO", "LEEDS-VCS"


def post(agreement: Agreement, transfers: Iterable[core.Transfer]) -> None:
    with transaction.atomic():
        poster = Poster(agreement)
        poster.add_all(transfers)
        poster.flush()


def monthly(
    scheme_code: str, partner: str, pounds: int, months: Iterable[int], day: int = 15
) -> list[core.Transfer]:
    """An actual of ``pounds`` on the ``day`` of each month key given."""
    return [
        core.actual(
            scheme_code,
            partner,
            Money(pounds * 100),
            date(m // 100, m % 100, day),
            core.LineDetail(provider="Care Ltd", reference=f"INV-{scheme_code}-{partner}-{m}"),
        )
        for m in months
    ]


FIRST_HALF = (202404, 202405, 202406, 202407, 202408, 202409)


def plan_schemes() -> list[dict[str, Any]]:
    """S01 council-commissioned £60m; S02 joint 50/50 £35,000,000.01 (the World's money)."""
    return [
        scheme("S01"),
        scheme(
            "S02",
            name="Reablement at home",
            scheme_type="reablement_at_home",
            provider_type="council",
            commissioners=[
                {"organisation": COUNCIL, "percent": "50"},
                {"organisation": ICB, "percent": "50"},
            ],
            funding=[{"stream": "ibcf", "amount": "35000000.01"}],
        ),
    ]


def start_plan(world: World) -> Plan:
    actor = Actor(world.finance, Interface.WEB)
    plan = plan_services.create_plan(actor, world.agreement.pk, "2024-25", plan_schemes())
    for requirement, answer, comment in DECLARATIONS_2024:
        plan_services.declare(actor, plan.pk, requirement, answer, comment)
    return plan


def sign_off_fully(world: World, plan: Plan, number: int) -> None:
    """Every partner, the board and national assurance approve version ``number``."""
    vcs = user("vcs_signatory", world.vcs, Role.SIGNATORY)
    board = user("board", world.council, Role.BOARD_OFFICER)
    plan_services.submit(Actor(world.finance, Interface.WEB), plan.pk)
    for person in (world.signatory, world.icb_signatory, vcs):
        plan_services.sign_plan(Actor(person, Interface.WEB), plan.pk, "partner", number)
    plan_services.sign_plan(Actor(board, Interface.WEB), plan.pk, "board", number)
    plan_services.sign_plan(Actor(world.assurer, Interface.WEB), plan.pk, "national", number)
