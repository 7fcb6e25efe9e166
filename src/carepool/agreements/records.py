"""Agreements, contributions and the year's funding streams as plain, JSON-ready values.

The one shape both the API (``carepool.api.schemas``) and the CLI's ``--json`` (docs/cli.md)
give; the interfaces add only what is their own. Money is a pounds string ("1234.50"), never a
float; dates and times are ISO 8601 strings; financial years are labels ("2024-25").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from carepool.agreements import selectors, signing
from carepool.agreements.models import (
    Agreement,
    AgreementPartner,
    Contribution,
    ContributionVariation,
)
from carepool.agreements.warnings import area_warnings
from carepool.audit.records import iso
from carepool.core.agreements import ArrangementType, CompletenessReport
from carepool.core.contributions import Contribution as CoreContribution
from carepool.core.contributions import ContributionTotals, Instalment
from carepool.core.money import Money
from carepool.core.rules import FundingStream, Programme, YearRules
from carepool.organisations.records import area_ref, organisation_ref
from carepool.signoff.models import SignOff

# -- the year's rules ------------------------------------------------------------------------


def funding_stream(stream: FundingStream) -> dict[str, Any]:
    return {
        "code": stream.code,
        "name": stream.name,
        "nature": stream.nature.value,
        "contributors": sorted(t.value for t in stream.contributors),
    }


def funding_streams(rules: YearRules) -> dict[str, Any]:
    return {
        "year": rules.year.label,
        "programme": rules.programme.label,
        "provisional": rules.provisional,
        "published_year": (rules.published_year or rules.year).label,
        "note": rules.provisional_note,
        "source": rules.source,
        "funding_streams": [funding_stream(s) for s in rules.funding_streams],
    }


# -- agreements ------------------------------------------------------------------------------


def agreement_summary(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "area": area_ref(agreement.area),
        "programme": agreement.programme,
        "programme_label": Programme(agreement.programme).label,
        "arrangement_type": agreement.arrangement_type,
        "arrangement_type_label": ArrangementType(agreement.arrangement_type).label,
        "host": organisation_ref(agreement.host),
        "start_date": iso(agreement.start_date),
        "end_date": iso(agreement.end_date),
        "break_clause_date": iso(agreement.break_clause_date),
    }


def agreement_terms(agreement: Agreement) -> dict[str, Any]:
    """Every term besides the summary's, as stored (risk-share provisions as plain dicts)."""
    return {
        "governing_board": agreement.governing_board,
        "aims": agreement.aims,
        "outcomes": list(agreement.outcomes),
        "functions_covered": agreement.functions_covered,
        "services_in_scope": agreement.services_in_scope,
        "staff_goods_accommodation": agreement.staff_goods_accommodation,
        "charges_to_people": agreement.charges_to_people,
        "reporting_frequency": agreement.reporting_frequency or None,
        "risk_share": list(agreement.risk_share),
        "overspend_protocol": agreement.overspend_protocol,
        "overspend_threshold": None
        if agreement.overspend_threshold_pence is None
        else Money(agreement.overspend_threshold_pence).plain(),
        "overspend_threshold_percent": None
        if agreement.overspend_threshold_percent is None
        else str(agreement.overspend_threshold_percent),
        "exit_terms": agreement.exit_terms,
        "audit_arrangements": agreement.audit_arrangements,
        "variation_procedure": agreement.variation_procedure,
        "review_arrangements": agreement.review_arrangements,
    }


def approval(a: SignOff) -> dict[str, Any]:
    """A partner's approval: who, when, and exactly which version and content it approved."""
    return {
        "organisation": organisation_ref(a.organisation),
        "approved_by": a.signed_by.display_name,
        "approved_at": iso(a.signed_at),
        "version": a.version,
        "content_hash": a.content_hash,
    }


