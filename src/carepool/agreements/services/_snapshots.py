"""Agreements and contributions as plain values: what the audit trail and the API compare."""

from __future__ import annotations

from typing import Any

from carepool.agreements.models import Agreement, Contribution
from carepool.core.money import Money

TEXT_FIELDS = (
    "governing_board",
    "aims",
    "functions_covered",
    "services_in_scope",
    "staff_goods_accommodation",
    "charges_to_people",
    "overspend_protocol",
    "exit_terms",
    "audit_arrangements",
    "variation_procedure",
    "review_arrangements",
)
AGREEMENT_FIELDS = (
    "title",
    "area",
    "programme",
    "arrangement_type",
    "partners",
    "host",
    "auditors",
    "start_date",
    "end_date",
    "break_clause_date",
    "outcomes",
    "reporting_frequency",
    "risk_share",
    "overspend_threshold",
    "overspend_threshold_percent",
    *TEXT_FIELDS,
)


def agreement_snapshot(agreement: Agreement) -> dict[str, Any]:
    """The agreement as plain values, the form the audit trail and the API compare."""
    return {
        "title": agreement.title,
        "area": agreement.area.code,
        "programme": agreement.programme,
        "arrangement_type": agreement.arrangement_type,
        "partners": sorted(agreement.partnerships.values_list("organisation__code", flat=True)),
        "host": agreement.host.code,
        "auditors": sorted(agreement.auditors.values_list("code", flat=True)),
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        "break_clause_date": agreement.break_clause_date,
        "outcomes": list(agreement.outcomes),
        "reporting_frequency": agreement.reporting_frequency,
        "risk_share": agreement.risk_share,
        "overspend_threshold": None
        if agreement.overspend_threshold_pence is None
        else Money(agreement.overspend_threshold_pence),
        "overspend_threshold_percent": agreement.overspend_threshold_percent,
        **{f: getattr(agreement, f) for f in TEXT_FIELDS},
    }


def contribution_snapshot(c: Contribution) -> dict[str, Any]:
    return {
        "year": c.year,
        "partner": c.partner.code,
        "funding_stream": c.stream_code,
        "mandated": c.mandated,
        "original_amount": Money(c.original_amount_pence),
        "frequency": c.frequency,
    }
