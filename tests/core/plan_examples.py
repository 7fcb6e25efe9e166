"""A year's rules, partners and plans built by hand for the plan tests (no TOML, no database).

The figures are made up but shaped like a 2024-25 Better Care Fund plan: an ICB, a council
and a trust; the NHS minimum, the improved BCF grant and the Disabled Facilities Grant.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from carepool.core.money import Money
from carepool.core.organisations import OrganisationType
from carepool.core.periods import FinancialYear
from carepool.core.plan_check import Approvals, PlanContext
from carepool.core.plan_input import parse_plan
from carepool.core.plan_rules import (
    AllocationLine,
    Check,
    Named,
    PlanRules,
    Requirement,
    RequirementKind,
    SchemeType,
    Taxonomy,
)
from carepool.core.plans import Partner, PlanContent
from carepool.core.rules import FundingStream, Programme, StreamNature, YearRules

YEAR_RULES = YearRules(
    year=FinancialYear.parse("2024-25"),
    programme=Programme.BCF,
    source="made up for tests",
    funding_streams=(
        FundingStream(
            "nhs_minimum",
            "NHS minimum contribution",
            StreamNature.MANDATED,
            frozenset({OrganisationType.NHS_COMMISSIONER}),
        ),
        FundingStream(
            "ibcf",
            "Improved Better Care Fund",
            StreamNature.MANDATED,
            frozenset({OrganisationType.COUNCIL}),
        ),
        FundingStream(
            "dfg",
            "Disabled Facilities Grant",
            StreamNature.MANDATED,
            frozenset({OrganisationType.COUNCIL}),
        ),
    ),
)

ICB = Partner("QWO", "West Yorkshire ICB", OrganisationType.NHS_COMMISSIONER)
COUNCIL = Partner("E08000035", "Leeds City Council", OrganisationType.COUNCIL)
TRUST = Partner("RR8", "Leeds Teaching Hospitals", OrganisationType.NHS_TRUST)
PARTNERS = (ICB, COUNCIL)

TAXONOMY = Taxonomy(
    scheme_types=(
        SchemeType(
            "home_care",
            "Home care or domiciliary care",
            (Named("domiciliary", "Domiciliary care packages"), Named("night", "Night sitting")),
        ),
        SchemeType("carers", "Carers' services"),
        SchemeType(
            "dfg",
            "Disabled Facilities Grant related schemes",
            (Named("adaptations", "Adaptations, including statutory DFG grants"),),
        ),
        SchemeType("community", "Community based schemes"),
    ),
    areas_of_spend=(
        Named("social_care", "Social care"),
        Named("community_health", "Community health"),
        Named("mental_health", "Mental health"),
        Named("acute", "Acute"),
    ),
    commissioner_types=(Named("council", "Local authority"), Named("nhs", "NHS")),
    provider_types=(
        Named("local_authority", "Local authority"),
        Named("nhs_community", "NHS community provider"),
        Named("private", "Private sector"),
    ),
)


def requirement(
    ident: str,
    kind: RequirementKind,
    rule: str | None,
    params: dict[str, Any] | None = None,
    *,
    justification: bool = False,
) -> Requirement:
    return Requirement(
        ident,
        kind,
        f"Requirement {ident}",
        Check(rule, params or {}) if rule else None,
        justification,
    )


C = RequirementKind.CONDITION
M = RequirementKind.MINIMUM

PLAN_RULES = PlanRules(
    taxonomy=TAXONOMY,
    conditions=(
        requirement("nc1", C, "jointly_agreed", {"board": True}),
        requirement("nc2", C, None),  # a declaration
        requirement("nc3", C, "metrics_addressed"),
        requirement("nc4", C, None, justification=True),
    ),
    minimums=(
        requirement(
            "nhs_contribution",
            M,
            "contribution_at_least_allocation",
            {"stream": "nhs_minimum", "allocation": "nhs_minimum"},
        ),
        requirement(
            "nhs_asc",
            M,
            "spend_at_least_allocation",
            {"stream": "nhs_minimum", "areas_of_spend": ["social_care"], "allocation": "nhs_asc"},
        ),
        requirement(
            "nhs_ooh",
            M,
            "spend_at_least_allocation",
            {
                "stream": "nhs_minimum",
                "areas_of_spend": ["community_health", "mental_health"],
                "allocation": "nhs_ooh",
                "commissioner_type": "nhs",
            },
        ),
    ),
    allocation_lines=(
        AllocationLine("nhs_minimum", "NHS minimum contribution"),
        AllocationLine("nhs_asc", "NHS minimum spend on adult social care"),
        AllocationLine("nhs_ooh", "NHS minimum spend on NHS-commissioned out-of-hospital care"),
    ),
    metric_ids=("avoidable_admissions", "discharge_home", "falls"),
    deadline=date(2024, 6, 10),
)


def scheme(scheme_id: str = "S01", **fields: Any) -> dict[str, Any]:
    """A scheme as raw input that passes every check; ``fields`` replace its values."""
    raw: dict[str, Any] = {
        "scheme_id": scheme_id,
        "name": f"Scheme {scheme_id}",
        "description": "Care at home after a hospital stay",
        "scheme_type": "home_care",
        "sub_type": "domiciliary",
        "area_of_spend": "social_care",
        "commissioners": [{"organisation": "E08000035", "percent": "100"}],
        "provider_type": "private",
        "funding": [{"stream": "nhs_minimum", "amount": "1000.00"}],
        "new": False,
        "outputs": [{"description": "Hours of home care", "quantity": "5000", "unit": "hours"}],
        "metrics": [{"metric": "discharge_home", "change": "2.5", "note": ""}],
    }
    raw.update(fields)
    return raw


# A plan that passes every rule with the figures of ``context()``:
#   S01 social care, council commissioned: NHS minimum £6,000; iBCF £2,000
#   S02 community health, ICB 60% / council 40%: NHS minimum £5,000 (ICB part £3,000)
#   S03 adaptations (social care), council: DFG £1,500
# Income: NHS minimum £11,000, iBCF £2,000, DFG £1,500.
PASSING_SCHEMES: tuple[dict[str, Any], ...] = (
    scheme(
        "S01",
        funding=[
            {"stream": "nhs_minimum", "amount": "6000.00"},
            {"stream": "ibcf", "amount": "2000"},
        ],
        metrics=[{"metric": "avoidable_admissions", "change": "-10"}],
    ),
    scheme(
        "S02",
        name="Community rehabilitation",
        scheme_type="community",
        sub_type="Rehabilitation at home",
        area_of_spend="community_health",
        commissioners=[
            {"organisation": "QWO", "percent": "60"},
            {"organisation": "E08000035", "percent": "40"},
        ],
        provider_type="nhs_community",
        funding=[{"stream": "nhs_minimum", "amount_pence": 500000}],
        metrics=[{"metric": "discharge_home", "change": "3"}],
    ),
    scheme(
        "S03",
        name="Home adaptations",
        scheme_type="dfg",
        sub_type="adaptations",
        funding=[{"stream": "dfg", "amount": "1500"}],
        metrics=[{"metric": "falls", "change": "-4", "note": "fewer falls at home"}],
    ),
)

PASSING_DECLARATIONS = (
    {"id": "nc2", "answer": "yes", "comment": "Protects social care services"},
    {"id": "nc4", "answer": True, "comment": ""},
)


def plan(
    schemes: tuple[dict[str, Any], ...] = PASSING_SCHEMES,
    declarations: tuple[dict[str, Any], ...] = PASSING_DECLARATIONS,
) -> PlanContent:
    return parse_plan(
        list(schemes), list(declarations), YEAR_RULES, PARTNERS, plan_rules=PLAN_RULES
    )


INCOME = {
    "nhs_minimum": Money(11_000_00),
    "ibcf": Money(2_000_00),
    "dfg": Money(1_500_00),
}
ALLOCATIONS = {
    "nhs_minimum": Money(11_000_00),
    "nhs_asc": Money(6_000_00),
    "nhs_ooh": Money(3_000_00),
}


def context(**changes: Any) -> PlanContext:
    base = PlanContext(
        year_rules=YEAR_RULES,
        plan_rules=PLAN_RULES,
        partners=PARTNERS,
        income=INCOME,
        allocations=ALLOCATIONS,
        approvals=Approvals(frozenset({"QWO", "E08000035"}), board=True),
    )
    return replace(base, **changes)
