"""Risk-share provisions of an agreement, as structured data a settlement engine can apply.

One ``RiskShareProvision`` per clause. The kinds are those of domain.md section 4:
proportional shares, own-services, capped shares, tiers, agreed risk-and-gain ratios, a named
risk pool, a contingency reserve, performance-related money, an order of application for
overspends, and carrying forward or returning underspends. Each kind says which fields it
needs; ``parse_provisions`` refuses a provision that lacks them, naming the field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from carepool.core import parse
from carepool.core.errors import ErrorCollector, ValidationFailed, shown
from carepool.core.money import MAX_INPUT_PENCE, Money, MoneyError


class VarianceDirection(StrEnum):
    OVERSPEND = "overspend"
    UNDERSPEND = "underspend"
    BOTH = "both"


class ProportionBasis(StrEnum):
    CONTRIBUTIONS = "contributions"
    RECURRENT_CONTRIBUTIONS = "recurrent_contributions"  # excluding non-recurrent payments
    COMMISSIONED_SHARE = "commissioned_share"  # pro rata to the share of each scheme commissioned


class ApplicationStep(StrEnum):
    OFFSET_UNDERSPENDS = "offset_underspends"
    RISK_POOL = "risk_pool"
    CUT_UNCOMMITTED = "cut_uncommitted"
    CONTINGENCY_RESERVE = "contingency_reserve"
    PARTNERS_OWN_RESOURCES = "partners_own_resources"


class ProvisionKind(StrEnum):
    PROPORTIONAL = "proportional"
    OWN_SERVICES = "own_services"
    CAPPED_SHARE = "capped_share"
    TIERED = "tiered"
    AGREED_RATIO = "agreed_ratio"
    RISK_POOL = "risk_pool"
    CONTINGENCY_RESERVE = "contingency_reserve"
    PERFORMANCE_RELATED = "performance_related"
    ORDER_OF_APPLICATION = "order_of_application"
    CARRY_FORWARD = "carry_forward"
    RETURN_PRO_RATA = "return_pro_rata"

    @property
    def label(self) -> str:
        return PROVISION_LABELS[self]


PROVISION_LABELS = {
    ProvisionKind.PROPORTIONAL: "Proportional share (pro rata)",
    ProvisionKind.OWN_SERVICES: "Own services (each partner bears its own schemes' variance)",
    ProvisionKind.CAPPED_SHARE: "Capped share for a partner",
    ProvisionKind.TIERED: "Tiered shares above thresholds",
    ProvisionKind.AGREED_RATIO: "Risk and gain share by agreed ratio",
    ProvisionKind.RISK_POOL: "Named risk pool absorbs overspends first",
    ProvisionKind.CONTINGENCY_RESERVE: "Contingency reserve held back",
    ProvisionKind.PERFORMANCE_RELATED: "Performance-related money",
    ProvisionKind.ORDER_OF_APPLICATION: "Order of application for overspends",
    ProvisionKind.CARRY_FORWARD: "Underspends carried forward in the pool",
    ProvisionKind.RETURN_PRO_RATA: "Underspends returned pro rata",
}

# Which directions each kind may apply to; kinds not listed may apply to any.
_DIRECTIONS: dict[ProvisionKind, frozenset[VarianceDirection]] = {
    ProvisionKind.RISK_POOL: frozenset({VarianceDirection.OVERSPEND}),
    ProvisionKind.ORDER_OF_APPLICATION: frozenset({VarianceDirection.OVERSPEND}),
    ProvisionKind.CARRY_FORWARD: frozenset({VarianceDirection.UNDERSPEND}),
    ProvisionKind.RETURN_PRO_RATA: frozenset({VarianceDirection.UNDERSPEND}),
}


def fixed_direction(kind: ProvisionKind) -> VarianceDirection | None:
    """The one direction a kind applies to, when it can apply to only one (a risk pool only
    ever meets overspends); None when the agreement chooses."""
    allowed = _DIRECTIONS.get(kind)
    return next(iter(allowed)) if allowed and len(allowed) == 1 else None


@dataclass(frozen=True, slots=True)
class PartnerShare:
    partner_code: str
    weight: Decimal


@dataclass(frozen=True, slots=True)
class Tier:
    """Shares that apply to the part of a variance up to ``up_to`` (None: everything above)."""

    up_to: Money | None
    shares: tuple[PartnerShare, ...]


@dataclass(frozen=True, slots=True)
class RiskShareProvision:
    kind: ProvisionKind
    applies_to: VarianceDirection
    description: str = ""
    basis: ProportionBasis | None = None
    partner_code: str | None = None
    cap: Money | None = None
    cap_percent: Decimal | None = None
    shares: tuple[PartnerShare, ...] = ()
    tiers: tuple[Tier, ...] = ()
    amount: Money | None = None
    percent: Decimal | None = None
    steps: tuple[ApplicationStep, ...] = field(default=())

    @property
    def partner_codes(self) -> frozenset[str]:
        codes = {s.partner_code for s in self.shares}
        codes.update(s.partner_code for t in self.tiers for s in t.shares)
        if self.partner_code:
            codes.add(self.partner_code)
        return frozenset(codes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form; money as pounds strings, only the fields that are set."""
        out: dict[str, Any] = {"kind": self.kind.value, "applies_to": self.applies_to.value}
        if self.description:
            out["description"] = self.description
        if self.basis:
            out["basis"] = self.basis.value
        if self.partner_code:
            out["partner_code"] = self.partner_code
        if self.cap is not None:
            out["cap"] = self.cap.plain()
        if self.cap_percent is not None:
            out["cap_percent"] = str(self.cap_percent)
        if self.shares:
            out["shares"] = _shares_to_dict(self.shares)
        if self.tiers:
            out["tiers"] = [
                {"up_to": t.up_to.plain() if t.up_to else None, "shares": _shares_to_dict(t.shares)}
                for t in self.tiers
            ]
        if self.amount is not None:
            out["amount"] = self.amount.plain()
        if self.percent is not None:
            out["percent"] = str(self.percent)
        if self.steps:
            out["steps"] = [s.value for s in self.steps]
        return out


