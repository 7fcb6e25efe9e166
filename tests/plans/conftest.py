from __future__ import annotations

from typing import Any

import pytest

from carepool.accounts.models import Role
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.plans import services
from carepool.plans.models import Plan
from tests.factories import World, user
from tests.fixtures import world  # noqa: F401

DECLARATIONS_2024 = (
    ("fund_objectives", True, "Agreed by the board"),
    ("grant_and_funding_conditions", True, "Checked by both finance leads"),
    ("metrics_and_capacity_plans", True, "Agreed with the ICB"),
)


def scheme(scheme_id: str = "S01", **overrides: Any) -> dict[str, Any]:
    """A complete scheme of the World's Leeds plan (2024-25), council-commissioned."""
    data: dict[str, Any] = {
        "scheme_id": scheme_id,
        "name": "Home care to support independence",
        "description": "Domiciliary care so people can stay at home",
        "scheme_type": "home_care",
        "sub_type": "",
        "area_of_spend": "social_care",
        "commissioners": [{"organisation": "E08000035", "percent": "100"}],
        "provider_type": "private",
        "funding": [{"stream": "nhs_minimum", "amount": "60000000.00"}],
        "new": False,
        "outputs": [{"description": "Hours of home care", "quantity": "900000", "unit": "hours"}],
        "metrics": [],
    }
    data.update(overrides)
    return data


def balanced_schemes() -> list[dict[str, Any]]:
    """Schemes spending exactly the World's 2024-25 contributions, stream by stream."""
    return [
        scheme("S01"),
        scheme(
            "S02",
            name="Reablement at home",
            scheme_type="reablement_at_home",
            provider_type="council",
            funding=[{"stream": "ibcf", "amount": "35000000.01"}],
        ),
    ]


class PlanWorld:
    """The World, with a Forum-style third partner's signatory and a board officer."""

    def __init__(self, world: World) -> None:  # noqa: F811
        self.world = world
        self.vcs_signatory = user("vcs_signatory", world.vcs, Role.SIGNATORY)
        self.board = user("board", world.council, Role.BOARD_OFFICER)

    def actor(self, person: Any) -> Actor:
        return Actor(person, Interface.WEB)

    def start(self, schemes: list[dict[str, Any]] | None = None) -> Plan:
        return services.create_plan(
            self.actor(self.world.finance),
            self.world.agreement.pk,
            "2024-25",
            balanced_schemes() if schemes is None else schemes,
        )

    def ready(self) -> Plan:
        """A plan that passes every machine check, with the declarations answered."""
        plan = self.start()
        for requirement, answer, comment in DECLARATIONS_2024:
            services.declare(self.actor(self.world.finance), plan.pk, requirement, answer, comment)
        return plan

    def signatories(self) -> list[Any]:
        return [self.world.signatory, self.world.icb_signatory, self.vcs_signatory]


@pytest.fixture
def plans(world: World) -> PlanWorld:  # noqa: F811
    return PlanWorld(world)
