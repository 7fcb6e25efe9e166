"""Organisations (partners): reference data any signed-in user may read."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from carepool.agreements.records import agreement_summary
from carepool.agreements.selectors import visible_agreements_with_partner
from carepool.api.context import actor_of, user_of
from carepool.api.pagination import Records, paginated
from carepool.api.responses import CREATE, WRITE, responses
from carepool.api.schemas import AuditEventOut, OrganisationDetail, OrganisationIn, OrganisationOut
from carepool.api.versions import if_match, tag
from carepool.audit.records import audit_event
from carepool.audit.selectors import history_for_object
from carepool.organisations import records, selectors, services

router = Router(tags=["organisations"])


@router.get(
    "/organisations",
    response=responses({200: list[OrganisationOut]}, (401, 422)),
    summary="List organisations",
)
@paginated
def list_organisations(
    request: HttpRequest,
    q: str = "",
    org_type: str = Query("", alias="type", description="An organisation type, like council"),
) -> Records[dict]:
    """Every organisation, by name. ``q`` searches names and matches codes; ``type`` filters.
    A page at a time (``page``, ``page_size``)."""
    return Records(selectors.organisations(q, org_type), records.organisation)


@router.get(
    "/organisations/{code}",
    response=responses({200: OrganisationDetail}, (401, 404)),
    summary="Get an organisation",
)
def get_organisation(request: HttpRequest, response: HttpResponse, code: str) -> dict:
    """One organisation, with the agreements it is a partner in that you may see. The
    ``ETag`` is its version."""
    org = selectors.get_organisation(code)
    tag(response, org.version)
    agreements = visible_agreements_with_partner(user_of(request), org.pk)
    return {
        **records.organisation(org),
        "agreements": [agreement_summary(a) for a in agreements],
    }


@router.post(
    "/organisations",
    response=responses({201: OrganisationOut}, CREATE),
    summary="Add an organisation",
)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status:
    """Add an organisation with its official code. Needs the finance officer role."""
    org = services.create_organisation(actor_of(request), payload.given())
    return Status(201, records.organisation(org))


@router.patch(
    "/organisations/{code}",
    response=responses({200: OrganisationOut}, WRITE),
    summary="Change an organisation",
)
def update_organisation(
    request: HttpRequest, response: HttpResponse, code: str, payload: OrganisationIn
) -> dict:
    """Change some of an organisation's fields; fields left out keep their values.
    ``If-Match``: 409 if the organisation changed since you read it."""
    org = services.update_organisation(actor_of(request), code, payload.given(), if_match(request))
    tag(response, org.version)
    return records.organisation(org)


@router.delete(
    "/organisations/{code}",
    response=responses({204: None}, WRITE),
    summary="Delete an organisation",
)
def delete_organisation(request: HttpRequest, code: str) -> Status:
    """Delete an organisation that is in no agreement and has no users."""
    services.delete_organisation(actor_of(request), code, if_match(request))
    return Status(204, None)


@router.get(
    "/organisations/{code}/history",
    response=responses({200: list[AuditEventOut]}, (401, 404)),
    summary="Organisation history",
)
@paginated
def organisation_history(request: HttpRequest, code: str) -> Records[dict]:
    """Every recorded change to the organisation, newest first. A page at a time (``page``,
    ``page_size``)."""
    org = selectors.get_organisation(code)
    return Records(history_for_object("organisation", org.code), audit_event)
