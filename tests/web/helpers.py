"""Helpers the web tests share."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from carepool.agreements.models import Agreement, Contribution, ContributionVariation
from carepool.agreements.services import agreement_snapshot
from carepool.audit.models import AuditEvent
from carepool.organisations.models import Organisation
from carepool.signoff.models import SignOff
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
        "approvals": sorted(SignOff.objects.values_list("pk", "withdrawn_at")),
        "organisations": sorted(Organisation.objects.values_list("code", "name", "org_type")),
        "audit_events": AuditEvent.objects.count(),
    }


def text(response: Any) -> str:
    return html_lib.unescape(response.content.decode())


def field_error(page: str, field_id: str) -> str:
    match = re.search(
        rf'id="{re.escape(field_id)}-error"[^>]*>\s*(?:<span[^>]*>Error: </span>)?(.*?)</span>',
        page,
        re.S,
    )
    assert match, f"no error message for {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def assert_refused(response: Any, field_id: str, message: str) -> str:
    """The message shows in the error summary, linked to the input, and beside the input."""
    page = text(response)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in page
    assert "<title>Error: " in page
    assert f'href="#{field_id}"' in page
    assert f'id="{field_id}"' in page  # the link leads somewhere
    assert message in field_error(page, field_id)
    return page
