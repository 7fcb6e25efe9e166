"""Signatories approving an agreement, and approvals withdrawn when anything changes.

Approvals are sign-offs (``carepool.signoff``, docs/adr/0017): each names the version and the
content hash (``carepool.agreements.signing``) its signatory read. A change withdraws the
standing ones; they stay recorded, withdrawn, still naming the version they approved.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, require_role
from carepool.agreements import signing
from carepool.agreements.models import Agreement
from carepool.agreements.selectors import is_partner
from carepool.agreements.services._loading import _load_agreement
from carepool.audit.services import Actor
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.signoff import Stage
from carepool.signoff import services as signoff_services
from carepool.signoff.models import SignOff


def _withdraw_approvals(actor: Actor, agreement: Agreement, because: str) -> None:
    """Withdraw the standing approvals; call after the change, with the agreement locked."""
    if signing.standing(agreement).exists():
        signoff_services.withdraw_standing(actor, signing.subject_ref(agreement), because)


@transaction.atomic
def approve_agreement(
    actor: Actor,
    agreement_id: int | str,
    version: Any,
    content_hash: str | None = None,
) -> SignOff:
    """Approve the version of the agreement the signatory read, for their organisation.

    ``version`` is required: an approval names what was read. A superseded version (or,
    when given, a ``content_hash`` that is not the agreement's now) is refused and nothing
    is recorded.
    """
    user = actor.user
    if user is None:
        raise Forbidden("Approvals are given by a named signatory, not by the system")
    agreement = _load_agreement(actor, agreement_id)  # locked: approvals and changes take turns
    require_role(user, Role.SIGNATORY, "approve agreements")
    if not is_partner(user, agreement):
        raise Forbidden("Only a signatory of a partner organisation can approve this agreement")
    read = parse.version(version)
    if read is None:
        raise ValidationFailed.single(
            "version",
            "Say which version of the agreement you read and are approving "
            f"(it is version {agreement.version} now)",
        )
    return signoff_services.sign(
        actor,
        signing.subject_ref(agreement),
        Stage.PARTNER,
        read,
        (content_hash or "").strip() or None,
    )
