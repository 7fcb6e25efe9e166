"""Partnership agreements, their completeness, history and approvals."""

from django.http import HttpRequest
from ninja import Router, Status

from carepool.agreements import records, selectors, services
from carepool.api.context import actor_of, user_of
from carepool.api.responses import CREATE, WRITE, responses
from carepool.api.schemas import (
    AgreementDetail,
    AgreementIn,
    AgreementSummary,
    ApprovalOut,
    AuditEventOut,
    CompletenessOut,
)
from carepool.audit.records import audit_event

router = Router(tags=["agreements"])


@router.get(
    "/agreements",
    response=responses({200: list[AgreementSummary]}, (401,)),
    summary="List agreements",
)
def list_agreements(request: HttpRequest) -> list[dict]:
    """The agreements you may see: your organisation's, those you audit, or all for assurers."""
    return [records.agreement_summary(a) for a in selectors.visible_agreements(user_of(request))]


@router.get(
    "/agreements/{agreement_id}",
    response=responses({200: AgreementDetail}, (401, 404, 422)),
    summary="Get an agreement",
)
def get_agreement(request: HttpRequest, agreement_id: int) -> dict:
    """All of an agreement's terms, its partners, host, auditors, risk share, approvals and
    what a complete agreement would still need."""
    return records.agreement_detail(selectors.get_agreement(user_of(request), agreement_id))


@router.post(
    "/agreements",
    response=responses({201: AgreementDetail}, CREATE),
    summary="Create an agreement",
)
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Status:
    """Record a new agreement. Your organisation must be one of the partners."""
    agreement = services.create_agreement(actor_of(request), payload.given())
    return Status(201, records.agreement_detail(agreement))


@router.patch(
    "/agreements/{agreement_id}",
    response=responses({200: AgreementDetail}, WRITE),
    summary="Change an agreement",
)
def update_agreement(request: HttpRequest, agreement_id: int, payload: AgreementIn) -> dict:
    """Change some of an agreement's terms; fields left out keep their values. A change
    withdraws the partners' approvals."""
    agreement = services.update_agreement(actor_of(request), agreement_id, payload.given())
    return records.agreement_detail(agreement)


@router.delete(
    "/agreements/{agreement_id}",
    response=responses({204: None}, WRITE),
    summary="Delete an agreement",
)
def delete_agreement(request: HttpRequest, agreement_id: int) -> Status:
    """Delete an agreement that has no contributions. Its history is kept."""
    services.delete_agreement(actor_of(request), agreement_id)
    return Status(204, None)


@router.get(
    "/agreements/{agreement_id}/completeness",
    response=responses({200: CompletenessOut}, (401, 404, 422)),
    summary="Agreement completeness",
)
def agreement_completeness(request: HttpRequest, agreement_id: int) -> dict:
    """Each item a complete pooled fund agreement states: present, missing or not applicable."""
    agreement = selectors.get_agreement(user_of(request), agreement_id)
    return records.completeness(selectors.completeness_of(agreement))


@router.get(
    "/agreements/{agreement_id}/history",
    response=responses({200: list[AuditEventOut]}, (401, 404, 422)),
    summary="Agreement history",
)
def agreement_history(request: HttpRequest, agreement_id: int) -> list[dict]:
    """Every recorded change to the agreement and everything in it, newest first: who, when,
    through which interface, and what changed."""
    return [audit_event(e) for e in selectors.history(user_of(request), agreement_id)]


@router.post(
    "/agreements/{agreement_id}/approvals",
    response=responses({201: ApprovalOut}, (401, 403, 404, 422)),
    summary="Approve an agreement",
)
def approve_agreement(request: HttpRequest, agreement_id: int) -> Status:
    """Approve the agreement as it stands, for your organisation. Needs the signatory role."""
    approval = services.approve_agreement(actor_of(request), agreement_id)
    return Status(201, records.approval(approval))
