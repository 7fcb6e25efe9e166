"""Adding and removing the provisions of an agreement's risk share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from carepool.agreements.models import Agreement
from carepool.agreements.services._loading import _load_agreement, require_editor
from carepool.agreements.services.agreements import update_agreement
from carepool.audit.services import Actor
from carepool.core.errors import FieldError, ValidationFailed


@transaction.atomic
def add_risk_share_provision(
    actor: Actor,
    agreement_id: int | str,
    provision: Mapping[str, Any],
    expected_version: Any = None,
) -> Agreement:
    """Append one provision to the agreement's risk share.

    Errors name the provision's own fields (``cap``, ``shares.QWO``), not its place in the
    list, so a form for a single provision can show them beside its inputs.
    """
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    if not isinstance(provision, Mapping):
        raise ValidationFailed.single("kind", "Describe the provision")
    position = len(agreement.risk_share) + 1
    prefix = f"risk_share[{position}]."
    try:
        return update_agreement(
            actor, agreement.pk, {"risk_share": [*agreement.risk_share, dict(provision)]}
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            FieldError(
                e.field.removeprefix(prefix) if e.field.startswith(prefix) else e.field, e.message
            )
            for e in exc.errors
        ) from None


@transaction.atomic
def remove_risk_share_provision(
    actor: Actor, agreement_id: int | str, position: int, expected_version: Any = None
) -> Agreement:
    """Remove the provision at ``position`` (1 = the first).

    Give ``expected_version``: without it, a provision added or removed by someone else in
    the meantime could shift the positions.
    """
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    provisions = list(agreement.risk_share)
    if not 1 <= position <= len(provisions):
        raise ValidationFailed.single("position", f"There is no provision {position} to remove")
    del provisions[position - 1]
    return update_agreement(actor, agreement.pk, {"risk_share": provisions})
