"""Contributions to an agreement, their variations and instalment schedules."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from carepool.agreements import records, selectors, services
from carepool.api.context import actor_of, user_of
from carepool.api.pagination import Records, paginated
from carepool.api.responses import WRITE, responses
from carepool.api.schemas import (
    AuditEventOut,
    ContributionDetail,
    ContributionIn,
    ContributionListOut,
    ContributionPatch,
    VariationCreated,
    VariationIn,
)
from carepool.api.versions import if_match, tag
from carepool.audit.records import audit_event
from carepool.core import parse

router = Router(tags=["contributions"])


@router.get(
    "/agreements/{agreement_id}/contributions",
    response=responses({200: ContributionListOut}, (401, 404, 422)),
    summary="Contributions to an agreement",
)
def list_contributions(request: HttpRequest, agreement_id: int, year: str | None = None) -> dict:
    """The agreement's contributions with totals per partner, per stream, mandated, additional
    and overall. With ``year`` (like 2024-25): that year only. Without: every year, with
    each year's totals in ``years`` (totals never add up different years)."""
    agreement = selectors.get_agreement(user_of(request), agreement_id)
    asked = parse.year(year) if year is not None else None
    summaries = selectors.year_summaries(agreement, [asked] if asked is not None else None)
    return {
        "year": asked.label if asked is not None else None,
        "contributions": [
            records.contribution(model, core)
            for summary in summaries
            for model, core in summary.contributions
        ],
        "totals": records.totals(summaries[0].totals) if asked is not None else None,
        "years": [records.year_totals(s) for s in summaries],
    }


@router.post(
    "/agreements/{agreement_id}/contributions",
    response=responses({201: ContributionDetail}, WRITE),
    summary="Add a contribution",
)
def add_contribution(
    request: HttpRequest, response: HttpResponse, agreement_id: int, payload: ContributionIn
) -> Status:
    """Record what a partner puts in for a year from a funding stream. Withdraws approvals.
    Only the partner's own finance officers, or the host's, record its contributions.
    ``If-Match`` takes the agreement's version."""
    contribution = services.add_contribution(
        actor_of(request), agreement_id, payload.given(), if_match(request)
    )
    tag(response, contribution.version)
    return Status(201, records.contribution_detail(contribution))


@router.get(
    "/contributions/{contribution_id}",
    response=responses({200: ContributionDetail}, (401, 404, 422)),
    summary="Get a contribution",
)
def get_contribution(request: HttpRequest, response: HttpResponse, contribution_id: int) -> dict:
    """One contribution with its variations and its instalment schedule. The ``ETag`` is the
    contribution's version."""
    contribution = selectors.get_contribution(user_of(request), contribution_id)
    tag(response, contribution.version)
    return records.contribution_detail(contribution)


@router.get(
    "/contributions/{contribution_id}/history",
    response=responses({200: list[AuditEventOut]}, (401, 404, 422)),
    summary="Contribution history",
)
@paginated
def contribution_history(request: HttpRequest, contribution_id: int) -> Records[dict]:
    """Every recorded change to the contribution and its variations, newest first. A page at
    a time (``page``, ``page_size``)."""
    return Records(selectors.contribution_history(user_of(request), contribution_id), audit_event)


@router.patch(
    "/contributions/{contribution_id}",
    response=responses({200: ContributionDetail}, WRITE),
    summary="Change a contribution's frequency",
)
def update_contribution(
    request: HttpRequest, response: HttpResponse, contribution_id: int, payload: ContributionPatch
) -> dict:
    """Change how the contribution is paid. Amounts change only through variations. A change
    withdraws approvals. ``If-Match``: 409 if the contribution changed since you read it."""
    contribution = services.update_contribution(
        actor_of(request), contribution_id, payload.given(), if_match(request)
    )
    tag(response, contribution.version)
    return records.contribution_detail(contribution)


@router.delete(
    "/contributions/{contribution_id}",
    response=responses({204: None}, WRITE),
    summary="Remove a contribution",
)
def delete_contribution(request: HttpRequest, contribution_id: int) -> Status:
    """Remove a contribution recorded by mistake. One with variations keeps its history."""
    services.delete_contribution(actor_of(request), contribution_id, if_match(request))
    return Status(204, None)


@router.post(
    "/contributions/{contribution_id}/variations",
    response=responses({201: VariationCreated}, WRITE),
    summary="Vary a contribution",
)
def vary_contribution(
    request: HttpRequest, response: HttpResponse, contribution_id: int, payload: VariationIn
) -> Status:
    """Change a contribution from an effective date, with a reason. Give ``change`` (plus or
    minus pounds) or ``new_amount``. History is never overwritten; approvals are withdrawn.
    ``If-Match`` takes the contribution's version."""
    actor = actor_of(request)
    variation = services.vary_contribution(
        actor, contribution_id, payload.given(), if_match(request)
    )
    contribution = selectors.get_contribution(actor.user, contribution_id)
    tag(response, contribution.version)
    return Status(
        201,
        {
            **records.variation(variation),
            "contribution": records.contribution_detail(contribution),
        },
    )
