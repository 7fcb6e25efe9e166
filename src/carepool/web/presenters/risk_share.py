"""Words for the risk-share forms: what each kind of provision means, and the choices it offers.

Read-only and rule-free: which fields a kind needs, and whether a provision is acceptable, is
decided by ``carepool.core.risk_share`` through the agreement services. This module only says
in plain words what the person is choosing between.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepool.core.risk_share import (
    ApplicationStep,
    ProportionBasis,
    ProvisionKind,
    VarianceDirection,
    fixed_direction,
)

# Domain.md section 4, in the words a finance lead would use.
KIND_HINTS: dict[ProvisionKind, str] = {
    ProvisionKind.PROPORTIONAL: (
        "An overspend or underspend is split in proportion to what each partner puts in."
    ),
    ProvisionKind.OWN_SERVICES: (
        "Each partner bears the overspend or underspend on the schemes it is responsible for: "
        "no cross-subsidy between partners."
    ),
    ProvisionKind.CAPPED_SHARE: (
        "One partner's share is capped, in pounds or as a percentage of its contribution."
    ),
    ProvisionKind.TIERED: (
        "Shares change above thresholds: for example the host bears the first £500,000 and "
        "the partners split anything above it equally."
    ),
    ProvisionKind.AGREED_RATIO: (
        "Losses and gains (savings) are shared by a ratio the partners agree, such as 60:40."
    ),
    ProvisionKind.RISK_POOL: (
        "A named sum, such as £500,000, set aside to absorb overspends before anything else."
    ),
    ProvisionKind.CONTINGENCY_RESERVE: (
        "Part of the fund held back, as an amount or a percentage, for example 5% for "
        "prevention and demand management."
    ),
    ProvisionKind.PERFORMANCE_RELATED: (
        "Part of the fund released only when metrics are met; the agreement says where "
        "unreleased money goes."
    ),
    ProvisionKind.ORDER_OF_APPLICATION: (
        "The order in which an overspend is met: for example offset underspends, then the risk "
        "pool, then cut uncommitted allocations, then partners' own resources."
    ),
    ProvisionKind.CARRY_FORWARD: "Underspends stay in the pool and are carried forward.",
    ProvisionKind.RETURN_PRO_RATA: (
        "Underspends are returned to the partners pro rata, for example to their contributions."
    ),
}

BASIS_LABELS: dict[ProportionBasis, str] = {
    ProportionBasis.CONTRIBUTIONS: "Each partner's contributions",
    ProportionBasis.RECURRENT_CONTRIBUTIONS: "Recurrent contributions only",
    ProportionBasis.COMMISSIONED_SHARE: "The share of each scheme each partner commissions",
}
BASIS_HINTS: dict[ProportionBasis, str] = {
    ProportionBasis.RECURRENT_CONTRIBUTIONS: "Non-recurrent payments are left out",
}

STEP_LABELS: dict[ApplicationStep, str] = {
    ApplicationStep.OFFSET_UNDERSPENDS: "Offset underspends elsewhere in the pool",
    ApplicationStep.RISK_POOL: "Draw on the risk pool",
    ApplicationStep.CUT_UNCOMMITTED: "Cut uncommitted scheme allocations",
    ApplicationStep.CONTINGENCY_RESERVE: "Use the contingency reserve",
    ApplicationStep.PARTNERS_OWN_RESOURCES: "Partners meet the rest from their own resources",
}

DIRECTION_LABELS: dict[VarianceDirection, str] = {
    VarianceDirection.OVERSPEND: "Overspends",
    VarianceDirection.UNDERSPEND: "Underspends",
    VarianceDirection.BOTH: "Both overspends and underspends",
}

# Rows the forms offer; more tiers or steps than this are rare in real agreements.
TIER_ROWS = 3
STEP_ROWS = 5


def kind_of(value: str | None) -> ProvisionKind | None:
    try:
        return ProvisionKind(value or "")
    except ValueError:
        return None


def kind_items() -> list[dict[str, object]]:
    """Radio items for choosing a kind: its label and a hint in domain terms."""
    return [
        {"value": k.value, "text": k.label, "hint": {"text": KIND_HINTS[k]}} for k in ProvisionKind
    ]


def direction_items() -> list[dict[str, str]]:
    return [{"value": d.value, "text": label} for d, label in DIRECTION_LABELS.items()]


def basis_items() -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for basis, label in BASIS_LABELS.items():
        item: dict[str, object] = {"value": basis.value, "text": label}
        if basis in BASIS_HINTS:
            item["hint"] = {"text": BASIS_HINTS[basis]}
        items.append(item)
    return items


def step_items() -> list[dict[str, str]]:
    return [{"value": "", "text": "Not used"}] + [
        {"value": s.value, "text": label} for s, label in STEP_LABELS.items()
    ]


@dataclass(frozen=True)
class KindForm:
    """Which groups of inputs the form for one kind shows."""

    kind: ProvisionKind
    label: str
    hint: str
    direction: VarianceDirection | None  # fixed direction; None: the person chooses
    basis: bool
    capped_partner: bool
    shares: bool
    tiers: bool
    amount_only: bool  # risk pool: an amount in pounds
    amount_or_percent: bool
    steps: bool
    description_required: bool

    @property
    def direction_text(self) -> str:
        return DIRECTION_LABELS[self.direction] if self.direction else ""


def kind_form(kind: ProvisionKind) -> KindForm:
    return KindForm(
        kind=kind,
        label=kind.label,
        hint=KIND_HINTS[kind],
        direction=fixed_direction(kind),
        basis=kind in (ProvisionKind.PROPORTIONAL, ProvisionKind.RETURN_PRO_RATA),
        capped_partner=kind is ProvisionKind.CAPPED_SHARE,
        shares=kind is ProvisionKind.AGREED_RATIO,
        tiers=kind is ProvisionKind.TIERED,
        amount_only=kind is ProvisionKind.RISK_POOL,
        amount_or_percent=kind
        in (ProvisionKind.CONTINGENCY_RESERVE, ProvisionKind.PERFORMANCE_RELATED),
        steps=kind is ProvisionKind.ORDER_OF_APPLICATION,
        description_required=kind is ProvisionKind.PERFORMANCE_RELATED,
    )