def _shares_to_dict(shares: Sequence[PartnerShare]) -> dict[str, str]:
    return {s.partner_code: str(s.weight) for s in shares}


# parsing ------------------------------------------------------------------------------


def _money(
    value: Any, field_name: str, errors: ErrorCollector, *, positive: bool = True
) -> Money | None:
    if parse.is_blank(value):
        errors.add(field_name, "Enter an amount in pounds, like 500000.00")
        return None
    try:
        money = Money.from_pounds(value if isinstance(value, (str, Decimal)) else str(value))
    except MoneyError as exc:
        errors.add(field_name, str(exc))
        return None
    if positive and money.pence <= 0:
        errors.add(field_name, "must be more than £0")
        return None
    if money.pence > MAX_INPUT_PENCE:
        errors.add(field_name, f"is more than {Money(MAX_INPUT_PENCE)}; check the amount")
        return None
    return money


def _percent(value: Any, field_name: str, errors: ErrorCollector) -> Decimal | None:
    try:
        pct = Decimal(str(value))
    except InvalidOperation:
        errors.add(field_name, f"'{shown(value)}' is not a percentage")
        return None
    if not pct.is_finite() or not Decimal(0) < pct <= Decimal(100):
        errors.add(field_name, "must be more than 0 and at most 100")
        return None
    return pct


def _shares(value: Any, field_name: str, errors: ErrorCollector) -> tuple[PartnerShare, ...]:
    if not isinstance(value, Mapping) or not value:
        errors.add(
            field_name, "Give at least one partner's share, as a number (for example 60 and 40)"
        )
        return ()
    shares: list[PartnerShare] = []
    for code, weight in value.items():
        try:
            w = Decimal(str(weight))
        except InvalidOperation:
            errors.add(f"{field_name}.{code}", f"'{weight}' is not a number")
            continue
        if not w.is_finite() or w < 0:
            errors.add(f"{field_name}.{code}", "must be zero or more")
            continue
        shares.append(PartnerShare(str(code).strip().upper(), w))
    if shares and sum(s.weight for s in shares) == 0:
        errors.add(field_name, "at least one share must be more than zero")
    return tuple(shares)


