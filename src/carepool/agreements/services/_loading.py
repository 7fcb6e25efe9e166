"""Loading what a write changes, locked and version-checked, and who may change it."""

from __future__ import annotations

from typing import Any

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, NotFound, require_role
from carepool.agreements.models import Agreement, Contribution
from carepool.agreements.selectors import get_agreement, get_contribution, may_edit, may_edit_money
from carepool.audit.services import Actor
from carepool.concurrency import locked, require_version
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.organisations.models import Organisation


def _load_agreement(
    actor: Actor, agreement_id: int | str, expected_version: Any = None
) -> Agreement:
    """The agreement as this actor may see it (the system: imports, demo, sees all), locked
    for the rest of the transaction and checked against the version the writer last read."""
    expected = parse.version(expected_version)
    if actor.user is not None:
        pk = get_agreement(actor.user, agreement_id).pk
    else:
        try:
            pk = int(agreement_id)
        except (TypeError, ValueError):
            raise NotFound("No such agreement") from None
    try:
        agreement = locked(Agreement.objects.select_related("area", "host"), pk)
    except Agreement.DoesNotExist:
        raise NotFound("No such agreement") from None
    require_version(agreement, expected, "agreement")
    return agreement


def _load_contribution(
    actor: Actor, contribution_id: int | str, expected_version: Any = None
) -> Contribution:
    """The contribution, with its agreement, both locked (agreement first, as everywhere)."""
    expected = parse.version(expected_version)
    if actor.user is not None:
        found = get_contribution(actor.user, contribution_id)
        pk, agreement_id = found.pk, found.agreement_id
    else:
        try:
            pk = int(contribution_id)
            agreement_id = Contribution.objects.values_list("agreement_id", flat=True).get(pk=pk)
        except (Contribution.DoesNotExist, TypeError, ValueError):
            raise NotFound("No such contribution") from None
    agreement = locked(Agreement.objects.select_related("area", "host"), agreement_id)
    contribution = locked(
        Contribution.objects.select_related("partner").prefetch_related("variations"), pk
    )
    contribution.agreement = agreement
    require_version(contribution, expected, "contribution")
    return contribution


def require_editor(actor: Actor, agreement: Agreement) -> None:
    """Finance officers of a partner organisation edit; everyone else is refused (Forbidden).

    Public so that a page can refuse to show a form nobody could submit, with the same words.
    """
    user = actor.user
    if user is None or may_edit(user, agreement):
        return
    require_role(user, Role.FINANCE_OFFICER, "change agreements")
    raise Forbidden("Only finance officers of a partner organisation can change this agreement")


def require_money_editor(actor: Actor, agreement: Agreement, partner: Organisation) -> None:
    """A partner's contributions are changed by its own finance officers or the host's."""
    user = actor.user
    if user is None or may_edit_money(user, agreement, partner):
        return
    require_editor(actor, agreement)
    raise Forbidden(
        f"Only finance officers of {partner.name} or of the host, {agreement.host.name}, "
        f"can change {partner.name}'s contributions"
    )


def _require_own_organisation_among(actor: Actor, partner_codes: tuple[str, ...]) -> None:
    # Otherwise a finance officer could create or edit an agreement out of their own sight.
    if actor.user is not None and actor.user.organisation.code not in partner_codes:
        raise ValidationFailed.single(
            "partners",
            f"Your organisation ({actor.user.organisation.code}) must be one of the partners",
        )
