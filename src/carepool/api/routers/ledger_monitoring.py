"""The ledger in the API: monthly monitoring (budget, actual, commitments, forecast outturn and
variance), the lines behind a figure, the national report, and forecast overrides, variance
explanations and action plans (docs/monitoring.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from carepool.api.context import actor_of, user_of
from carepool.api.pagination import Records, paginated
from carepool.api.responses import READ, responses
from carepool.api.schemas import Pounds, _Input
from carepool.core.money import Money
from carepool.ledger import monitoring_records as records
from carepool.ledger import monitoring_services as services
from carepool.ledger.monitoring import lines_of, monitoring_of, national_report, parse_month

router = Router(tags=["Ledger"])

# A write under an agreement: besides refusals of the input, the agreement may not exist.
POSTED = (400, 401, 403, 404, 422, 503)

YEAR = "Financial year, like 2024-25"
MONTH = "A month, like 2024-10"


def _as_at(value: str | None) -> int | None:
    return None if not value else parse_month(value)


@router.get(
    "/agreements/{agreement_id}/ledger/monitoring",
    response=responses({200: dict[str, Any]}, READ),
    summary="Monthly monitoring of an agreement",
)
def get_monitoring(
    request: HttpRequest, agreement_id: int, year: str, as_at: str | None = None
) -> dict[str, Any]:
    """Per scheme and per partner: budget, actual to date, commitments, forecast outturn,
    variance (budget minus forecast: positive is an underspend) and the forecast's method, with
    the budget's source, the overspend flag, and the figures by month for a chart. ``as_at``
    (like 2024-10) defaults to the latest month with spend or closed."""
    m = monitoring_of(user_of(request), agreement_id, year, _as_at(as_at))
    return records.monitoring(m)


@router.get(
    "/agreements/{agreement_id}/ledger/lines",
    response=responses({200: list[dict[str, Any]]}, READ),
    summary="The ledger lines behind a figure",
)
@paginated
def get_lines(
    request: HttpRequest,
    agreement_id: int,
    year: str,
    scheme: str | None = None,
    partner: str | None = None,
    month: str | None = None,
    figure: str = "actual",
) -> Records[dict[str, Any]]:
    """The transfers behind a monitoring figure, newest first, a page at a time: for the year
    or a ``month``, narrowed to a ``scheme`` and/or ``partner`` (organisation code);
    ``figure`` is ``actual`` (default) or ``commitments``. ``amount`` is what each line adds
    to the figure (a refund is negative)."""
    rows = lines_of(
        user_of(request),
        agreement_id,
        scheme=scheme,
        partner=partner,
        month=month,
        year=year,
        figure=figure,
    )
    return Records(rows, records.ledger_line)


@router.get(
    "/ledger/national",
    response=responses({200: dict[str, Any]}, READ),
    summary="The national report",
)
def get_national(request: HttpRequest, year: str, as_at: str | None = None) -> dict[str, Any]:
    """Every agreement you may see (national assurers and auditors: all): budget, actual and
    forecast by scheme for the year, as at one month for all."""
    return records.national(national_report(user_of(request), year, _as_at(as_at)))


class OverrideIn(_Input):
    year: str | None = Field(None, description=YEAR)
    scheme: str | None = Field(None, description="The scheme's code, like S01")
    amount: Pounds = None
    reason: str | None = None


class OverrideClearIn(_Input):
    year: str | None = Field(None, description=YEAR)
    scheme: str | None = Field(None, description="The scheme's code, like S01")


class VarianceIn(_Input):
    month: str | None = Field(None, description=MONTH)
    scheme: str | None = Field(None, description="The scheme's code, like S01")
    text: str | None = None


class ActionPlanIn(_Input):
    month: str | None = Field(None, description=MONTH)
    text: str | None = None


@router.post(
    "/agreements/{agreement_id}/ledger/forecast-overrides",
    response=responses({201: dict[str, Any]}, POSTED),
    summary="Set a scheme's forecast outturn",
)
def post_override(request: HttpRequest, agreement_id: int, payload: OverrideIn) -> Status:
    """Set (or replace) a scheme's forecast outturn for the year, with the reason."""
    data = payload.given()
    row = services.set_override(
        actor_of(request),
        agreement_id,
        year=data.get("year"),
        scheme=data.get("scheme"),
        amount=data.get("amount"),
        reason=data.get("reason"),
    )
    return Status(
        201,
        {
            "year": row.year,
            "scheme": row.scheme_code,
            "amount": records.money(Money(row.amount_pence)),
            "reason": row.reason,
        },
    )


@router.post(
    "/agreements/{agreement_id}/ledger/forecast-overrides/clear",
    response=responses({200: dict[str, Any]}, POSTED),
    summary="Remove a scheme's forecast override",
)
def clear_override(request: HttpRequest, agreement_id: int, payload: OverrideClearIn) -> dict:
    """The scheme's forecast goes back to the method its figures give."""
    data = payload.given()
    services.clear_override(
        actor_of(request), agreement_id, year=data.get("year"), scheme=data.get("scheme")
    )
    return {"cleared": True}


@router.post(
    "/agreements/{agreement_id}/ledger/variance-notes",
    response=responses({201: dict[str, Any]}, POSTED),
    summary="Explain a scheme's variance for a month",
)
def post_variance(request: HttpRequest, agreement_id: int, payload: VarianceIn) -> Status:
    """Record (or replace) why a scheme's figures differ from its budget, for one month."""
    data = payload.given()
    row = services.explain_variance(
        actor_of(request),
        agreement_id,
        month=data.get("month"),
        scheme=data.get("scheme"),
        text=data.get("text"),
    )
    return Status(
        201, {"month": records.month_text(row.month), "scheme": row.scheme_code, "text": row.text}
    )


@router.post(
    "/agreements/{agreement_id}/ledger/action-plans",
    response=responses({201: dict[str, Any]}, POSTED),
    summary="Record the action plan for a month",
)
def post_action_plan(request: HttpRequest, agreement_id: int, payload: ActionPlanIn) -> Status:
    """The pool manager's action plan for a month: required when the pool is flagged."""
    data = payload.given()
    row = services.record_action_plan(
        actor_of(request), agreement_id, month=data.get("month"), text=data.get("text")
    )
    return Status(201, records.action_plan(row))