def parse_provision(
    raw: Mapping[str, Any], errors: ErrorCollector, prefix: str
) -> RiskShareProvision | None:
    def f(name: str) -> str:
        return f"{prefix}.{name}"

    try:
        kind = ProvisionKind(str(raw.get("kind")))
    except ValueError:
        errors.add(f("kind"), "must be one of: " + ", ".join(k.value for k in ProvisionKind))
        return None
    allowed = _DIRECTIONS.get(kind)
    # A kind that can only apply one way needs no direction spelled out.
    fixed = fixed_direction(kind)
    default = fixed.value if fixed else "both"
    try:
        applies_to = VarianceDirection(raw.get("applies_to") or default)
    except ValueError:
        errors.add(f("applies_to"), "must be overspend, underspend or both")
        return None
    if allowed is not None and applies_to not in allowed:
        errors.add(
            f("applies_to"),
            f"a {kind.label.lower()} provision applies to "
            + " or ".join(sorted(d.value for d in allowed)),
        )
    try:
        description = parse.text(raw.get("description"), f("description"))
    except ValidationFailed as exc:
        errors.extend(exc)
        return None
    before = len(errors)  # to tell whether this provision added any
    kwargs: dict[str, Any] = {}

    if kind in (ProvisionKind.PROPORTIONAL, ProvisionKind.RETURN_PRO_RATA):
        try:
            kwargs["basis"] = ProportionBasis(raw.get("basis", ProportionBasis.CONTRIBUTIONS.value))
        except ValueError:
            errors.add(f("basis"), "must be one of: " + ", ".join(b.value for b in ProportionBasis))
    elif kind is ProvisionKind.CAPPED_SHARE:
        code = str(raw.get("partner_code") or "").strip().upper()
        if not code:
            errors.add(f("partner_code"), "name the partner whose share is capped")
        kwargs["partner_code"] = code or None
        has_cap, has_pct = (
            raw.get("cap") not in (None, ""),
            raw.get("cap_percent") not in (None, ""),
        )
        if has_cap == has_pct:
            errors.add(
                f("cap"), "give either a cap in pounds or a cap as a percentage of the contribution"
            )
        elif has_cap:
            kwargs["cap"] = _money(raw["cap"], f("cap"), errors)
        else:
            kwargs["cap_percent"] = _percent(raw["cap_percent"], f("cap_percent"), errors)
    elif kind is ProvisionKind.AGREED_RATIO:
        kwargs["shares"] = _shares(raw.get("shares"), f("shares"), errors)
    elif kind is ProvisionKind.TIERED:
        raw_tiers = raw.get("tiers")
        tiers: list[Tier] = []
        if not isinstance(raw_tiers, list) or not raw_tiers:
            errors.add(f("tiers"), "list at least one tier with its upper limit and shares")
            raw_tiers = []
        last: Money | None = None
        for i, t in enumerate(raw_tiers, start=1):
            tf = f(f"tiers[{i}]")
            if not isinstance(t, Mapping):
                errors.add(tf, "must have up_to and shares")
                continue
            up_to = None
            if t.get("up_to") not in (None, ""):
                up_to = _money(t["up_to"], f"{tf}.up_to", errors)
                if up_to is not None and last is not None and up_to <= last:
                    errors.add(f"{tf}.up_to", "tiers must rise: each limit above the one before")
                last = up_to or last
            elif i != len(raw_tiers):
                errors.add(f"{tf}.up_to", "only the last tier may be open-ended")
            tiers.append(Tier(up_to, _shares(t.get("shares"), f"{tf}.shares", errors)))
        kwargs["tiers"] = tuple(tiers)
    elif kind is ProvisionKind.RISK_POOL:
        kwargs["amount"] = _money(raw.get("amount"), f("amount"), errors)
    elif kind in (ProvisionKind.CONTINGENCY_RESERVE, ProvisionKind.PERFORMANCE_RELATED):
        has_amount = raw.get("amount") not in (None, "")
        has_pct = raw.get("percent") not in (None, "")
        if has_amount == has_pct:
            errors.add(f("amount"), "give either an amount in pounds or a percentage of the fund")
        elif has_amount:
            kwargs["amount"] = _money(raw["amount"], f("amount"), errors)
        else:
            kwargs["percent"] = _percent(raw["percent"], f("percent"), errors)
        if kind is ProvisionKind.PERFORMANCE_RELATED and not description:
            errors.add(
                f("description"),
                "say which metrics release the money and where unreleased money is redirected",
            )
    elif kind is ProvisionKind.ORDER_OF_APPLICATION:
        raw_steps = raw.get("steps")
        steps: list[ApplicationStep] = []
        if not isinstance(raw_steps, list) or not raw_steps:
            errors.add(f("steps"), "list the steps in the order they apply")
            raw_steps = []
        for s in raw_steps:
            try:
                step = ApplicationStep(s)
            except ValueError:
                errors.add(
                    f("steps"),
                    f"'{s}' is not a step; use: " + ", ".join(x.value for x in ApplicationStep),
                )
                continue
            if step in steps:
                errors.add(f("steps"), f"'{step.value}' appears twice")
            steps.append(step)
        kwargs["steps"] = tuple(steps)

    if len(errors) != before:
        return None
    return RiskShareProvision(kind=kind, applies_to=applies_to, description=description, **kwargs)


