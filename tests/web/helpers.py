"""Helpers the web tests share."""

from __future__ import annotations

from typing import Any

from carepool.agreements.models import Agreement, Approval, Contribution, ContributionVariation
from carepool.agreements.services import agreement_snapshot
from carepool.audit.models import AuditEvent
from carepool.organisations.models import Organisation
from tests.factories import World


def state(world: World) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    return {
        "agreement": agreement_snapshot(agreement),
        "agreements": Agreement.objects.count(),
        "contributions": sorted(
            Contribution.objects.values_list("pk", "original_amount_pence", "frequency")
        ),
        "variations": ContributionVariation.objects.count(),
        "approvals": Approval.objects.count(),
        "organisations": sorted(Organisation.objects.values_list("code", "name", "org_type")),
        "audit_events": AuditEvent.objects.count(),
    }
