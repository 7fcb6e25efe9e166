"""Plain, JSON-ready forms of what the commands show (money as pounds strings, never floats).

These are the ``--json`` shapes documented in docs/cli.md; the Rich tables show the same values.
"""

from __future__ import annotations

from typing import Any

from carepool.agreements.models import Agreement, Contribution
from carepool.agreements.selectors import to_terms
from carepool.audit.models import AuditEvent
from carepool.audit.services import jsonable
from carepool.core.agreements import ArrangementType, CompletenessReport
from carepool.core.contributions import Contribution as CoreContribution
from carepool.core.contributions import ContributionTotals, Instalment
from carepool.core.money import Money, total
from carepool.core.rules import YearRules
from carepool.organisations.models import Area, Organisation
from carepool.organisations.selectors import PopulationAnswer


def organisation(org: Organisation) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "type": org.org_type,
        "type_label": org.type.label,
        "code_system": org.code_system,
    }


def area(a: Area) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "kind": a.kind,
        "region_code": a.region_code,
        "region_name": a.region_name,
        "country_code": a.country_code,
        "country_name": a.country_name,
        "source": a.source,
    }


def population(answer: PopulationAnswer, area_name: str | None) -> dict[str, Any]:
    count = answer.count
    return {
        "geography_code": count.geography_code,
        "area_name": area_name,
        "year": answer.asked_for.label,
        "estimate_year": count.estimate_year,
        "min_age": count.min_age,
        "max_age": count.max_age,
        "age_label": count.age_label,
        "persons": count.persons,
        "note": answer.note,
    }


def agreement_summary(a: Agreement) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "area": {"code": a.area.code, "name": a.area.name},
        "arrangement_type": a.arrangement_type,
        "arrangement_label": ArrangementType(a.arrangement_type).label,
        "host": {"code": a.host.code, "name": a.host.name},
        "start_date": a.start_date.isoformat(),
        "end_date": a.end_date.isoformat(),
        "break_clause_date": a.break_clause_date.isoformat() if a.break_clause_date else None,
    }


def completeness(report: CompletenessReport) -> dict[str, Any]:
    return {
        "complete": report.complete,
        "missing": [item.key for item in report.missing],
        "items": [
            {"key": r.item.key, "label": r.item.label, "why": r.item.why, "status": r.status}
            for r in report.results
        ],
    }


def totals(t: ContributionTotals) -> dict[str, Any]:
    return {
        "by_partner": {code: m.plain() for code, m in sorted(t.by_partner.items())},
        "by_stream": {code: m.plain() for code, m in sorted(t.by_stream.items())},
        "mandated": t.mandated.plain(),
        "additional": t.additional.plain(),
        "overall": t.overall.plain(),
    }


def contribution(model: Contribution, core: CoreContribution) -> dict[str, Any]:
    return {
        "id": model.pk,
        "agreement_id": model.agreement_id,
        "year": model.year,
        "partner": model.partner.code,
        "partner_name": model.partner.name,
        "funding_stream": model.stream_code,
        "mandated": model.mandated,
        "original_amount": core.original_amount.plain(),
        "amount": core.amount.plain(),
        "frequency": model.frequency,
        "variations": [
            {
                "effective_date": v.effective_date.isoformat(),
                "change": v.change.plain(),
                "reason": v.reason,
            }
            for v in core.variations
        ],
    }


def schedule(instalments: tuple[Instalment, ...]) -> dict[str, Any]:
    return {
        "instalments": [
            {
                "due_date": i.due_date.isoformat(),
                "amount": i.amount.plain(),
                "is_adjustment": i.is_adjustment,
            }
            for i in instalments
        ],
        "total": total(i.amount for i in instalments).plain(),
    }


def agreement_terms(a: Agreement) -> dict[str, Any]:
    """Every term of the agreement as plain values, with risk-share provisions labelled."""
    terms = to_terms(a)
    return {
        "governing_board": terms.governing_board,
        "aims": terms.aims,
        "outcomes": list(terms.outcomes),
        "functions_covered": terms.functions_covered,
        "services_in_scope": terms.services_in_scope,
        "staff_goods_accommodation": terms.staff_goods_accommodation,
        "charges_to_people": terms.charges_to_people,
        "reporting_frequency": terms.reporting_frequency.value
        if terms.reporting_frequency
        else None,
        "risk_share": [{**p.to_dict(), "label": p.kind.label} for p in terms.risk_share],
        "overspend_protocol": terms.overspend_protocol,
        "exit_terms": terms.exit_terms,
        "audit_arrangements": terms.audit_arrangements,
        "variation_procedure": terms.variation_procedure,
        "review_arrangements": terms.review_arrangements,
    }


def audit_event(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at.isoformat(),
        "actor": e.actor_name,
        "actor_organisation": e.actor_organisation,
        "interface": e.interface,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "object": e.object_repr,
        "summary": e.summary,
        "changes": jsonable(e.changes),
    }


def rules(r: YearRules) -> dict[str, Any]:
    return {
        "year": r.year.label,
        "programme": r.programme,
        "source": r.source,
        "funding_streams": [
            {
                "code": s.code,
                "name": s.name,
                "nature": s.nature.value,
                "contributors": sorted(t.value for t in s.contributors),
            }
            for s in r.funding_streams
        ],
    }


def pounds(m: Money) -> str:
    return str(m)
