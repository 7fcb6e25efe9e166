"""Yearly plans: list, read, start, change schemes, declare, justify, submit, sign, diff, and
the national list of every area's plan status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from carepool.api.context import actor_of, user_of
from carepool.api.pagination import Records, paginated
from carepool.api.responses import CREATE, READ, WRITE, responses
from carepool.api.schemas import Pounds, YesNo, _Input
from carepool.api.versions import if_match, tag
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.plans import records, selectors, services

router = Router(tags=["plans"])


class FundingIn(_Input):
    stream: str | None = Field(None, description="A funding stream code of the plan's year")
    amount: Pounds = None
    amount_pence: Any = Field(
        None,
        description="Whole pence, instead of amount (a line read from the API carries both; "
        "when both are sent they must agree)",
    )


class CommissionerIn(_Input):
    organisation: str | None = Field(None, description="A partner's code")
    percent: Any = Field(None, description='Share in percent, like "60" (shares sum to 100)')


class OutputIn(_Input):
    description: str | None = None
    quantity: Any = Field(None, description='A number as text, like "12000"')
    unit: str | None = None


class MetricIn(_Input):
    metric: str | None = Field(None, description="One of the year's metric ids")
    change: Any = Field(None, description='Expected change, signed, like "-2.5"')
    note: str | None = None


class SchemeIn(_Input):
    scheme_id: str | None = Field(None, description="Stable across versions, like S01")
    name: str | None = None
    description: str | None = None
    scheme_type: str | None = Field(None, description="A scheme type code of the year")
    sub_type: str | None = None
    area_of_spend: str | None = None
    commissioners: list[CommissionerIn] | None = None
    provider_type: str | None = None
    funding: list[FundingIn] | None = None
    new: YesNo = None
    outputs: list[OutputIn] | None = None
    metrics: list[MetricIn] | None = None
    total: Any = Field(
        None, description="Ignored: the scheme's total as read; it is worked out from funding"
    )


class DeclarationIn(_Input):
    id: str | None = Field(None, description="The declaration's requirement id")
    answer: YesNo = None
    comment: str | None = None


class PlanIn(_Input):
    agreement_id: int | None = None
    year: str | None = Field(None, description="Financial year, like 2024-25")
    schemes: list[SchemeIn] | None = None
    declarations: list[DeclarationIn] | None = None


class JustificationIn(_Input):
    requirement: str | None = None
    justification: str | None = None


class SignOffIn(_Input):
    stage: str | None = Field(None, description="partner, board or national")
    version: Any = Field(None, description="The version number you read")
    content_hash: str | None = Field(None, description="The content hash you read")
    outcome: str | None = Field(
        None, description="approved (default), approved_with_conditions or not_approved"
    )
    reasons: str | None = None


class PlanSummaryOut(Schema):
    id: int
    area: dict[str, str]
    year: str
    programme: str
    agreement_id: int
    version: int
    current_version: int
    content_hash: str
    state: str
    state_label: str
    submitted: bool


class PlanDetailOut(PlanSummaryOut):
    shown_version: dict[str, Any]
    content: dict[str, Any]
    checklist: dict[str, Any]
    sign_off: dict[str, Any]
    sign_offs: list[dict[str, Any]]
    versions: list[dict[str, Any]]


class ChecklistOut(Schema):
    plan_id: int
    shown_version: dict[str, Any]
    checklist: dict[str, Any]


class SignOffOut(Schema):
    id: int
    stage: str
    stage_label: str
    organisation: dict[str, str]
    signed_by: str
    version: int
    content_hash: str
    outcome: str
    outcome_label: str
    reasons: str
    signed_at: str
    withdrawn: bool
    withdrawn_because: str


class NationalOut(Schema):
    year: str
    deadline: date | None
    items: list[dict[str, Any]]
    overdue: list[str]


def _scheme(data: dict[str, Any]) -> dict[str, Any]:
    """A scheme as the core reads it. A scheme read from the API can be sent back as it was
    read: its ``total`` is worked out again rather than read, and a funding line that carries
    both ``amount`` and ``amount_pence`` must give the same money in both."""
    data.pop("total", None)
    for position, line in enumerate(data.get("funding") or [], start=1):
        if line.get("amount") is None or line.get("amount_pence") is None:
            continue
        try:
            same = Decimal(str(line["amount_pence"])) == parse.money(line["amount"], "").pence
        except (ValidationFailed, InvalidOperation):
            same = False
        if not same:
            raise ValidationFailed.single(
                f"funding[{position}].amount",
                f"'{line['amount']}' is not the same money as amount_pence "
                f"{line['amount_pence']}; send one of them",
            )
        del line["amount"]
    return data


def _detail(response: HttpResponse, plan_id: int, user: Any, version: int | None = None) -> dict:
    plan = selectors.get_plan(user, plan_id)
    tag(response, plan.version)
    return records.plan_detail(plan, selectors.version_shown(plan, version))


@router.get(
    "/plans", response=responses({200: list[PlanSummaryOut]}, (401, 422)), summary="List plans"
)
@paginated
def list_plans(request: HttpRequest, year: str | None = None) -> Records[dict]:
    """The plans you may see, optionally of one year. A page at a time."""
    plans = selectors.visible_plans(user_of(request)).order_by("year", "area__name", "pk")
    if year:
        plans = plans.filter(year=parse.year(year).label)
    return Records(plans, records.plan_summary)


@router.get(
    "/plans/national",
    response=responses({200: NationalOut}, (401, 403, 422)),
    summary="Every area's plan status",
)
def national_plans(request: HttpRequest, year: str) -> dict:
    """For national assurers and auditors: every area's plan status for the year, and the
    areas with no agreed plan by the year's deadline (``overdue``)."""
    fy = parse.year(year)
    rows, deadline = selectors.national_statuses(user_of(request), fy, date.today())
    return records.national(fy.label, rows, deadline)


