"""The ledger in the API: Single ledger entries (spend, refunds, commitments), contributions falling due, period close and re-open, corrections, and the integrity check (docs/ledger.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from carepool.accounts.permissions import NotFound
from carepool.agreements.selectors import get_agreement
from carepool.api.context import actor_of, user_of
from carepool.api.responses import READ, WRITE, responses
from carepool.api.schemas import Pounds, _Input
from carepool.core import ledger as core
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.ledger_input import month_text, parse_month
from carepool.ledger import entry_records as records
from carepool.ledger import services
from carepool.ledger.entry_selectors import (
    commitments_of,
    corrections_of,
    get_transfer,
    month_states,
)
from carepool.ledger.integrity import check_for
from carepool.ledger.models import Scheme

router = Router(tags=["Ledger"])

BASE = "/agreements/{agreement_id}/ledger"


class EntryIn(_Input):
    date: str | None = Field(None, description="Like 2024-10-15")
    scheme: str | None = Field(None, description="A scheme code of the pool, like S01")
    partner: str | None = Field(None, description="The responsible partner's code")
    amount: Pounds = Field(None, description="Pounds, signed: negative is a refund")
    provider: str | None = None
    description: str | None = None
    reference: str | None = Field(None, description="The partner's own invoice or journal no.")


class CommitmentIn(_Input):
    date: str | None = None
    scheme: str | None = None
    partner: str | None = None
    amount: Pounds = Field(None, description="Pounds, more than 0")
    reference: str | None = Field(None, description="The order number, unique in the agreement")
    provider: str | None = Field(None, description="Who the order is placed with")
    description: str | None = None


class CancelIn(_Input):
    date: str | None = Field(None, description="Default: today")
    reason: str | None = None


class ContributionsIn(_Input):
    up_to: str | None = Field(None, description="Post what falls due by this date, like 2024-10-31")


class ReopenIn(_Input):
    reason: str | None = Field(None, description="Why the month is re-opened (required)")


class CorrectionIn(_Input):
    transfer_id: int | None = Field(None, description="The spend line in a closed month")
    date: str | None = Field(None, description="A date in an open month")
    amount: Pounds = Field(None, description="The change to spend, signed, like -120.00")
    reason: str | None = None
    scheme: str | None = Field(None, description="Default: the line's scheme")
    partner: str | None = Field(None, description="Default: the line's partner")


class SchemeIn(_Input):
    code: str | None = None
    name: str | None = None


class AccountOut(Schema):
    id: int
    kind: str
    scheme: str
    partner: str
    stream: str
    label: str


class LineOut(Schema):
    id: int
    agreement_id: int
    entry: int | None
    kind: str
    date: str
    month: str
    debit: AccountOut
    credit: AccountOut
    amount: str
    amount_pence: int
    spend: str
    spend_pence: int
    provider: str
    description: str
    reference: str
    order: str
    batch_id: int | None
    line: int | None
    reverses: int | None
    corrects: int | None
    posted_at: str


class LineDetailOut(LineOut):
    corrections: list[LineOut]


class MonthOut(Schema):
    month: str
    name: str
    state: str
    has_rows: bool = False
    closed_at: str | None
    closed_by: str | None


class MonthsOut(Schema):
    items: list[MonthOut]


class CommitmentOut(Schema):
    reference: str
    transfer_id: int
    date: str
    scheme: str
    partner: str
    description: str
    amount: str
    released: str
    remaining: str
    remaining_pence: int


class CommitmentsOut(Schema):
    items: list[CommitmentOut]


class PostedOut(Schema):
    posted: int
    up_to: str


class SchemeOut(Schema):
    code: str
    name: str


class SchemesOut(Schema):
    items: list[SchemeOut]


class CheckOut(Schema):
    agreement_id: int | None
    ok: bool
    checked: dict[str, int]
    problems: int
    differences: list[dict[str, Any]]
    bad_transfers: list[dict[str, Any]]
    batch_differences: list[dict[str, Any]]


def _line(request: HttpRequest, transfer_id: int) -> dict[str, Any]:
    return records.transfer_record(get_transfer(user_of(request), transfer_id))


@router.post(
    f"{BASE}/entries", response=responses({201: LineOut}, WRITE), summary="Record spend or a refund"
)
def post_entry(request: HttpRequest, agreement_id: int, payload: EntryIn) -> Status:
    """Record one spend line; a negative amount is a refund or credit note. Finance officers
    of a partner; the month of the date must be open."""
    row = services.post_actual(actor_of(request), agreement_id, payload.given())
    return Status(201, _line(request, row.pk))


@router.get(
    f"{BASE}/entries/{{transfer_id}}",
    response=responses({200: LineDetailOut}, READ),
    summary="Get a ledger line",
)
def get_entry(request: HttpRequest, agreement_id: int, transfer_id: int) -> dict[str, Any]:
    """One ledger line of the agreement, with the corrections posted against it."""
    row = get_transfer(user_of(request), transfer_id)
    if row.agreement_id != agreement_id:
        raise NotFound("No such ledger line")
    return {
        **records.transfer_record(row),
        "corrections": [records.transfer_record(c) for c in corrections_of(row)],
    }


@router.get(
    f"{BASE}/commitments",
    response=responses({200: CommitmentsOut}, READ),
    summary="List commitments",
)
def list_commitments(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    """The agreement's commitments with what each has had released and what remains."""
    agreement = get_agreement(user_of(request), agreement_id)
    return {"items": [records.commitment_record(c) for c in commitments_of(agreement.pk)]}


