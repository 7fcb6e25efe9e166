"""What the demo contains: organisations, people, and two agreements with their money.

The agreement terms are written the way a real section 75 pooled fund agreement states them.
Every amount is illustrative, chosen to be plausible for a large metropolitan area; none is a
published allocation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carepool.accounts.models import Role

LEEDS_AREA = "E08000035"
KENT_AREA = "E10000016"
LEEDS_COUNCIL = "E08000035"
KENT_COUNCIL = "E10000016"
WEST_YORKSHIRE_ICB = "QWO"
KENT_ICB = "QKS"
FORUM_CENTRAL = "LEEDS-FORUM-CENTRAL"
AUDIT_BODY = "EXT-AUDIT-LEEDS"
NHS_ENGLAND = "X24"
YEAR = "2024-25"

# Councils come from the area import; they are listed so the demo also works without it.
ORGANISATIONS: tuple[dict[str, str], ...] = (
    {
        "code": LEEDS_COUNCIL,
        "name": "Leeds City Council",
        "org_type": "council",
        "code_system": "gss",
    },
    {
        "code": KENT_COUNCIL,
        "name": "Kent County Council",
        "org_type": "council",
        "code_system": "gss",
    },
    {
        "code": WEST_YORKSHIRE_ICB,
        "name": "NHS West Yorkshire Integrated Care Board",
        "org_type": "nhs_commissioner",
        "code_system": "ods",
    },
    {
        "code": KENT_ICB,
        "name": "NHS Kent and Medway Integrated Care Board",
        "org_type": "nhs_commissioner",
        "code_system": "ods",
    },
    {
        "code": FORUM_CENTRAL,
        "name": "Forum Central (Leeds third sector partnership)",
        "org_type": "voluntary",
        "code_system": "local",
    },
    {
        "code": AUDIT_BODY,
        "name": "Leeds Pool External Audit",
        "org_type": "other",
        "code_system": "local",
    },
    {"code": NHS_ENGLAND, "name": "NHS England", "org_type": "other", "code_system": "ods"},
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    roles: tuple[Role, ...]
    can_see: str


USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "finance",
        "Amira",
        "Patel",
        LEEDS_COUNCIL,
        (Role.FINANCE_OFFICER,),
        "The Leeds agreement: reads it and changes it, its contributions and variations",
    ),
    DemoUser(
        "signatory",
        "Daniel",
        "Okafor",
        LEEDS_COUNCIL,
        (Role.SIGNATORY,),
        "The Leeds agreement: reads it and approves it for Leeds City Council",
    ),
    DemoUser(
        "icb-signatory",
        "Helen",
        "Marsh",
        WEST_YORKSHIRE_ICB,
        (Role.SIGNATORY,),
        "The Leeds agreement: reads it; has approved it for the ICB",
    ),
    DemoUser(
        "forum-signatory",
        "Priya",
        "Shah",
        FORUM_CENTRAL,
        (Role.SIGNATORY,),
        "The Leeds agreement and plans: approves the plans for Forum Central",
    ),
    DemoUser(
        "board",
        "Ruth",
        "Nkemelu",
        LEEDS_COUNCIL,
        (Role.BOARD_OFFICER,),
        "The Leeds agreement and plans: records the Health and Wellbeing Board's approval",
    ),
    DemoUser(
        "viewer",
        "Tom",
        "Bradley",
        WEST_YORKSHIRE_ICB,
        (Role.VIEWER,),
        "The Leeds agreement: reads it, changes nothing",
    ),
    DemoUser(
        "auditor",
        "Grace",
        "Lin",
        AUDIT_BODY,
        (Role.AUDITOR,),
        "The Leeds agreement it audits, with its audit trail; changes nothing",
    ),
    DemoUser(
        "assurer",
        "Sam",
        "Whitfield",
        NHS_ENGLAND,
        (Role.NATIONAL_ASSURER,),
        "Every agreement and plan in every area; records the national assurance outcome",
    ),
    DemoUser(
        "outsider",
        "Kerry",
        "Adeyemi",
        KENT_COUNCIL,
        (Role.FINANCE_OFFICER, Role.VIEWER),
        "Only the Kent agreement; the Leeds agreement is 'not found'",
    ),
)

LEEDS_AGREEMENT: dict[str, Any] = {
    "title": "Leeds Better Care Fund pooled budget 2024 to 2027",
    "area": LEEDS_AREA,
    "arrangement_type": "pooled_fund",
    "partners": [LEEDS_COUNCIL, WEST_YORKSHIRE_ICB, FORUM_CENTRAL],
    "host": LEEDS_COUNCIL,
    "auditors": [AUDIT_BODY],
    "start_date": "2024-04-01",
    "end_date": "2027-03-31",
    "break_clause_date": "2025-03-31",
    "governing_board": "Leeds Health and Wellbeing Board",
    "aims": (
        "Help people in Leeds to live well and independently at home for as long as possible: "
        "prevent avoidable hospital admissions, get people home from hospital as soon as they "
        "are medically ready, restore independence through reablement, and reduce the need "
        "for long-term residential and nursing care, by planning and paying for health and "
        "social care services together from one pooled fund."
    ),
    "outcomes": [
        "Avoidable admissions: reduce unplanned (non-elective) hospital admissions for chronic "
        "ambulatory care sensitive conditions to no more than 780 per 100,000 population in "
        "2024-25",
        "Discharge: at least 92% of people discharged from acute hospital go home to their "
        "usual place of residence",
        "Reablement: at least 82% of older people (65 and over) discharged from hospital into "
        "reablement are still at home 91 days later",
        "Long-term care: no more than 560 permanent admissions to residential and nursing care "
        "homes per 100,000 population aged 65 and over in 2024-25",
    ],
    "functions_covered": (
        "NHS functions of the ICB (regulation 5 of the NHS Bodies and Local Authorities "
        "Partnership Arrangements Regulations 2000): commissioning of community health "
        "services, intermediate care and hospital discharge support. Health-related functions "
        "of the council (regulation 6): adult social care assessment and care management, "
        "reablement, home adaptations under the Disabled Facilities Grant, and support for "
        "carers."
    ),
    "services_in_scope": (
        "Adults aged 18 and over who live in Leeds or are registered with a Leeds GP. Schemes: "
        "Home First reablement and rehabilitation at home; community intermediate care beds; "
        "discharge to assess; the Disabled Facilities Grant adaptations service; carers' "
        "breaks and support; neighbourhood networks and other voluntary sector prevention "
        "services commissioned through Forum Central."
    ),
    "staff_goods_accommodation": (
        "No staff transfer: each partner continues to employ the staff who deliver its "
        "services. The council, as host, provides the pool manager and the pool's finance and "
        "commissioning support from its own offices. Equipment bought from the pool is owned by "
        "the host and recorded in the pool's asset register."
    ),
    "charges_to_people": (
        "Social care services funded from the pool are charged for under the council's adult "
        "social care charging policy (Care Act 2014, sections 14 and 17). NHS services and the "
        "first six weeks of reablement are free. Income from charges is credited to the pool."
    ),
    "reporting_frequency": "monthly",
    "risk_share": [
        {
            "kind": "order_of_application",
            "applies_to": "overspend",
            "steps": [
                "offset_underspends",
                "risk_pool",
                "cut_uncommitted",
                "partners_own_resources",
            ],
            "description": "An overspend is met first from underspends elsewhere in the pool, then "
            "from the risk pool, then by cutting uncommitted spending, and only then "
            "from the partners' own resources",
        },
        {
            "kind": "risk_pool",
            "applies_to": "overspend",
            "amount": "500000.00",
            "description": "A risk pool of £500,000 set aside from the ICB's and the council's "
            "additional contributions",
        },
        {
            "kind": "proportional",
            "applies_to": "overspend",
            "basis": "contributions",
            "description": "Any overspend left after the risk pool is shared in proportion to "
            "each partner's contribution for the year",
        },
        {
            "kind": "capped_share",
            "applies_to": "overspend",
            "partner_code": FORUM_CENTRAL,
            "cap_percent": "100",
            "description": "Forum Central's share of any overspend is capped at its own "
            "contribution for the year",
        },
        {
            "kind": "return_pro_rata",
            "applies_to": "underspend",
            "basis": "recurrent_contributions",
            "description": "Underspends are returned to the partners pro rata to their recurrent "
            "contributions, excluding non-recurrent payments",
        },
    ],
    "overspend_protocol": (
        "The pool manager reports the forecast outturn monthly. A forecast overspend is reported "
        "at once to the partners' finance directors and to the next Health and Wellbeing Board; "
        "the partners agree a recovery plan within 30 days. If the plan cannot close the gap, "
        "the overspend is met in the order of application above."
    ),
    "exit_terms": (
        "A partner may leave at the break clause date (31 March 2025) or at the end of any "
        "later financial year by giving twelve months' notice in writing. On exit or "
        "termination, money left in the pool after existing commitments is returned to the "
        "partners in proportion to their contributions, and liabilities are shared the same way; "
        "assets bought from the pool are valued and their value divided likewise."
    ),
    "audit_arrangements": (
        "The council, as host, keeps the pooled fund's accounts, prepares an annual memorandum "
        "account for the partners within three months of the year end, and includes the fund "
        "in its own audited accounts. The host's internal audit reviews the pool each year. "
        "Leeds Pool External Audit has access to the fund's records and audit trail."
    ),
    "variation_procedure": (
        "The agreement is varied in writing, approved by each partner's signatory. A "
        "contribution is varied with the agreement of the Health and Wellbeing Board, recorded "
        "with its effective date and reason; earlier amounts are never overwritten."
    ),
    "review_arrangements": (
        "The Health and Wellbeing Board reviews the agreement each autumn against its outcomes, "
        "with a full review before the break clause date."
    ),
}

KENT_AGREEMENT: dict[str, Any] = {
    "title": "Kent Better Care Fund pooled budget 2024-25",
    "area": KENT_AREA,
    "arrangement_type": "pooled_fund",
    "partners": [KENT_COUNCIL, KENT_ICB],
    "host": KENT_COUNCIL,
    "auditors": [],
    "start_date": "2024-04-01",
    "end_date": "2025-03-31",
    "governing_board": "Kent Health and Wellbeing Board",
    "aims": "Keep people in Kent independent at home and support timely discharge from hospital.",
    "outcomes": [
        "Discharge: at least 90% of people discharged from acute hospital go home to their "
        "usual place of residence",
    ],
    "reporting_frequency": "quarterly",
    "risk_share": [
        {
            "kind": "proportional",
            "applies_to": "both",
            "basis": "contributions",
            "description": "Overspends and underspends shared in proportion to contributions",
        },
    ],
}


@dataclass(frozen=True)
class DemoContribution:
    partner: str
    funding_stream: str
    mandated: bool
    amount: str
    frequency: str = "quarterly"
    year: str = YEAR

    def data(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "partner": self.partner,
            "funding_stream": self.funding_stream,
            "mandated": self.mandated,
            "amount": self.amount,
            "frequency": self.frequency,
        }


LEEDS_CONTRIBUTIONS: tuple[DemoContribution, ...] = (
    DemoContribution(WEST_YORKSHIRE_ICB, "nhs_minimum", True, "68450000.00"),
    DemoContribution(LEEDS_COUNCIL, "ibcf", True, "32180000.00"),
    DemoContribution(LEEDS_COUNCIL, "dfg", True, "7640000.00"),
    DemoContribution(LEEDS_COUNCIL, "discharge_fund_la", True, "5210000.00"),
    DemoContribution(WEST_YORKSHIRE_ICB, "discharge_fund_icb", True, "4870000.00"),
    DemoContribution(LEEDS_COUNCIL, "additional_la", False, "12500000.00"),
    DemoContribution(WEST_YORKSHIRE_ICB, "additional_nhs", False, "9750000.00", "monthly"),
    DemoContribution(FORUM_CENTRAL, "other_partner", False, "150000.00"),
    # 2025-26: the iBCF and the council's discharge grant are one Local Authority Better Care
    # Grant; the ICB's discharge money is part of its minimum (the year's rules).
    DemoContribution(WEST_YORKSHIRE_ICB, "nhs_minimum", True, "74860000.00", year="2025-26"),
    DemoContribution(LEEDS_COUNCIL, "labcg", True, "38150000.00", year="2025-26"),
    DemoContribution(LEEDS_COUNCIL, "dfg", True, "8052000.00", year="2025-26"),
    DemoContribution(LEEDS_COUNCIL, "additional_la", False, "12875000.00", year="2025-26"),
    DemoContribution(
        WEST_YORKSHIRE_ICB, "additional_nhs", False, "10040000.00", "monthly", year="2025-26"
    ),
    DemoContribution(FORUM_CENTRAL, "other_partner", False, "155000.00", year="2025-26"),
    # 2026-27: no rules are published yet, so the 2025-26 streams stand in, provisionally;
    # every page showing this year says so.
    DemoContribution(WEST_YORKSHIRE_ICB, "nhs_minimum", True, "76360000.00", year="2026-27"),
    DemoContribution(LEEDS_COUNCIL, "labcg", True, "38910000.00", year="2026-27"),
    DemoContribution(LEEDS_COUNCIL, "dfg", True, "8052000.00", year="2026-27"),
    DemoContribution(LEEDS_COUNCIL, "additional_la", False, "13260000.00", year="2026-27"),
    DemoContribution(
        WEST_YORKSHIRE_ICB, "additional_nhs", False, "10340000.00", "monthly", year="2026-27"
    ),
    DemoContribution(FORUM_CENTRAL, "other_partner", False, "160000.00", year="2026-27"),
)

# The Disabled Facilities Grant rises part-way through the year.
LEEDS_VARIATION = {
    "funding_stream": "dfg",
    "effective_date": "2024-10-01",
    "change": "412000.00",
    "reason": (
        "In-year uplift to the Disabled Facilities Grant allocation, agreed by the Leeds Health "
        "and Wellbeing Board; spread over the remaining quarterly instalments"
    ),
}

KENT_CONTRIBUTIONS: tuple[DemoContribution, ...] = (
    DemoContribution(KENT_ICB, "nhs_minimum", True, "151200000.00"),
    DemoContribution(KENT_COUNCIL, "ibcf", True, "48300000.00"),
)

LEEDS_APPROVER = "icb-signatory"

# Who works the demo plans (demo/plans.py): the finance officer submits, each partner's
# signatory approves, then the board officer and the national assurer.
PLAN_EDITOR = "finance"
PLAN_SIGNATORIES = ("signatory", "icb-signatory", "forum-signatory")
BOARD_OFFICER = "board"
ASSURER = "assurer"