def parse_provisions(
    raw: Any, partner_codes: Collection[str] | None = None
) -> tuple[RiskShareProvision, ...]:
    """Validate a list of provisions (e.g. from JSON). Partner codes must be agreement partners."""
    errors = ErrorCollector()
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list):
        raise ValidationFailed.single("risk_share", "must be a list of provisions")
    provisions: list[RiskShareProvision] = []
    for i, item in enumerate(raw, start=1):
        prefix = f"risk_share[{i}]"
        if not isinstance(item, Mapping):
            errors.add(prefix, "must be an object with a kind")
            continue
        provision = parse_provision(item, errors, prefix)
        if provision is None:
            continue
        if partner_codes is not None:
            for code in sorted(provision.partner_codes - set(partner_codes)):
                errors.add(prefix, f"'{code}' is not a partner in this agreement")
        provisions.append(provision)
    errors.raise_if_any()
    return tuple(provisions)


# stored provisions ------------------------------------------------------------------------

# The shape ``RiskShareProvision.to_dict`` writes. Raise it when that shape changes, and teach
# ``upgrade_provisions`` (and a data migration calling it) to bring older ones up to date.
#   0: before versions were recorded: kinds and directions in any case ("Proportional"),
#      amounts as JSON numbers, partner codes in lower case.
#   1: exactly what ``to_dict`` writes.
RISK_SHARE_SCHEMA = 1


@dataclass(frozen=True, slots=True)
class UnreadableProvision:
    """A stored provision today's rules cannot read: shown as such, never hidden or fatal."""

    position: int  # 1 = the first
    raw: Any
    reason: str

    @property
    def message(self) -> str:
        return f"Provision {self.position} cannot be read: {self.reason}"


@dataclass(frozen=True, slots=True)
class StoredProvisions:
    """Provisions as read back from storage, in their stored order."""

    items: tuple[RiskShareProvision | UnreadableProvision, ...]

    @property
    def readable(self) -> tuple[RiskShareProvision, ...]:
        return tuple(p for p in self.items if isinstance(p, RiskShareProvision))

    @property
    def unreadable(self) -> tuple[UnreadableProvision, ...]:
        return tuple(p for p in self.items if isinstance(p, UnreadableProvision))


def read_stored_provisions(raw: Any) -> StoredProvisions:
    """Read provisions stored in the current schema, one by one: a provision that cannot be
    read is returned as ``UnreadableProvision`` with the reason, and the others still are."""
    if raw in (None, ""):
        return StoredProvisions(())
    if not isinstance(raw, list):
        return StoredProvisions(
            (UnreadableProvision(1, raw, "the stored risk share is not a list of provisions"),)
        )
    items: list[RiskShareProvision | UnreadableProvision] = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            items.append(UnreadableProvision(position, item, "it is not an object with a kind"))
            continue
        errors = ErrorCollector()
        try:
            provision = parse_provision(item, errors, "provision")
        except ValidationFailed as exc:
            errors.extend(exc)
            provision = None
        if errors or provision is None:
            reason = "; ".join(
                f"{e.field.removeprefix('provision.')} {e.message}" for e in errors.errors
            )
            items.append(UnreadableProvision(position, item, reason or "it has no kind"))
        else:
            items.append(provision)
    return StoredProvisions(tuple(items))


def _upgrade_from_0(item: Any) -> Any:
    """Schema 0 to 1: kinds, directions, bases and steps in lower case, then the canonical
    form (amounts as pounds strings, codes in upper case). Left alone if still unreadable."""
    if not isinstance(item, Mapping):
        return item
    fixed = dict(item)
    for key in ("kind", "applies_to", "basis"):
        if isinstance(fixed.get(key), str):
            fixed[key] = fixed[key].strip().lower().replace(" ", "_")
    if isinstance(fixed.get("steps"), list):
        fixed["steps"] = [
            s.strip().lower().replace(" ", "_") if isinstance(s, str) else s for s in fixed["steps"]
        ]
    errors = ErrorCollector()
    try:
        provision = parse_provision(fixed, errors, "provision")
    except ValidationFailed:
        return item
    if errors or provision is None:
        return item
    return provision.to_dict()


_UPGRADES = {0: _upgrade_from_0}


def upgrade_provisions(raw: Any, schema: int) -> list[Any]:
    """Bring provisions stored in ``schema`` up to ``RISK_SHARE_SCHEMA``, step by step.

    A provision no step can read is kept as it was, so nothing stored is lost; reads then
    show it as unreadable, with the reason.
    """
    if schema > RISK_SHARE_SCHEMA:
        raise ValueError(f"risk-share schema {schema} is newer than this code knows")
    items = list(raw) if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
    for version in range(schema, RISK_SHARE_SCHEMA):
        items = [_UPGRADES[version](item) for item in items]
    return items
