"""Monitoring as JSON, one shape for the API and the CLI's ``--json`` (docs/monitoring.md).

Money is given twice: ``pence`` (an integer) for programs and ``pounds`` (text) for people;
a figure that does not exist (a scheme's budget when budgets are by partner only) is null.
Months are ``yyyy-mm``.
"""

from __future__ import annotations

from typing import Any

from carepool.core.forecast import Forecast
from carepool.core.ledger import month_name
from carepool.core.ledger import month_text as _month_text
from carepool.core.money import Money
from carepool.core.monitoring import Line
from carepool.ledger.models import ActionPlan, Transfer
from carepool.ledger.monitoring import Monitoring, NationalReport


def money(amount: Money | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    return {"pence": amount.pence, "pounds": amount.plain()}


def month_text(key: int | None) -> str | None:
    return None if key is None else _month_text(key)


def forecast(f: Forecast) -> dict[str, Any]:
    return {
        "amount": money(f.amount),
        "method": f.method.value,
        "method_label": f.method.label,
        "reason": f.reason or None,
        "trace": f.trace.to_dict(),
    }


def line(item: Line) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": item.key,
        "label": item.label,
        "budget": money(item.budget),
        "actual": money(item.actual),
        "commitments": money(item.commitments),
        "forecast": money(item.forecast),
        "variance": money(item.variance),
        "methods": [m.value for m in item.methods],
        "method_label": item.method_label,
    }
    if item.detail is not None:
        out["trace"] = item.detail.trace.to_dict()
    return out


def action_plan(row: ActionPlan | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "month": month_text(row.month),
        "text": row.text,
        "written_by": row.written_by.display_name if row.written_by else None,
        "written_at": row.written_at.isoformat(),
    }


def monitoring(m: Monitoring) -> dict[str, Any]:
    r = m.result
    return {
        "agreement": {"id": m.agreement.pk, "title": m.agreement.title},
        "year": m.year.label,
        "as_at": month_text(m.as_at),
        "as_at_name": m.as_at_name,
        "months_elapsed": r.months_elapsed,
        "budget_source": {
            "kind": m.budget_source.kind,
            "label": m.budget_source.label,
            "plan_id": m.budget_source.plan_id,
            "version": m.budget_source.version,
        },
        "overspend": {
            "threshold": {
                "amount": money(None if r.threshold.pence is None else Money(r.threshold.pence)),
                "percent": None if r.threshold.percent is None else str(r.threshold.percent),
                "description": r.threshold.describe(),
            },
            "limit": money(r.limit),
            "forecast_overspend": money(r.overspend),
            "flagged": r.flagged,
            "action_plan_required": m.action_plan_required,
            "action_plan": action_plan(m.action_plan),
        },
        "total": line(r.total),
        "schemes": [
            {
                **line(s),
                "variance_note": m.notes.get(s.key),
                "override": None
                if (o := m.overrides.get(s.key)) is None
                else {"amount": money(o.amount), "reason": o.reason, "set_by": o.set_by},
            }
            for s in r.schemes
        ],
        "partners": [line(p) for p in r.partners],
        "months": [
            {
                "month": month_text(f.month),
                "name": f.name,
                "budget_to_date": money(f.budget_to_date),
                "actual_in_month": money(f.actual_in_month),
                "actual_to_date": money(f.actual_to_date),
                "forecast_to_date": money(f.forecast_to_date),
                "closed": f.month in m.closed,
            }
            for f in m.months
        ],
    }


def national(report: NationalReport) -> dict[str, Any]:
    return {
        "year": report.year.label,
        "as_at": month_text(report.as_at),
        "as_at_name": report.as_at_name,
        "budget": money(report.budget),
        "actual": money(report.actual),
        "forecast": money(report.forecast),
        "variance": money(report.variance),
        "areas": [
            {
                "agreement": {"id": a.agreement.pk, "title": a.agreement.title},
                "area": {"code": a.agreement.area.code, "name": a.agreement.area.name},
                "budget_source": {"kind": a.budget_source.kind, "label": a.budget_source.label},
                "budget": money(a.budget),
                "actual": money(a.actual),
                "forecast": money(a.forecast),
                "variance": money(a.variance),
                "schemes": [
                    {
                        "code": s.code,
                        "name": s.name,
                        "budget": money(s.budget),
                        "actual": money(s.actual),
                        "forecast": money(s.forecast.amount),
                        "variance": money(s.variance),
                        "method": s.forecast.method.value,
                    }
                    for s in a.schemes
                ],
            }
            for a in report.areas
        ],
    }


def ledger_line(t: Transfer) -> dict[str, Any]:
    """A transfer behind a figure: ``amount`` is what it adds to the figure (signed)."""
    account = t.debit if t.signed_pence > 0 else t.credit  # type: ignore[attr-defined]
    return {
        "id": t.pk,
        "day": t.day.isoformat(),
        "month": month_text(t.month),
        "month_name": month_name(t.month),
        "kind": t.kind,
        "scheme": account.scheme_code,
        "partner": account.partner.code if account.partner_id else None,
        "amount": money(Money(t.signed_pence)),  # type: ignore[attr-defined]
        "provider": t.provider,
        "description": t.description,
        "reference": t.reference,
        "batch": t.batch_id,
        "line": t.line,
        "reverses": t.reverses_id,
        "corrects": t.corrects_id,
    }
