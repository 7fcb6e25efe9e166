"""The agreement page: actions offered, the form, risk share, completeness and approvals.

Read-only: nothing here writes or decides what a user may do; the services decide that.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from carepool.agreements import selectors as agreement_selectors
from carepool.agreements import signing
from carepool.agreements.models import Agreement
from carepool.agreements.services import agreement_snapshot
from carepool.agreements.summaries import (
    AgreementSummary,
    Status,
    filter_summaries,
    pooled_by_year,
    years_of,
)
from carepool.core.agreements import CompletenessReport
from carepool.core.money import Money
from carepool.core.periods import FinancialYear
from carepool.core.risk_share import (
    PartnerShare,
    RiskShareProvision,
    VarianceDirection,
)
from carepool.web.presenters.common import when

if TYPE_CHECKING:
    from carepool.accounts.models import User


@dataclass(frozen=True)
class AgreementActions:
    edit: bool
    approve: bool
    delete: bool


def actions_for(user: User, agreement: Agreement) -> AgreementActions:
    """Which buttons to show. The services make the real decision on every request."""
    edit = agreement_selectors.may_edit(user, agreement)
    return AgreementActions(
        edit=edit,
        approve=agreement_selectors.may_approve(user, agreement),
        # Offered only where the service would allow it: no money recorded, nobody approved.
        delete=edit
        and not agreement.contributions.exists()
        and not signing.standing(agreement).exists(),
    )


def agreement_form_values(agreement: Agreement) -> dict[str, Any]:
    """The agreement as the edit form shows it: text for inputs, lists for checkboxes."""
    snap = agreement_snapshot(agreement)
    values: dict[str, Any] = {}
    for key, value in snap.items():
        if isinstance(value, date):
            values[key] = value.isoformat()
        elif value is None:
            values[key] = ""
        elif key == "outcomes":
            values[key] = "\n".join(value)
        elif key == "risk_share":
            values[key] = json.dumps(value, indent=2) if value else ""
        elif isinstance(value, Money):
            values[key] = value.plain()
        else:
            values[key] = value
    return values


RISK_SHARE_EXAMPLE = json.dumps(
    [
        {"kind": "proportional", "applies_to": "overspend", "basis": "contributions"},
        {
            "kind": "agreed_ratio",
            "applies_to": "underspend",
            "shares": {"E08000035": "60", "QWO": "40"},
        },
        {"kind": "risk_pool", "applies_to": "overspend", "amount": "500000.00"},
    ],
    indent=2,
)


@dataclass(frozen=True)
class ProvisionView:
    number: int
    title: str
    applies_to: str
    details: list[tuple[str, str]]


_DIRECTION_TEXT = {
    VarianceDirection.OVERSPEND: "Overspends",
    VarianceDirection.UNDERSPEND: "Underspends",
    VarianceDirection.BOTH: "Overspends and underspends",
}


def _shares_text(shares: Sequence[PartnerShare], names: Mapping[str, str]) -> str:
    whole = sum((s.weight for s in shares), Decimal(0))
    parts = []
    for s in shares:
        pct = f" ({(s.weight * 100 / whole).quantize(Decimal('0.1'))}%)" if whole else ""
        parts.append(f"{names.get(s.partner_code, s.partner_code)}: {s.weight}{pct}")
    return "; ".join(parts)


def _provision_details(p: RiskShareProvision, names: Mapping[str, str]) -> list[tuple[str, str]]:
    details: list[tuple[str, str]] = []
    if p.basis:
        details.append(("In proportion to", p.basis.value.replace("_", " ")))
    if p.partner_code:
        details.append(("Partner", names.get(p.partner_code, p.partner_code)))
    if p.cap is not None:
        details.append(("Cap", str(p.cap)))
    if p.cap_percent is not None:
        details.append(("Cap", f"{p.cap_percent}% of the partner's contribution"))
    if p.shares:
        details.append(("Shares", _shares_text(p.shares, names)))
    for i, tier in enumerate(p.tiers, start=1):
        limit = f"up to {tier.up_to}" if tier.up_to is not None else "above the previous tier"
        details.append((f"Tier {i} ({limit})", _shares_text(tier.shares, names)))
    if p.amount is not None:
        details.append(("Amount", str(p.amount)))
    if p.percent is not None:
        details.append(("Percentage of the fund", f"{p.percent}%"))
    if p.steps:
        details.append(("Order", ", then ".join(s.value.replace("_", " ") for s in p.steps)))
    if p.description:
        details.append(("Description", p.description))
    return details


def risk_share_view(agreement: Agreement, names: Mapping[str, str]) -> list[ProvisionView]:
    # Never hidden and never an error page: a stored provision today's rules cannot read is
    # shown as such, with the reason, so a partner can remove it and record it again.
    return [
        ProvisionView(i, p.kind.label, _DIRECTION_TEXT[p.applies_to], _provision_details(p, names))
        if isinstance(p, RiskShareProvision)
        else ProvisionView(
            i,
            "Provision that cannot be read",
            "Not known",
            [
                ("Problem", f"Cannot be read: {p.reason}"),
                ("As stored", json.dumps(p.raw, ensure_ascii=False, default=str)),
            ],
        )
        for i, p in enumerate(agreement_selectors.read_risk_share(agreement).items, start=1)
    ]


STATUS_TAGS = {
    "present": {"text": "Present", "classes": "nhsuk-tag--green"},
    "missing": {"text": "Missing", "classes": "nhsuk-tag--red"},
    "not_applicable": {"text": "Not applicable", "classes": "nhsuk-tag--grey"},
}


@dataclass(frozen=True)
class CompletenessView:
    rows: list[dict[str, Any]]
    present: int
    missing: int
    applicable: int


def completeness_view(report: CompletenessReport) -> CompletenessView:
    rows = [
        {
            "label": r.item.label,
            "why": r.item.why,
            "key": r.item.key,
            "tag": STATUS_TAGS[r.status],
            "detail": r.detail,
        }
        for r in report.results
    ]
    present = sum(1 for r in report.results if r.status == "present")
    missing = sum(1 for r in report.results if r.status == "missing")
    return CompletenessView(rows, present, missing, present + missing)


# How many withdrawn approvals the agreement page lists (the full trail has them all).
EARLIER_APPROVALS = 10


@dataclass(frozen=True)
class ApprovalsView:
    approved: list[dict[str, str]]
    waiting: list[str]
    content_hash: str  # of the version shown: the approve form sends it back
    earlier: list[dict[str, str]]  # approvals withdrawn by later changes, newest first


def approvals_view(agreement: Agreement) -> ApprovalsView:
    approvals = list(agreement_selectors.approvals_of(agreement))
    done = {a.organisation_id for a in approvals}
    return ApprovalsView(
        [
            {
                "organisation": a.organisation.name,
                "by": a.signed_by.display_name,
                "at": when(a.signed_at),
                "version": str(a.version),
            }
            for a in approvals
        ],
        [o.name for o in agreement_selectors.partner_organisations(agreement) if o.pk not in done],
        signing.content_hash(agreement),
        [
            {
                "organisation": a.organisation.name,
                "by": a.signed_by.display_name,
                "at": when(a.signed_at),
                "version": str(a.version),
                "withdrawn": when(a.withdrawn_at) if a.withdrawn_at else "",
                "because": a.withdrawn_because,
            }
            for a in agreement_selectors.earlier_approvals_of(agreement)[:EARLIER_APPROVALS]
        ],
    )


STATUS_LIST_TAGS = {
    Status.APPROVED: "nhsuk-tag--green",
    Status.AWAITING: "nhsuk-tag--blue",
    Status.INCOMPLETE: "nhsuk-tag--yellow",
}


@dataclass(frozen=True)
class AgreementRow:
    agreement: Agreement
    year: str  # the year whose money is shown ("" when none has any)
    pooled: str
    status: dict[str, str]
    approvals: str


def agreement_rows(
    found: Sequence[AgreementSummary], year: FinancialYear | None = None
) -> list[AgreementRow]:
    rows = []
    for s in found:
        shown, amount = s.pooled_in(year)
        rows.append(
            AgreementRow(
                s.agreement,
                shown.label if shown else "",
                str(amount),
                {"text": s.status.label, "classes": STATUS_LIST_TAGS[s.status]},
                f"{s.approvals} of {s.partners}",
            )
        )
    return rows


def _year(text: str) -> FinancialYear | None:
    try:
        return FinancialYear.parse(text) if text else None
    except ValueError:
        return None


def agreement_list_view(
    every: Sequence[AgreementSummary], query: Mapping[str, str]
) -> dict[str, Any]:
    """The agreements list: search and filters, each agreement's money and status."""
    filters = {k: (query.get(k) or "").strip() for k in ("q", "area", "year", "status")}
    found = filter_summaries(every, filters)
    year = _year(filters["year"])
    areas = sorted(
        {(s.agreement.area.code, s.agreement.area.name) for s in every}, key=lambda a: a[1]
    )
    return {
        "rows": agreement_rows(found, year),
        "total": len(every),
        "filters": filters,
        "filtered": any(filters.values()),
        "area_items": [{"value": "", "text": "Any area"}]
        + [{"value": code, "text": name} for code, name in areas],
        "year_items": [{"value": "", "text": "Any year"}]
        + [{"value": y.label, "text": y.label} for y in years_of(every)],
        "status_items": [{"value": "", "text": "Any status"}]
        + [{"value": s.value, "text": s.label} for s in Status],
        "year": year.label if year else "",
        "pooled_by_year": pooled_by_year(found),
    }