@router.get(
    "/plans/{plan_id}", response=responses({200: PlanDetailOut}, READ), summary="Get a plan"
)
def get_plan(
    request: HttpRequest, response: HttpResponse, plan_id: int, version: int | None = None
) -> dict:
    """A plan version (default: the current one) with its schemes, checklist, sign-offs and
    versions. The ``ETag`` is the plan's record version (for ``If-Match`` on writes)."""
    return _detail(response, plan_id, user_of(request), version)


@router.post("/plans", response=responses({201: PlanDetailOut}, CREATE), summary="Start a plan")
def create_plan(request: HttpRequest, response: HttpResponse, payload: PlanIn) -> Status:
    """Start the area's plan for a year under a pooled fund agreement, as version 1, with the
    schemes given (or none). Every scheme is checked; any problem refuses the whole plan."""
    data = payload.given()
    if data.get("agreement_id") is None:
        raise ValidationFailed.single(
            "agreement_id", "Give the id of the pooled fund agreement the plan is under"
        )
    plan = services.create_plan(
        actor_of(request),
        data["agreement_id"],
        data.get("year"),
        [_scheme(s) for s in data.get("schemes") or []],
        data.get("declarations") or [],
    )
    return Status(201, _detail(response, plan.pk, user_of(request)))


@router.put(
    "/plans/{plan_id}/schemes/{scheme_id}",
    response=responses({200: PlanDetailOut}, WRITE),
    summary="Add or replace a scheme",
)
def put_scheme(
    request: HttpRequest, response: HttpResponse, plan_id: int, scheme_id: str, payload: SchemeIn
) -> dict:
    """Add the scheme, or replace the one with this id. If anyone has signed the current
    version, the change makes a new version and withdraws their sign-offs."""
    data = _scheme({**payload.given(), "scheme_id": scheme_id})
    services.put_scheme(actor_of(request), plan_id, data, if_match(request))
    return _detail(response, plan_id, user_of(request))


@router.delete(
    "/plans/{plan_id}/schemes/{scheme_id}",
    response=responses({200: PlanDetailOut}, WRITE),
    summary="Remove a scheme",
)
def remove_scheme(
    request: HttpRequest, response: HttpResponse, plan_id: int, scheme_id: str
) -> dict:
    """Take a scheme out of the plan (a new version if the current one has been signed)."""
    services.remove_scheme(actor_of(request), plan_id, scheme_id, if_match(request))
    return _detail(response, plan_id, user_of(request))


@router.post(
    "/plans/{plan_id}/declarations",
    response=responses({200: PlanDetailOut}, WRITE),
    summary="Answer a declaration",
)
def declare(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: DeclarationIn
) -> dict:
    """Answer a national condition that no machine can check: yes or no, with a comment."""
    data = payload.given()
    services.declare(
        actor_of(request),
        plan_id,
        data.get("id") or "",
        data.get("answer"),
        data.get("comment"),
        if_match(request),
    )
    return _detail(response, plan_id, user_of(request))


@router.post(
    "/plans/{plan_id}/justifications",
    response=responses({200: PlanDetailOut}, WRITE),
    summary="Justify a failed check",
)
def justify(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: JustificationIn
) -> dict:
    """Record why a failed check may go to sign-off, where the year's rules allow that."""
    data = payload.given()
    services.justify(
        actor_of(request),
        plan_id,
        data.get("requirement") or "",
        data.get("justification"),
        if_match(request),
    )
    return _detail(response, plan_id, user_of(request))


@router.post(
    "/plans/{plan_id}/submit",
    response=responses({200: PlanDetailOut}, WRITE),
    summary="Submit for sign-off",
)
def submit(request: HttpRequest, response: HttpResponse, plan_id: int) -> dict:
    """Send the current version for sign-off: refused (422, each failure listed) while any
    check fails without a recorded justification."""
    services.submit(actor_of(request), plan_id, if_match(request))
    return _detail(response, plan_id, user_of(request))


@router.post(
    "/plans/{plan_id}/sign-offs",
    response=responses({201: SignOffOut}, WRITE),
    summary="Sign a plan version",
)
def sign(request: HttpRequest, plan_id: int, payload: SignOffIn) -> Status:
    """Approve exactly the version (and content hash) you read: a partner's signatory, then
    the board officer, then the national assurer with the outcome."""
    data = payload.given()
    row = services.sign_plan(
        actor_of(request),
        plan_id,
        data.get("stage") or "partner",
        data.get("version"),
        data.get("content_hash"),
        data.get("outcome") or "approved",
        data.get("reasons") or "",
    )
    return Status(201, records.sign_off(row))


@router.get(
    "/plans/{plan_id}/checklist",
    response=responses({200: ChecklistOut}, READ),
    summary="Check a plan",
)
def checklist(request: HttpRequest, plan_id: int, version: int | None = None) -> dict:
    """Each check of the plan's year, its verdict, the figures it used and what would fix a
    failure."""
    plan = selectors.get_plan(user_of(request), plan_id)
    return records.checklist_view(plan, selectors.version_shown(plan, version))


@router.get(
    "/plans/{plan_id}/diff",
    response=responses({200: dict[str, Any]}, READ),
    summary="Compare two versions",
)
def diff(request: HttpRequest, plan_id: int, old: int, new: int) -> dict:
    """What changed from version ``old`` to version ``new``, scheme by scheme."""
    plan = selectors.get_plan(user_of(request), plan_id)
    return records.diff_view(plan, old, new)[1]
