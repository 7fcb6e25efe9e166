"""Writing organisations. Validated by the core, atomic, audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, require_role
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, diff, record
from carepool.concurrency import locked, require_version, save_changed
from carepool.core import parse
from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.organisations import CodeSystem, OrganisationType, validate_code
from carepool.organisations.models import Organisation
from carepool.organisations.selectors import get_organisation

FIELDS = ("code", "code_system", "name", "org_type")


def snapshot(org: Organisation) -> dict[str, Any]:
    return {f: getattr(org, f) for f in FIELDS}


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    parse.check_storable(data)
    errors = ErrorCollector()
    out: dict[str, Any] = {}
    readers: tuple[tuple[str, Callable[[Any], Any]], ...] = (
        ("name", lambda v: parse.text(v, "name", required=True, max_length=200)),
        ("org_type", lambda v: parse.choice(v, OrganisationType, "org_type")),
        ("code_system", lambda v: parse.choice(v, CodeSystem, "code_system")),
    )
    for name, fn in readers:
        try:
            out[name] = fn(data.get(name))
        except ValidationFailed as exc:
            errors.extend(exc)
    if "org_type" in out and "code_system" in out:
        try:
            out["code"] = validate_code(
                out["org_type"], out["code_system"], str(data.get("code") or "")
            )
        except ValidationFailed as exc:
            errors.extend(exc)
    errors.raise_if_any()
    return out


def require_editor(actor: Actor, org: Organisation) -> None:
    """Finance officers change their own organisation, and those their organisation added.

    Whether an organisation is a partner anywhere plays no part, so a refusal reveals nothing
    about agreements the user cannot see.
    """
    user = actor.user
    if user is None:
        return
    require_role(user, Role.FINANCE_OFFICER, "change organisations")
    if user.organisation_id in (org.pk, org.created_by_organisation_id):
        return
    raise Forbidden("You can change your own organisation and the ones your organisation added")


@transaction.atomic
def create_organisation(actor: Actor, data: Mapping[str, Any]) -> Organisation:
    if actor.user is not None:
        require_role(actor.user, Role.FINANCE_OFFICER, "add organisations")
    cleaned = _clean(data)
    if Organisation.objects.filter(code=cleaned["code"]).exists():
        raise ValidationFailed.single(
            "code", f"An organisation with the code {cleaned['code']} already exists"
        )
    org = Organisation.objects.create(
        **cleaned, created_by_organisation=actor.user.organisation if actor.user else None
    )
    record(
        actor, Change(Action.CREATE, "organisation", org.code, str(org), diff({}, snapshot(org)))
    )
    return org


def _load(code: str, expected_version: Any) -> Organisation:
    """The organisation, locked for the transaction and checked against the version read."""
    expected = parse.version(expected_version)
    org = locked(Organisation.objects.all(), get_organisation(code).pk)
    require_version(org, expected, "organisation")
    return org


@transaction.atomic
def update_organisation(
    actor: Actor, code: str, data: Mapping[str, Any], expected_version: Any = None
) -> Organisation:
    """Change some of an organisation's fields; only those that changed are written."""
    org = _load(code, expected_version)
    require_editor(actor, org)
    before = snapshot(org)
    cleaned = _clean({**before, **{k: v for k, v in data.items() if k in FIELDS}})
    if cleaned["code"] != org.code:
        # Agreements' risk-share clauses and the audit trail refer to organisations by code.
        raise ValidationFailed.single(
            "code",
            "An organisation's code cannot be changed; add the organisation under its new code",
        )
    stored = {key: getattr(org, key) for key in cleaned}
    for key, value in cleaned.items():
        setattr(org, key, value)
    save_changed(org, stored, "organisation")
    changes = diff(before, snapshot(org))
    if changes:
        record(actor, Change(Action.UPDATE, "organisation", org.code, str(org), changes))
    return org


@transaction.atomic
def delete_organisation(actor: Actor, code: str, expected_version: Any = None) -> None:
    org = _load(code, expected_version)
    require_editor(actor, org)
    if org.partnerships.exists() or org.users.exists() or org.contributions.exists():
        raise ValidationFailed.single(
            "code", f"{org.name} is a partner in an agreement or has users, so it cannot be deleted"
        )
    before = snapshot(org)
    org.delete()
    record(
        actor,
        Change(Action.DELETE, "organisation", before["code"], before["name"], diff(before, {})),
    )
