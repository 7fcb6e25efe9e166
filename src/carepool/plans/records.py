"""The one JSON shape of plans, versions, checklists, sign-offs and diffs (API and CLI).

Money is given twice: ``*_pence`` integers for programs and pounds text for people.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from carepool.core.money import Money
from carepool.core.plan_check import Checklist
from carepool.core.plan_diff import PlanDiff
from carepool.core.plans import PlanContent
from carepool.core.signoff import Outcome, Stage, Status
from carepool.core.stored_plans import content_to_stored
from carepool.plans.models import Plan, PlanVersion
from carepool.plans.selectors import (
    AreaPlanStatus,
    checklist_of,
    content_of,
    current_version,
    diff_of,
    partners_of,
    sign_off_status,
    state_of,
)
from carepool.signoff.models import SignOff
from carepool.signoff.services import sign_offs_of


def money(amount: Money) -> dict[str, Any]:
    return {"pence": amount.pence, "pounds": amount.plain()}


def plan_summary(plan: Plan) -> dict[str, Any]:
    version = current_version(plan)
    state = state_of(plan)
    return {
        "id": plan.pk,
        "area": {"code": plan.area.code, "name": plan.area.name},
        "year": plan.year,
        "programme": plan.programme,
        "agreement_id": plan.agreement_id,
        "version": plan.version,
        "current_version": version.number,
        "content_hash": version.content_hash,
        "state": state.value,
        "state_label": state.label,
        "submitted": version.submitted_at is not None,
    }


def content(content: PlanContent) -> dict[str, Any]:
    stored = content_to_stored(content)
    for raw, scheme in zip(stored["schemes"], content.schemes, strict=True):
        raw["total"] = money(scheme.total)
        for line in raw["funding"]:
            # Pounds too, so a scheme read from the API can be sent back as it is.
            line["amount"] = Money(line["amount_pence"]).plain()
    stored["total"] = money(sum((s.total for s in content.schemes), Money.zero()))
    return stored


def sign_off(row: SignOff) -> dict[str, Any]:
    return {
        "id": row.pk,
        "stage": row.stage,
        "stage_label": Stage(row.stage).label,
        "organisation": {"code": row.organisation.code, "name": row.organisation.name},
        "signed_by": row.signed_by.display_name,
        "version": row.version,
        "content_hash": row.content_hash,
        "outcome": row.outcome,
        "outcome_label": Outcome(row.outcome).label,
        "reasons": row.reasons,
        "signed_at": row.signed_at.isoformat(timespec="milliseconds"),
        "withdrawn": row.withdrawn_at is not None,
        "withdrawn_because": row.withdrawn_because,
    }


def status(state: Status, partner_names: dict[str, str]) -> dict[str, Any]:
    return {
        "approved_by": sorted(state.approved_by),
        "waiting_for": [{"code": c, "name": partner_names.get(c, c)} for c in state.waiting_for],
        "board_approved": state.board is not None,
        "national_outcome": state.national.outcome.value if state.national else None,
    }


def checklist(items: Checklist, justifications: dict[str, str]) -> dict[str, Any]:
    return {
        "ready_for_sign_off": items.ready_for_sign_off(frozenset(justifications)),
        "failures": len(items.failures),
        "notices": list(items.notices),
        "items": [
            {**i.to_dict(), "justification": justifications.get(i.requirement_id or "", "")}
            for i in items.items
        ],
    }


def checklist_view(plan: Plan, shown: PlanVersion) -> dict[str, Any]:
    """A version's checklist with the version it is of (``plans check``, ``GET …/checklist``)."""
    return {
        "plan_id": plan.pk,
        "shown_version": version(shown),
        "checklist": checklist(checklist_of(plan, shown), dict(shown.justifications)),
    }


def version(v: PlanVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "content_hash": v.content_hash,
        "created_by": v.created_by,
        "created_at": v.created_at.isoformat(timespec="milliseconds"),
        "change_note": v.change_note,
        "submitted": v.submitted_at is not None,
        "frozen": v.frozen,
        "justifications": dict(v.justifications),
    }


def plan_detail(plan: Plan, v: PlanVersion | None = None) -> dict[str, Any]:
    v = v or current_version(plan)
    names = {p.code: p.name for p in partners_of(plan.agreement)}
    return {
        **plan_summary(plan),
        "shown_version": version(v),
        "content": content(content_of(v)),
        "checklist": checklist(checklist_of(plan, v), dict(v.justifications)),
        "sign_off": status(sign_off_status(plan, v), names),
        "sign_offs": [sign_off(s) for s in plan_sign_offs(plan)],
        "versions": [version(x) for x in plan.versions.order_by("number")],
    }


def plan_sign_offs(plan: Plan) -> list[SignOff]:
    return list(sign_offs_of("plan", plan.pk))


def diff(d: PlanDiff) -> dict[str, Any]:
    data = d.to_dict()
    for key in ("old_total", "new_total", "difference"):
        data[key] = Money(data[f"{key}_pence"]).plain()
    return data


def diff_view(plan: Plan, old: int, new: int) -> tuple[PlanDiff, dict[str, Any]]:
    """What changed from version ``old`` to ``new``, as the core gives it and as JSON."""
    result = diff_of(plan, old, new)
    return result, {"plan_id": plan.pk, "from": old, "to": new, **diff(result)}


def national_row(row: AreaPlanStatus) -> dict[str, Any]:
    return {
        "area": {"code": row.area.code, "name": row.area.name},
        "plan_id": row.plan.pk if row.plan is not None else None,
        "state": row.state.value,
        "state_label": row.state.label,
        "outcome": row.outcome,
        "overdue": row.overdue,
    }


def national(year: str, rows: list[AreaPlanStatus], deadline: date | None) -> dict[str, Any]:
    """Every area's plan status for a year, and the areas overdue."""
    return {
        "year": year,
        "deadline": deadline.isoformat() if deadline else None,
        "items": [national_row(r) for r in rows],
        "overdue": [r.area.code for r in rows if r.overdue],
    }
