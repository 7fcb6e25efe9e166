"""The national world of a generated year, built through Carepool's own services.

Called by ``bench/ledger/run.py`` (stage ``world``) in a fresh, migrated scratch database:

1. Areas and their councils from the repository's ``data/geo/utla_all_codes.csv`` with the
   areas importer (``carepool.io.areas.import_areas``, the one ``carepool setup`` uses).
2. The synthetic integrated care boards and voluntary-sector partners of the manifest with
   ``organisations.services.create_organisation`` (system actor).
3. One pooled-fund agreement per area (``agreements.services.create_agreement``, system
   actor: every partner has accepted), host the council, 2024-25 to 2026-27.
4. Each area's contributions for 2024-25, one per funding stream the schemes use, equal to
   the schemes' budgets from that stream (``add_contribution``): the pool's income.
5. Each area's 2024-25 plan with the generated schemes (``plans.services.create_plan``; a
   draft, not signed off): the budgets come from the plan, and the ledger's scheme register
   is filled from it (``ledger.schemes.known_schemes``) as the import would.
6. A national assurer (``Role.NATIONAL_ASSURER``, sees every agreement) for the reports.

Every write is audited as in real use. Returns area code -> agreement id.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from django.db import transaction

from carepool.accounts.models import Role, RoleGrant, User
from carepool.agreements.services import add_contribution, create_agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.io.areas import import_areas
from carepool.io.reference import AREAS_FILE, default_data_dir
from carepool.ledger.schemes import known_schemes
from carepool.organisations.models import Organisation
from carepool.organisations.services import create_organisation
from carepool.plans.services import create_plan

SYSTEM = Actor.system(Interface.SYSTEM)
ASSURER = "bench-assurer"
NHS_STREAMS = frozenset({"nhs_minimum", "discharge_fund_icb", "additional_nhs"})


def agreement_terms(area: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": f"{area['name']} Better Care Fund pooled budget 2024 to 2027 (bench)",
        "area": area["code"],
        "arrangement_type": "pooled_fund",
        "partners": [p["code"] for p in area["partners"]],
        "host": area["host"],
        "auditors": [],
        "start_date": "2024-04-01",
        "end_date": "2027-03-31",
        "governing_board": f"{area['name']} Health and Wellbeing Board",
        "aims": "Keep people independent at home and support timely discharge from hospital.",
        "outcomes": ["Discharge: at least 90% of people go home from hospital"],
        "reporting_frequency": "monthly",
        "risk_share": [
            {
                "kind": "proportional",
                "applies_to": "both",
                "basis": "contributions",
                "description": "Shared in proportion to contributions",
            }
        ],
    }


def plan_schemes(area: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "scheme_id": s["id"],
            "name": s["name"],
            "description": f"{s['name']} (generated for the ledger benchmark)",
            "scheme_type": s["scheme_type"],
            "sub_type": "",
            "area_of_spend": s["area_of_spend"],
            "commissioners": [{"organisation": s["partner"], "percent": "100"}],
            "provider_type": s["provider_type"],
            "funding": [{"stream": s["stream"], "amount_pence": s["budget_pence"]}],
            "new": False,
            "outputs": [],
            "metrics": [],
        }
        for s in area["schemes"]
    ]


def contributions(area: dict[str, Any]) -> list[dict[str, Any]]:
    """One contribution per stream the schemes use: NHS streams from the ICB, the rest from
    the council."""
    by_stream: dict[str, int] = defaultdict(int)
    for s in area["schemes"]:
        by_stream[s["stream"]] += s["budget_pence"]
    icb = next(p["code"] for p in area["partners"] if p["org_type"] == "nhs_commissioner")
    return [
        {
            "year": "2024-25",
            "partner": icb if stream in NHS_STREAMS else area["host"],
            "funding_stream": stream,
            "mandated": stream not in ("additional_la", "additional_nhs", "other_partner"),
            "amount": f"{pence // 100}.{pence % 100:02d}",
            "frequency": "quarterly",
        }
        for stream, pence in sorted(by_stream.items())
    ]


def build_world(manifest: dict[str, Any], log: Any = print) -> dict[str, int]:
    started = time.perf_counter()
    import_areas(default_data_dir() / AREAS_FILE)
    have = set(Organisation.objects.values_list("code", flat=True))
    for area in manifest["areas"]:
        for partner in area["partners"]:
            if partner["code"] not in have:
                create_organisation(SYSTEM, partner)
                have.add(partner["code"])
    agreements: dict[str, int] = {}
    for n, area in enumerate(manifest["areas"], start=1):
        with transaction.atomic():
            agreement = create_agreement(SYSTEM, agreement_terms(area))
            for data in contributions(area):
                add_contribution(SYSTEM, agreement.pk, data)
            create_plan(SYSTEM, agreement.pk, manifest["year"], plan_schemes(area))
            registered = known_schemes(agreement, manifest["year"])
            if len(registered) != len(area["schemes"]):
                raise RuntimeError(f"{area['code']}: {len(registered)} schemes registered")
        agreements[area["code"]] = agreement.pk
        if n % 10 == 0 or n == len(manifest["areas"]):
            log(f"world: {n}/{len(manifest['areas'])} agreements with plans")
    national = Organisation.objects.get(code=manifest["areas"][0]["host"])
    assurer, _ = User.objects.get_or_create(
        username=ASSURER, defaults={"organisation": national, "email": "assurer@example.org"}
    )
    RoleGrant.objects.get_or_create(user=assurer, role=Role.NATIONAL_ASSURER)
    log(f"world: built in {time.perf_counter() - started:.1f} s")
    return agreements
