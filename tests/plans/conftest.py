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
from tests.plan_builders import DECLARATIONS_2024, balanced_schemes, scheme  # noqa: F401


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