def completeness(report: CompletenessReport) -> dict[str, Any]:
    return {
        "complete": report.complete,
        "missing": [{"key": i.key, "label": i.label} for i in report.missing],
        "items": [
            {
                "key": r.item.key,
                "label": r.item.label,
                "why": r.item.why,
                "status": r.status,
                "detail": r.detail,
            }
            for r in report.results
        ],
    }


def agreement_detail(agreement: Agreement) -> dict[str, Any]:
    return {
        **agreement_summary(agreement),
        "partners": [
            {**organisation_ref(p.organisation), "status": p.status}
            for p in selectors.partnerships_of(agreement)
        ],
        "auditors": [organisation_ref(o) for o in agreement.auditors.order_by("name")],
        **agreement_terms(agreement),
        "approvals": [approval(a) for a in selectors.approvals_of(agreement)],
        "content_hash": signing.content_hash(agreement),
        "completeness": completeness(selectors.completeness_of(agreement)),
        "contribution_years": [y.label for y in selectors.contribution_years(agreement)],
        "warnings": area_warnings(agreement),
        "version": agreement.version,
        "created_at": iso(agreement.created_at),
        "updated_at": iso(agreement.updated_at),
    }


def invitation(p: AgreementPartner) -> dict[str, Any]:
    """What an invited organisation may see of an agreement before it accepts."""
    invited_by = p.invited_by
    return {
        "agreement_id": p.agreement_id,
        "title": p.agreement.title,
        "area": area_ref(p.agreement.area),
        "host": organisation_ref(p.agreement.host),
        "organisation": organisation_ref(p.organisation),
        "invited_by": invited_by.display_name if invited_by is not None else None,
        "invited_by_organisation": organisation_ref(invited_by.organisation)
        if invited_by is not None
        else None,
        "invited_at": iso(p.invited_at),
    }


# -- contributions ---------------------------------------------------------------------------


def totals(t: ContributionTotals) -> dict[str, Any]:
    return {
        "by_partner": {code: m.plain() for code, m in sorted(t.by_partner.items())},
        "by_stream": {code: m.plain() for code, m in sorted(t.by_stream.items())},
        "mandated": t.mandated.plain(),
        "additional": t.additional.plain(),
        "overall": t.overall.plain(),
    }


def year_totals(summary: selectors.YearSummary) -> dict[str, Any]:
    return {
        "year": summary.year.label,
        "totals": totals(summary.totals),
        "rules_provisional": bool(summary.rules_note),
        "rules_note": summary.rules_note,
    }


def contribution(c: Contribution, core: CoreContribution | None = None) -> dict[str, Any]:
    core = core if core is not None else selectors.to_core_contribution(c)
    return {
        "id": c.pk,
        "agreement_id": c.agreement_id,
        "year": c.year,
        "partner": organisation_ref(c.partner),
        "funding_stream": c.stream_code,
        "mandated": c.mandated,
        "original_amount": core.original_amount.plain(),
        "amount": core.amount.plain(),
        "frequency": c.frequency,
        "version": c.version,
    }


def variation(v: ContributionVariation) -> dict[str, Any]:
    return {
        "id": v.pk,
        "effective_date": iso(v.effective_date),
        "change": Money(v.change_pence).plain(),
        "reason": v.reason,
        "created_at": iso(v.created_at),
        "created_by": v.created_by.display_name if v.created_by is not None else None,
    }


def schedule(instalments: Iterable[Instalment]) -> list[dict[str, Any]]:
    return [
        {"due_date": iso(i.due_date), "amount": i.amount.plain(), "is_adjustment": i.is_adjustment}
        for i in instalments
    ]


def contribution_detail(c: Contribution) -> dict[str, Any]:
    """The contribution with its variations (oldest first) and its instalments."""
    return {
        **contribution(c),
        "variations": [
            variation(v)
            for v in c.variations.select_related("created_by").order_by("effective_date", "id")
        ],
        "schedule": schedule(selectors.schedule_of(c)),
    }
