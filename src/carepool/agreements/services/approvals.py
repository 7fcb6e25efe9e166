"""Signatories approving an agreement, and approvals withdrawn when anything changes."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, require_role
from carepool.agreements.models import Agreement, Approval
from carepool.agreements.selectors import is_partner
from carepool.agreements.services._loading import _load_agreement
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, record, record_many
from carepool.core.errors import ValidationFailed


def _withdraw_approvals(actor: Actor, agreement: Agreement, because: str) -> None:
    approvals = list(agreement.approvals.select_related("organisation"))
    if not approvals:
        return
    record_many(
        actor,
        [
            Change(
                Action.WITHDRAW_APPROVAL,
                "approval",
                a.pk,
                f"Approval by {a.organisation.name}",
                {"approved_by": [a.approved_by.display_name, None]},
                agreement.pk,
                summary=f"Approval withdrawn because {because}",
            )
            for a in approvals
        ],
    )
    agreement.approvals.all().delete()


@transaction.atomic
def approve_agreement(
    actor: Actor, agreement_id: int | str, expected_version: Any = None
) -> Approval:
    """Approve the agreement as it stands. With ``expected_version`` (the version the
    signatory read), an agreement changed in the meantime is refused with ``Conflict``."""
    user = actor.user
    if user is None:
        raise Forbidden("Approvals are given by a named signatory, not by the system")
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_role(user, Role.SIGNATORY, "approve agreements")
    if not is_partner(user, agreement):
        raise Forbidden("Only a signatory of a partner organisation can approve this agreement")
    if agreement.approvals.filter(organisation_id=user.organisation_id).exists():
        raise ValidationFailed.single(
            "agreement", f"{user.organisation.name} has already approved this agreement"
        )
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                agreement=agreement, organisation=user.organisation, approved_by=user
            )
    except IntegrityError:  # the same partner approved a moment ago, in another request
        raise ValidationFailed.single(
            "agreement", f"{user.organisation.name} has already approved this agreement"
        ) from None
    record(
        actor,
        Change(
            Action.APPROVE,
            "approval",
            approval.pk,
            f"Approval by {user.organisation.name}",
            {"approved_by": [None, user.display_name]},
            agreement.pk,
            summary=f"{user.organisation.name} approved the agreement",
        ),
    )
    return approval