@router.post(
    f"{BASE}/commitments",
    response=responses({201: LineOut}, WRITE),
    summary="Record a commitment",
)
def post_commitment(request: HttpRequest, agreement_id: int, payload: CommitmentIn) -> Status:
    """Record an order placed: its reference must be new to the agreement."""
    row = services.record_commitment(actor_of(request), agreement_id, payload.given())
    return Status(201, _line(request, row.pk))


@router.post(
    f"{BASE}/commitments/{{reference}}/cancel",
    response=responses({201: LineOut}, WRITE),
    summary="Cancel a commitment",
)
def cancel_commitment(
    request: HttpRequest, agreement_id: int, reference: str, payload: CancelIn
) -> Status:
    """Release what remains of the commitment (posted as a release line)."""
    row = services.cancel_commitment(actor_of(request), agreement_id, reference, payload.given())
    return Status(201, _line(request, row.pk))


@router.post(
    f"{BASE}/contributions",
    response=responses({200: PostedOut}, WRITE),
    summary="Post contributions fallen due",
)
def post_contributions(request: HttpRequest, agreement_id: int, payload: ContributionsIn) -> dict:
    """Post every contribution instalment due by ``up_to`` that is not posted yet, and the
    difference for any a variation has changed. Safe to repeat: it then posts nothing."""
    up_to = payload.given().get("up_to")
    if not up_to:
        raise ValidationFailed.single("up_to", "Enter a date, like 2024-10-31")
    day = parse.required_day(up_to, "up_to")
    posted = services.post_due_contributions(actor_of(request), agreement_id, day)
    return {"posted": posted, "up_to": day.isoformat()}


@router.get(f"{BASE}/months", response=responses({200: MonthsOut}, READ), summary="List months")
def list_months(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    """The agreement's months that have ended, newest first, each open or closed."""
    agreement = get_agreement(user_of(request), agreement_id)
    states = month_states(agreement, timezone.localdate())
    return {"items": [records.month_record(s) for s in states]}


@router.post(
    f"{BASE}/months/{{month}}/close",
    response=responses({201: MonthOut}, WRITE),
    summary="Close a month",
)
def close_month(request: HttpRequest, agreement_id: int, month: str) -> Status:
    """Close the month (like 2024-10): nothing can be posted into it afterwards. The host
    partner's finance officers; months close in order."""
    row = services.close_month(actor_of(request), agreement_id, month)
    return Status(201, records.closed_month_record(row))


@router.post(
    f"{BASE}/months/{{month}}/reopen",
    response=responses({200: MonthOut}, WRITE),
    summary="Re-open a month",
)
def reopen_month(request: HttpRequest, agreement_id: int, month: str, payload: ReopenIn) -> dict:
    """Re-open the latest closed month, with a reason. The host partner's signatories."""
    services.reopen_month(
        actor_of(request), agreement_id, month, payload.given().get("reason") or ""
    )
    key = parse_month(month)
    agreement = get_agreement(user_of(request), agreement_id)
    for state in month_states(agreement, timezone.localdate()):
        if state.month == key:
            return records.month_record(state)
    return {  # a month not yet ended (re-opened after the clock was wound back)
        "month": month_text(key),
        "name": core.month_name(key),
        "state": "open",
        "has_rows": False,
        "closed_at": None,
        "closed_by": None,
    }


@router.post(
    f"{BASE}/corrections",
    response=responses({201: LineOut}, WRITE),
    summary="Correct a line in a closed month",
)
def post_correction(request: HttpRequest, agreement_id: int, payload: CorrectionIn) -> Status:
    """Post an adjusting entry in an open month, linked to the spend line it corrects."""
    data = payload.given()
    transfer_id = data.pop("transfer_id", None)
    if transfer_id is None:
        raise ValidationFailed.single("transfer_id", "Give the id of the line to correct")
    line = get_transfer(user_of(request), transfer_id)
    if line.agreement_id != agreement_id:
        raise ValidationFailed.single(
            "transfer_id", f"Line {transfer_id} is not in agreement {agreement_id}"
        )
    row = services.correct(actor_of(request), transfer_id, data)
    return Status(201, _line(request, row.pk))


@router.get(f"{BASE}/schemes", response=responses({200: SchemesOut}, READ), summary="List schemes")
def list_schemes(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    """The schemes the ledger may spend on (from the year's plan, or registered)."""
    agreement = get_agreement(user_of(request), agreement_id)
    return {"items": [records.scheme_record(s) for s in Scheme.objects.filter(agreement=agreement)]}


@router.post(
    f"{BASE}/schemes", response=responses({201: SchemeOut}, WRITE), summary="Register a scheme"
)
def register_scheme(request: HttpRequest, agreement_id: int, payload: SchemeIn) -> Status:
    """Name a scheme in the ledger's register (for a pool without a yearly plan)."""
    scheme = services.register_scheme(actor_of(request), agreement_id, payload.given())
    return Status(201, records.scheme_record(scheme))


@router.get(
    "/ledger/check",
    response=responses({200: CheckOut}, (401, 403, 404, 422)),
    summary="Check the ledger",
)
def check(request: HttpRequest, agreement: int | None = None) -> dict[str, Any]:
    """Recompute every stored balance from the ledger rows and report every difference, row
    breaking the rules and import batch that does not add up. An agreement's auditors and
    its host's finance officers check that agreement; national assurers check any, or all
    at once (no ``agreement``)."""
    return check_for(user_of(request), agreement).to_dict()
