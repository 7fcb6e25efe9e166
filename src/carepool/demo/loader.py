"""Loading the demonstration data. Idempotent: a second run changes nothing.

Everything is written through the services as the system actor (approvals, which only a
named signatory can give, by the ICB's signatory), so the demo data passes the same
validation and leaves the same audit trail as real use. The people, organisations and
agreements are looked up first and only what is missing is created; an agreement that already
exists is left exactly as it is, with whatever has been done to it since.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from carepool.accounts.models import RoleGrant, User
from carepool.agreements import services as agreement_services
from carepool.agreements.models import Agreement
from carepool.audit.models import Action, Interface
from carepool.audit.services import Actor, Change, record_many
from carepool.demo import content
from carepool.demo.ledger import ensure_ledger
from carepool.demo.plans import ensure_plans
from carepool.io import ImportResult, Progress, load_reference_data
from carepool.organisations import services as organisation_services
from carepool.organisations.models import Area, Organisation

DEMO_PASSWORD = "carepool-demo"
SYSTEM = Actor.system(Interface.SYSTEM)


class DemoNotPossible(Exception):
    """Something the demo needs is missing; the message says what and how to fix it."""


DEMO_NEEDS_DEBUG = (
    f"The demo is for development machines only: it creates users whose password "
    f"('{DEMO_PASSWORD}') is published. Run it with CAREPOOL_DEBUG=1 (make run does), never "
    f"on a live system."
)


def require_demo_allowed() -> None:
    """Refuse on anything but a development machine (``CAREPOOL_DEBUG=1``)."""
    if not settings.DEBUG:
        raise DemoNotPossible(DEMO_NEEDS_DEBUG)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    name: str
    organisation: str
    roles: tuple[str, ...]
    can_see: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "password": self.password,
            "name": self.name,
            "organisation": self.organisation,
            "roles": list(self.roles),
            "can_see": self.can_see,
        }


@dataclass
class DemoSummary:
    reference: list[ImportResult] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    agreements_created: list[str] = field(default_factory=list)
    agreements: dict[str, int] = field(default_factory=dict)  # title -> id
    contributions_created: int = 0
    variations_created: int = 0
    approvals_created: int = 0
    plans_created: list[str] = field(default_factory=list)
    ledger_lines: int = 0
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(
            any(r.changed_anything for r in self.reference)
            or self.organisations_created
            or self.users_created
            or self.agreements_created
            or self.plans_created
            or self.ledger_lines
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": [r.to_dict() for r in self.reference],
            "organisations_created": self.organisations_created,
            "users_created": self.users_created,
            "agreements_created": self.agreements_created,
            "agreements": [{"id": pk, "title": title} for title, pk in self.agreements.items()],
            "contributions_created": self.contributions_created,
            "variations_created": self.variations_created,
            "approvals_created": self.approvals_created,
            "plans_created": self.plans_created,
            "ledger_lines": self.ledger_lines,
            "logins": [login.to_dict() for login in self.logins],
        }


def load_demo(
    data_dir: Path | None = None,
    *,
    load_reference: bool = True,
    progress_for: Callable[[str, Path], Progress] | None = None,
) -> DemoSummary:
    """Load the reference data (unless ``load_reference`` is False) and the demo. Idempotent.

    Raises ``carepool.io.DataDirectoryMissing`` when the reference data cannot be found, and
    ``DemoNotPossible`` when debug is off or the Leeds or Kent area is not loaded.
    """
    require_demo_allowed()
    summary = DemoSummary()
    if load_reference:
        summary.reference = load_reference_data(data_dir, progress_for=progress_for)
    missing = sorted(
        {content.LEEDS_AREA, content.KENT_AREA}
        - set(
            Area.objects.filter(code__in=[content.LEEDS_AREA, content.KENT_AREA]).values_list(
                "code", flat=True
            )
        )
    )
    if missing:
        raise DemoNotPossible(
            "The demo needs the areas " + ", ".join(missing) + ": import them first with "
            "'carepool import areas utla_all_codes.csv'"
        )
    with transaction.atomic():
        summary.organisations_created = _ensure_organisations()
        summary.users_created = _ensure_users()
        _ensure_agreement(summary, content.LEEDS_AGREEMENT, content.LEEDS_CONTRIBUTIONS, leeds=True)
        _ensure_agreement(summary, content.KENT_AGREEMENT, content.KENT_CONTRIBUTIONS, leeds=False)
        leeds = summary.agreements[content.LEEDS_AGREEMENT["title"]]
        summary.plans_created = ensure_plans(leeds)
        summary.ledger_lines = ensure_ledger(leeds)
    summary.logins = logins()
    return summary


def logins() -> list[DemoLogin]:
    names = dict(
        Organisation.objects.filter(code__in=[u.organisation for u in content.USERS]).values_list(
            "code", "name"
        )
    )
    return [
        DemoLogin(
            username=u.username,
            password=DEMO_PASSWORD,
            name=f"{u.first_name} {u.last_name}",
            organisation=names.get(u.organisation, u.organisation),
            roles=tuple(r.label for r in u.roles),
            can_see=u.can_see,
        )
        for u in content.USERS
    ]


def _ensure_organisations() -> list[str]:
    have = set(
        Organisation.objects.filter(
            code__in=[o["code"] for o in content.ORGANISATIONS]
        ).values_list("code", flat=True)
    )
    created = []
    for org in content.ORGANISATIONS:
        if org["code"] not in have:
            organisation_services.create_organisation(SYSTEM, org)
            created.append(org["code"])
    return created


def _ensure_users() -> list[str]:
    have = set(
        User.objects.filter(username__in=[u.username for u in content.USERS]).values_list(
            "username", flat=True
        )
    )
    organisations = {
        o.code: o
        for o in Organisation.objects.filter(code__in=[u.organisation for u in content.USERS])
    }
    created: list[User] = []
    changes = []
    for spec in content.USERS:
        if spec.username in have:
            continue
        organisation = organisations[spec.organisation]
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.org",
            organisation=organisation,
        )
        # set_password does not run the password validators: the demo password is public
        # and deliberately simple, and is never used outside the demo.
        user.set_password(DEMO_PASSWORD)
        user.save()
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in spec.roles])
        created.append(user)
        changes.append(
            Change(
                Action.CREATE,
                "user",
                user.username,
                user.display_name,
                {
                    "username": [None, user.username],
                    "organisation": [None, organisation.code],
                    "roles": [None, [r.value for r in spec.roles]],
                },
                summary="Demo user",
            )
        )
    record_many(SYSTEM, changes)
    return [u.username for u in created]


def _ensure_agreement(
    summary: DemoSummary,
    terms: dict[str, Any],
    contributions: tuple[content.DemoContribution, ...],
    *,
    leeds: bool,
) -> None:
    existing = Agreement.objects.filter(title=terms["title"], area__code=terms["area"]).first()
    if existing is not None:
        summary.agreements[existing.title] = existing.pk
        return
    agreement = agreement_services.create_agreement(SYSTEM, terms)
    summary.agreements_created.append(agreement.title)
    summary.agreements[agreement.title] = agreement.pk
    added: dict[tuple[str, str], Any] = {}
    for spec in contributions:
        added[(spec.year, spec.funding_stream)] = agreement_services.add_contribution(
            SYSTEM, agreement.pk, spec.data()
        )
        summary.contributions_created += 1
    if not leeds:
        return
    variation = dict(content.LEEDS_VARIATION)
    stream = variation.pop("funding_stream")
    agreement_services.vary_contribution(SYSTEM, added[(content.YEAR, stream)].pk, variation)
    summary.variations_created += 1
    # Last, because any change to the money withdraws earlier approvals.
    approver = User.objects.get(username=content.LEEDS_APPROVER)
    agreement.refresh_from_db(fields=["version"])
    agreement_services.approve_agreement(
        Actor(approver, Interface.SYSTEM), agreement.pk, agreement.version
    )
    summary.approvals_created += 1
