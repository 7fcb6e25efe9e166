"""Building blocks for tests: real-shaped organisations, areas, users and agreements.

Everything is created through the services (as the system actor), so fixtures exercise the
same validation and audit paths as users do.
"""

from __future__ import annotations

from typing import Any

from carepool.accounts.models import Role, RoleGrant, User
from carepool.agreements import services as agreement_services
from carepool.agreements.models import Agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.organisations import services as organisation_services
from carepool.organisations.models import Area, Organisation, PopulationEstimate

SYSTEM = Actor.system(Interface.SYSTEM)
PASSWORD = "correct-horse-battery-staple"


def organisation(code: str, name: str, org_type: str, code_system: str) -> Organisation:
    return organisation_services.create_organisation(
        SYSTEM, {"code": code, "name": name, "org_type": org_type, "code_system": code_system}
    )


def area(code: str, name: str) -> Area:
    return Area.objects.create(
        code=code,
        name=name,
        kind="hwb",
        region_code="E12000003",
        region_name="Yorkshire and The Humber",
        country_code="E92000001",
        country_name="England",
        source="tests",
    )


def user(username: str, org: Organisation, *roles: Role) -> User:
    u = User.objects.create_user(
        username=username,
        password=PASSWORD,
        organisation=org,
        first_name=username.replace("_", " ").title(),
    )
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role=r) for r in roles])
    return u


def agreement_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Leeds Better Care Fund pooled budget",
        "area": "E08000035",
        "arrangement_type": "pooled_fund",
        "partners": ["E08000035", "QWO", "LEEDS-VCS"],
        "host": "E08000035",
        "auditors": ["AUDIT-ONE"],
        "start_date": "2024-04-01",
        "end_date": "2027-03-31",
        "break_clause_date": "2025-03-31",
        "governing_board": "Leeds Health and Wellbeing Board",
        "aims": "Keep people well at home and out of hospital",
        "outcomes": ["Fewer emergency admissions of people aged 65+"],
    }
    data.update(overrides)
    return data


def populations(code: str, year: int, per_age: int = 100) -> None:
    PopulationEstimate.objects.bulk_create(
        [
            PopulationEstimate(
                geography_code=code, estimate_year=year, age=a, persons=per_age, source="tests"
            )
            for a in range(91)
        ]
    )


class World:
    """Two areas; a Leeds agreement with three partners; one user per role; an outsider."""

    def __init__(self) -> None:
        self.leeds_area = area("E08000035", "Leeds")
        self.kent_area = area("E10000016", "Kent")
        self.council = organisation("E08000035", "Leeds City Council", "council", "gss")
        self.icb = organisation(
            "QWO", "NHS West Yorkshire Integrated Care Board", "nhs_commissioner", "ods"
        )
        self.vcs = organisation(
            "LEEDS-VCS", "Leeds Voluntary Sector Partnership", "voluntary", "local"
        )
        self.kent = organisation("E10000016", "Kent County Council", "council", "gss")
        self.kent_icb = organisation(
            "QKS", "NHS Kent and Medway Integrated Care Board", "nhs_commissioner", "ods"
        )
        self.audit_body = organisation("AUDIT-ONE", "External Audit One", "other", "local")
        self.nhse = organisation("X24", "NHS England", "other", "ods")
        self.finance = user("finance", self.council, Role.FINANCE_OFFICER)
        self.signatory = user("signatory", self.council, Role.SIGNATORY)
        self.icb_signatory = user("icb_signatory", self.icb, Role.SIGNATORY)
        self.viewer = user("viewer", self.icb, Role.VIEWER)
        self.auditor = user("auditor", self.audit_body, Role.AUDITOR)
        self.assurer = user("assurer", self.nhse, Role.NATIONAL_ASSURER)
        self.outsider = user(
            "outsider", self.kent, Role.FINANCE_OFFICER, Role.SIGNATORY, Role.VIEWER
        )
        self.agreement: Agreement = agreement_services.create_agreement(SYSTEM, agreement_data())
        self.nhs_min = agreement_services.add_contribution(
            SYSTEM,
            self.agreement.pk,
            {
                "year": "2024-25",
                "partner": "QWO",
                "funding_stream": "nhs_minimum",
                "mandated": True,
                "amount": "60000000.00",
                "frequency": "quarterly",
            },
        )
        self.ibcf = agreement_services.add_contribution(
            SYSTEM,
            self.agreement.pk,
            {
                "year": "2024-25",
                "partner": "E08000035",
                "funding_stream": "ibcf",
                "mandated": True,
                "amount": "35000000.01",
                "frequency": "quarterly",
            },
        )
        self.kent_agreement: Agreement = agreement_services.create_agreement(
            SYSTEM,
            agreement_data(
                title="Kent Better Care Fund",
                area="E10000016",
                partners=["E10000016", "QKS"],
                host="E10000016",
                auditors=[],
            ),
        )


def approve(person: User, agreement_id: int, interface: Interface = Interface.WEB) -> Any:
    """The person's signatory approval of the agreement's current version (what they read)."""
    version = Agreement.objects.values_list("version", flat=True).get(pk=agreement_id)
    return agreement_services.approve_agreement(Actor(person, interface), agreement_id, version)


def standing_approvals(agreement_id: int) -> int:
    """How many partner approvals of the agreement stand (not withdrawn)."""
    from carepool.signoff.models import SignOff

    return SignOff.objects.filter(
        subject_kind="agreement", subject_id=agreement_id, withdrawn_at__isnull=True
    ).count()
