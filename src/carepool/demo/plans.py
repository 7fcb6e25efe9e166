"""The demo's plans: Leeds's 2024-25 plan signed off by every partner, the board and the
national assurer, and a 2025-26 draft with a failing condition and an unmet minimum.

Loaded through the same importers and services as real files (``carepool allocations
import``, ``carepool plans import``), from the illustrative files in ``demo/data``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from carepool.accounts.models import User
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.demo import content
from carepool.io.allocations import import_allocations
from carepool.io.plan_table import import_plan_file
from carepool.plans import services
from carepool.plans.models import AllocationBatch, Plan

SYSTEM = Actor.system(Interface.SYSTEM)
ALLOCATIONS_SOURCE = "Carepool demo: illustrative allocations for the demo areas, not published"

# The year's declarations as the demo area answers them: (requirement id, yes?, comment).
DECLARATIONS = {
    "2024-25": (
        (
            "fund_objectives",
            True,
            "The plan's schemes follow the board's ageing well and "
            "home first priorities, agreed at the board's March meeting",
        ),
        (
            "grant_and_funding_conditions",
            True,
            "Grant conditions reviewed by both finance "
            "leads; the NHS minimum on adult social care is above the area's figure",
        ),
        (
            "metrics_and_capacity_plans",
            True,
            "Metric ambitions and the capacity and demand "
            "plan for intermediate care were agreed with the ICB in May",
        ),
    ),
    "2025-26": (
        ("fund_objectives", True, "Priorities carried over from 2024-25"),
        ("grant_and_funding_conditions", True, "Grant conditions reviewed"),
        (
            "metrics_and_capacity_plans",
            False,
            "The capacity and demand plan for winter is not "
            "yet agreed between the council and the ICB",
        ),
    ),
}


def _data(name: str) -> Path:
    return Path(str(resources.files("carepool.demo") / "data" / name))


def _person(username: str) -> Actor:
    return Actor(User.objects.get(username=username), Interface.SYSTEM)


def ensure_plans(agreement_id: int) -> list[str]:
    """Load the allocations and plans unless they are there; the names of what was made."""
    made: list[str] = []
    for year in ("2024-25", "2025-26"):
        if not AllocationBatch.objects.filter(year=year, programme="bcf").exists():
            import_allocations(SYSTEM, _data(f"allocations-{year}.csv"), year, ALLOCATIONS_SOURCE)
            made.append(f"allocations {year}")
    for year in ("2024-25", "2025-26"):
        if Plan.objects.filter(agreement_id=agreement_id, year=year).exists():
            continue
        plan = import_plan_file(
            SYSTEM, _data(f"leeds-plan-{year}.csv"), agreement_id=agreement_id, year=year
        )
        for requirement, answer, comment in DECLARATIONS[year]:
            services.declare(SYSTEM, plan.pk, requirement, answer, comment)
        made.append(f"plan {year}")
        if year != "2024-25":
            continue
        finance = _person(content.PLAN_EDITOR)
        version = services.submit(finance, plan.pk)
        for username in content.PLAN_SIGNATORIES:
            services.sign_plan(_person(username), plan.pk, "partner", version.number)
        services.sign_plan(_person(content.BOARD_OFFICER), plan.pk, "board", version.number)
        services.sign_plan(
            _person(content.ASSURER),
            plan.pk,
            "national",
            version.number,
            outcome="approved",
            reasons="Meets the 2024-25 national conditions and minimums",
        )
    return made
