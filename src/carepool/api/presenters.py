"""Models and core values as response bodies (plain dicts shaped like ``schemas``)."""

from __future__ import annotations

from typing import Any

from carepool.accounts.models import User
from carepool.agreements import selectors
from carepool.agreements.models import Agreement, Approval, Contribution, ContributionVariation
from carepool.audit.models import AuditEvent
from carepool.core.agreements import ArrangementType, CompletenessReport
from carepool.core.contributions import Contribution as CoreContribution
from carepool.core.contributions import ContributionTotals
from carepool.core.money import Money
from carepool.core.organisations import OrganisationType
from carepool.core.population import PopulationCount
from carepool.core.rules import YearRules
from carepool.organisations.models import Area, Organisation
from carepool.organisations.selectors import PopulationAnswer


def pounds(money: Money) -> str:
    return money.plain()


# -- organisations, areas, rules -------------------------------------------------------------


def organisation_ref(org: Organisation) -> dict[str, Any]:
    return {"code": org.code, "name": org.name, "org_type": org.org_type}


def organisation(org: Organisation) -> dict[str, Any]:
    return {
        **organisation_ref(org),
        "code_system": org.code_system,
        "org_type_label": OrganisationType(org.org_type).label,
    }


def me(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "organisation": organisation(user.organisation),
        "roles": sorted(user.roles),
    }


def area_ref(area: Area) -> dict[str, Any]:
    return {"code": area.code, "name": area.name}


def area(area: Area) -> dict[str, Any]:
    return {
        **area_ref(area),
        "kind": area.kind,
        "region_code": area.region_code,
        "region_name": area.region_name,
        "country_code": area.country_code,
        "country_name": area.country_name,
    }


def population(where: Area, answer: PopulationAnswer) -> dict[str, Any]:
    count: PopulationCount = answer.count
    return {
        "area": area_ref(where),
        "year": answer.asked_for.label,
        "estimate_year": count.estimate_year,
        "min_age": count.min_age,
        "max_age": count.max_age,
        "age_label": count.age_label,
        "persons": count.persons,
        "note": answer.note,
    }


def funding_streams(rules: YearRules) -> dict[str, Any]:
    return {
        "year": rules.year.label,
        "programme": rules.programme,
        "source": rules.source,
        "funding_streams": [
            {
                "code": s.code,
                "name": s.name,
                "nature": s.nature.value,
                "contributors": sorted(t.value for t in s.contributors),
            }
            for s in rules.funding_streams
        ],
    }


# -- agreements ------------------------------------------------------------------------------


def agreement_summary(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "area": area_ref(agreement.area),
        "arrangement_type": agreement.arrangement_type,
        "arrangement_type_label": ArrangementType(agreement.arrangement_type).label,
        "host": organisation_ref(agreement.host),
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
    }


def approval(a: Approval) -> dict[str, Any]:
    return {
        "organisation": organisation_ref(a.organisation),
        "approved_by": a.approved_by.display_name,
        "approved_at": a.approved_at,
    }


def completeness(report: CompletenessReport) -> dict[str, Any]:
    return {
        "complete": report.complete,
        "items": [
            {"key": r.item.key, "label": r.item.label, "why": r.item.why, "status": r.status}
            for r in report.results
        ],
    }


def agreement_detail(agreement: Agreement) -> dict[str, Any]:
    report = selectors.completeness_of(agreement)
    return {
        **agreement_summary(agreement),
        "partners": [organisation_ref(o) for o in selectors.partner_organisations(agreement)],
        "auditors": [organisation_ref(o) for o in agreement.auditors.order_by("name")],
        "break_clause_date": agreement.break_clause_date,
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
        "exit_terms": agreement.exit_terms,
        "audit_arrangements": agreement.audit_arrangements,
        "variation_procedure": agreement.variation_procedure,
        "review_arrangements": agreement.review_arrangements,
        "approvals": [approval(a) for a in selectors.approvals_of(agreement)],
        "completeness": {
            "complete": report.complete,
            "missing": [{"key": i.key, "label": i.label} for i in report.missing],
        },
        "contribution_years": [y.label for y in selectors.contribution_years(agreement)],
        "created_at": agreement.created_at,
        "updated_at": agreement.updated_at,
    }


def audit_event(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "actor": event.actor_name,
        "organisation": event.actor_organisation,
        "interface": event.interface,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object": event.object_repr,
        "summary": event.summary,
        "changes": event.changes,
    }


# -- contributions ---------------------------------------------------------------------------


def contribution(c: Contribution, core: CoreContribution | None = None) -> dict[str, Any]:
    core = core if core is not None else selectors.to_core_contribution(c)
    return {
        "id": c.pk,
        "agreement_id": c.agreement_id,
        "year": c.year,
        "partner": organisation_ref(c.partner),
        "funding_stream": c.stream_code,
        "mandated": c.mandated,
        "original_amount": pounds(core.original_amount),
        "amount": pounds(core.amount),
        "frequency": c.frequency,
    }


def variation(v: ContributionVariation) -> dict[str, Any]:
    return {
        "id": v.pk,
        "effective_date": v.effective_date,
        "change": pounds(Money(v.change_pence)),
        "reason": v.reason,
        "created_at": v.created_at,
        "created_by": v.created_by.display_name if v.created_by is not None else None,
    }


def contribution_detail(c: Contribution) -> dict[str, Any]:
    return {
        **contribution(c),
        "variations": [
            variation(v)
            for v in c.variations.select_related("created_by").order_by("effective_date", "id")
        ],
        "schedule": [
            {"due_date": i.due_date, "amount": pounds(i.amount), "is_adjustment": i.is_adjustment}
            for i in selectors.schedule_of(c)
        ],
    }


def totals(t: ContributionTotals) -> dict[str, Any]:
    return {
        "by_partner": {code: pounds(m) for code, m in sorted(t.by_partner.items())},
        "by_stream": {code: pounds(m) for code, m in sorted(t.by_stream.items())},
        "mandated": pounds(t.mandated),
        "additional": pounds(t.additional),
        "overall": pounds(t.overall),
    }
