"""Partnership agreements, their completeness, history and approvals."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from carepool.agreements import records, selectors, services
from carepool.api.context import actor_of, user_of
from carepool.api.pagination import Records, paginated
from carepool.api.responses import CREATE, WRITE, responses
from carepool.api.schemas import (
    AgreementDetail,
    AgreementIn,
    AgreementPatch,
    AgreementSummary,
    ApprovalOut,
    AuditEventOut,
    CompletenessOut,
    InvitationOut,
)
from carepool.api.versions import if_match, tag
from carepool.audit.records import audit_event

router = Router(tags=["agreements"])


@router.get(
    "/agreements",
    response=responses({200: list[AgreementSummary]}, (401,)),
    summary="List agreements",
)
@paginated
def list_agreements(request: HttpRequest) -> Records[dict]:
    """The agreements you may see: your organisation's, those you audit, or all for assurers.
    A page at a time (``page``, ``page_size``)."""
    return Records(
        selectors.visible_agreements(user_of(request)).order_by("area__name", "title", "pk"),
        records.agreement_summary,
    )


@router.get(
    "/agreements/{agreement_id}",
    response=responses({200: AgreementDetail}, (401, 404, 422)),
    summary="Get an agreement",
)
def get_agreement(request: HttpRequest, response: HttpResponse, agreement_id: int) -> dict:
    """All of an agreement's terms, its partners, host, auditors, risk share, approvals and
    what a complete agreement would still need. The ``ETag`` is the agreement's version."""
    agreement = selectors.get_agreement(user_of(request), agreement_id)
    tag(response, agreement.version)
    return records.agreement_detail(agreement)


@router.post(
    "/agreements",
    response=responses({201: AgreementDetail}, CREATE),
    summary="Create an agreement",
)
def create_agreement(request: HttpRequest, response: HttpResponse, payload: AgreementIn) -> Status:
    """Record a new agreement. Your organisation must be one of the partners; the other
    partners are invited and see the agreement once one of their signatories accepts."""
    agreement = services.create_agreement(actor_of(request), payload.given())
    tag(response, agreement.version)
    return Status(201, records.agreement_detail(agreement))


@router.patch(
    "/agreements/{agreement_id}",
    response=responses({200: AgreementDetail}, WRITE),
    summary="Change an agreement",
)
def update_agreement(
    request: HttpRequest, response: HttpResponse, agreement_id: int, payload: AgreementPatch
) -> dict:
    """Change some of an agreement's terms; fields left out keep their values, and only the
    fields that changed are written. Send ``If-Match`` with the ``ETag`` you read: if anyone
    changed the agreement since, the answer is 409 and nothing is saved. A change withdraws
    the partners' approvals; new partners are invited."""
    data = payload.given()
    confirm = bool(data.pop("confirm_area_change", False))
    agreement = services.update_agreement(
        actor_of(request), agreement_id, data, if_match(request), confirm_area_change=confirm
    )
    tag(response, agreement.version)
    return records.agreement_detail(agreement)


@router.delete(
    "/agreements/{agreement_id}",
    response=responses({204: None}, WRITE),
    summary="Delete an agreement",
)
def delete_agreement(request: HttpRequest, agreement_id: int) -> Status:
    """Delete an agreement that has no contributions. Its history is kept. ``If-Match``
    refuses the deletion (409) if the agreement changed since you read it."""
    services.delete_agreement(actor_of(request), agreement_id, if_match(request))
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
@paginated
def agreement_history(request: HttpRequest, agreement_id: int) -> Records[dict]:
    """Every recorded change to the agreement and everything in it, newest first: who, when,
    through which interface, and what changed. A page at a time (``page``, ``page_size``)."""
    return Records(selectors.history(user_of(request), agreement_id), audit_event)


@router.post(
    "/agreements/{agreement_id}/approvals",
    response=responses({201: ApprovalOut}, (401, 403, 404, 422, 503)),
    summary="Approve an agreement",
)
def approve_agreement(request: HttpRequest, agreement_id: int) -> Status:
    """Approve, for your organisation, the version of the agreement you read. Needs the
    signatory role. ``If-Match`` (the ``ETag`` you read) is required: the approval names that
    version and its ``content_hash``. A superseded version is refused (422) and nothing is
    recorded; any later change withdraws the approval, which stays in the history."""
    approval = services.approve_agreement(actor_of(request), agreement_id, if_match(request))
    return Status(201, records.approval(approval))


@router.get(
    "/invitations",
    response=responses({200: list[InvitationOut]}, (401,)),
    summary="Invitations to join agreements",
)
def list_invitations(request: HttpRequest) -> list[dict]:
    """Agreements your organisation has been invited to join and no signatory has answered.
    Until one accepts, this is all your organisation sees of them."""
    return [records.invitation(i) for i in selectors.invitations_for(user_of(request))]


@router.post(
    "/invitations/{agreement_id}/accept",
    response=responses({200: AgreementDetail}, (401, 403, 404, 422, 503)),
    summary="Accept an invitation",
)
def accept_invitation(request: HttpRequest, agreement_id: int) -> dict:
    """Join the agreement as a partner. Needs the signatory role."""
    actor = actor_of(request)
    services.accept_invitation(actor, agreement_id)
    return records.agreement_detail(selectors.get_agreement(actor.user, agreement_id))


@router.post(
    "/invitations/{agreement_id}/decline",
    response=responses({204: None}, (401, 403, 404, 422, 503)),
    summary="Decline an invitation",
)
def decline_invitation(request: HttpRequest, agreement_id: int) -> Status:
    """Decline to join: your organisation is taken off the agreement's partners. Needs the
    signatory role."""
    services.decline_invitation(actor_of(request), agreement_id)
    return Status(204, None)
