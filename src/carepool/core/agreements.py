"""Partnership agreements: their terms, the rules those terms must obey, and completeness.

``AgreementTerms`` is the pure form of an agreement. ``validate_terms`` refuses terms that break
a rule (a host that is not a partner, a break clause outside the term, ...). ``completeness``
lists what a complete pooled fund agreement must state (SI 2000/617 regulation 7 and the
clauses in domain.md section 4) and which of those items are missing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from carepool.core.errors import ErrorCollector
from carepool.core.periods import FinancialYear
from carepool.core.risk_share import RiskShareProvision, VarianceDirection


class ArrangementType(StrEnum):
    """The Audit Commission's typology of financial integration (domain.md section 3)."""

    GRANT_TRANSFER = "grant_transfer"
    CROSS_CHARGING = "cross_charging"
    ALIGNED_BUDGETS = "aligned_budgets"
    LEAD_COMMISSIONING = "lead_commissioning"
    POOLED_FUND = "pooled_fund"
    INTEGRATED_WITHOUT_POOL = "integrated_without_pool"
    INTEGRATED_WITH_POOL = "integrated_with_pool"
    STRUCTURAL_INTEGRATION = "structural_integration"

    @property
    def label(self) -> str:
        return ARRANGEMENT_LABELS[self]

    @property
    def pools_money(self) -> bool:
        return self in (ArrangementType.POOLED_FUND, ArrangementType.INTEGRATED_WITH_POOL)


ARRANGEMENT_LABELS = {
    ArrangementType.GRANT_TRANSFER: "Grant transfer",
    ArrangementType.CROSS_CHARGING: "Cross-charging",
    ArrangementType.ALIGNED_BUDGETS: "Aligned budgets",
    ArrangementType.LEAD_COMMISSIONING: "Lead commissioning",
    ArrangementType.POOLED_FUND: "Pooled fund",
    ArrangementType.INTEGRATED_WITHOUT_POOL: "Integrated management or provision without pooled funds",
    ArrangementType.INTEGRATED_WITH_POOL: "Integrated management or provision with pooled funds",
    ArrangementType.STRUCTURAL_INTEGRATION: "Structural integration",
}


class ReportingFrequency(StrEnum):
    MONTHLY = "monthly"
    SIX_WEEKLY = "six_weekly"
    QUARTERLY = "quarterly"

    @property
    def label(self) -> str:
        return {"monthly": "Monthly", "six_weekly": "Every six weeks", "quarterly": "Quarterly"}[
            self.value
        ]


@dataclass(frozen=True, slots=True)
class AgreementTerms:
    title: str
    area_code: str
    arrangement_type: ArrangementType
    partner_codes: tuple[str, ...]
    host_code: str
    start_date: date
    end_date: date
    break_clause_date: date | None = None
    governing_board: str = ""
    aims: str = ""
    outcomes: tuple[str, ...] = ()
    functions_covered: str = ""
    services_in_scope: str = ""
    staff_goods_accommodation: str = ""
    charges_to_people: str = ""
    reporting_frequency: ReportingFrequency | None = None
    risk_share: tuple[RiskShareProvision, ...] = ()
    # Stored provisions that could not be read, each "Provision 2 cannot be read: ...".
    unreadable_risk_share: tuple[str, ...] = ()
    overspend_protocol: str = ""
    exit_terms: str = ""
    audit_arrangements: str = ""
    variation_procedure: str = ""
    review_arrangements: str = ""


def validate_terms(terms: AgreementTerms, errors: ErrorCollector | None = None) -> ErrorCollector:
    """Check the rules that hold whatever the agreement's completeness. Adds to ``errors``."""
    errors = errors if errors is not None else ErrorCollector()
    if not terms.title.strip():
        errors.add("title", "Enter a title for the agreement")
    partners = list(terms.partner_codes)
    if len(set(partners)) != len(partners):
        errors.add("partners", "A partner is listed more than once")
    if len(set(partners)) < 2:
        errors.add("partners", "An agreement needs at least two partners")
    if terms.host_code not in partners:
        errors.add("host", "The host must be one of the partners")
    if terms.end_date <= terms.start_date:
        errors.add("end_date", "The end date must be after the start date")
    if terms.break_clause_date is not None and not (
        terms.start_date < terms.break_clause_date < terms.end_date
    ):
        errors.add(
            "break_clause_date",
            "The break clause must fall inside the term, after the start date and before the end date",
        )
    for i, outcome in enumerate(terms.outcomes, start=1):
        if not outcome.strip():
            errors.add(f"outcomes[{i}]", "An outcome cannot be blank")
    for i, provision in enumerate(terms.risk_share, start=1):
        for code in sorted(provision.partner_codes - set(partners)):
            errors.add(f"risk_share[{i}]", f"'{code}' is not a partner in this agreement")
    return errors


@dataclass(frozen=True, slots=True)
class CompletenessItem:
    key: str
    label: str
    why: str
    pooled_only: bool


@dataclass(frozen=True, slots=True)
class CompletenessResult:
    item: CompletenessItem
    status: str  # "present", "missing" or "not_applicable"
    detail: str = ""  # what exactly is missing, where an item has parts (years, partners)

    @property
    def missing(self) -> bool:
        return self.status == "missing"


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    results: tuple[CompletenessResult, ...]

    @property
    def missing(self) -> tuple[CompletenessItem, ...]:
        return tuple(r.item for r in self.results if r.missing)

    @property
    def complete(self) -> bool:
        return not self.missing


def _covers_both_directions(provisions: Collection[RiskShareProvision]) -> bool:
    directions = {p.applies_to for p in provisions}
    return (
        VarianceDirection.BOTH in directions
        or {
            VarianceDirection.OVERSPEND,
            VarianceDirection.UNDERSPEND,
        }
        <= directions
    )


_Check = Callable[[AgreementTerms, frozenset[str]], bool]


def missing_contributions(
    terms: AgreementTerms, contributed: Mapping[FinancialYear, Collection[str]]
) -> tuple[str, ...]:
    """For each year of the term, which partners have no contribution recorded."""
    partners = sorted(set(terms.partner_codes))
    gaps = []
    for year in FinancialYear.spanning(terms.start_date, terms.end_date):
        absent = [code for code in partners if code not in contributed.get(year, ())]
        if absent and len(absent) == len(partners):
            gaps.append(f"{year.label}: none recorded")
        elif absent:
            gaps.append(f"{year.label}: none from {', '.join(absent)}")
    return tuple(gaps)


_CHECKLIST: tuple[tuple[CompletenessItem, _Check], ...] = (
    (
        CompletenessItem(
            "aims", "Shared aims", "Regulation 7: the aims and outcomes of the arrangement", False
        ),
        lambda t, _c: bool(t.aims.strip()),
    ),
    (
        CompletenessItem(
            "outcomes",
            "Measurable outcomes",
            "Regulation 7: outcomes the partners will measure",
            False,
        ),
        lambda t, _c: bool(t.outcomes),
    ),
    (
        CompletenessItem(
            "partners_and_host",
            "Partners and host",
            "The host holds the fund and produces partners' statements",
            False,
        ),
        lambda t, _c: len(set(t.partner_codes)) >= 2 and t.host_code in t.partner_codes,
    ),
    (
        CompletenessItem(
            "contributions",
            "Each partner's contribution",
            "Regulation 7: each partner's contribution and how it may be varied",
            True,
        ),
        lambda t, c: bool(t.partner_codes),  # and every year of the term: see completeness
    ),
    (
        CompletenessItem(
            "functions",
            "NHS and health-related functions covered",
            "Regulation 7: the functions the arrangement covers",
            False,
        ),
        lambda t, _c: bool(t.functions_covered.strip()),
    ),
    (
        CompletenessItem(
            "services",
            "People and services in scope",
            "Regulation 7: the people and services covered",
            False,
        ),
        lambda t, _c: bool(t.services_in_scope.strip()),
    ),
    (
        CompletenessItem(
            "staff_goods_accommodation",
            "Staff, goods and accommodation",
            "Regulation 7: staff, goods and accommodation provided",
            False,
        ),
        lambda t, _c: bool(t.staff_goods_accommodation.strip()),
    ),
    (
        CompletenessItem(
            "governance",
            "Governance: the governing board",
            "Which board decides what, and its delegations",
            False,
        ),
        lambda t, _c: bool(t.governing_board.strip()),
    ),
    (
        CompletenessItem(
            "reporting",
            "Accountability and reporting",
            "How often the pool manager reports (monthly, six-weekly or quarterly)",
            False,
        ),
        lambda t, _c: t.reporting_frequency is not None,
    ),
    (
        CompletenessItem(
            "risk_share",
            "Risk share for overspends and underspends",
            "How overspends and underspends are split between partners",
            True,
        ),
        lambda t, _c: _covers_both_directions(t.risk_share),
    ),
    (
        CompletenessItem(
            "overspend_protocol",
            "Overspend protocol",
            "What happens when an overspend is forecast",
            True,
        ),
        lambda t, _c: bool(t.overspend_protocol.strip()),
    ),
    (
        CompletenessItem(
            "charges",
            "Charges to people for social care",
            "How charges to people are treated",
            False,
        ),
        lambda t, _c: bool(t.charges_to_people.strip()),
    ),
    (
        CompletenessItem(
            "audit",
            "Audit arrangements",
            "The host is responsible for the fund's accounts and audit",
            False,
        ),
        lambda t, _c: bool(t.audit_arrangements.strip()),
    ),
    (
        CompletenessItem(
            "term", "Duration and break clause", "Regulation 7: duration of the arrangement", False
        ),
        lambda t, _c: t.end_date > t.start_date,
    ),
    (
        CompletenessItem(
            "review", "Review arrangements", "Regulation 7: how the arrangement is reviewed", False
        ),
        lambda t, _c: bool(t.review_arrangements.strip()),
    ),
    (
        CompletenessItem(
            "variation",
            "Variation procedure",
            "Regulation 7: how the agreement and contributions may be varied",
            False,
        ),
        lambda t, _c: bool(t.variation_procedure.strip()),
    ),
    (
        CompletenessItem(
            "exit",
            "Exit and termination",
            "How remaining money and liabilities are divided on exit",
            False,
        ),
        lambda t, _c: bool(t.exit_terms.strip()),
    ),
)

CHECKLIST_ITEMS: tuple[CompletenessItem, ...] = tuple(item for item, _ in _CHECKLIST)


def completeness(
    terms: AgreementTerms, contributed: Mapping[FinancialYear, Collection[str]]
) -> CompletenessReport:
    """Which items a complete agreement must state are present, missing or not applicable.

    ``contributed``: for each financial year, the partners with a contribution recorded. Each
    partner's contribution must be there for every year of the term, including years whose
    rules are not yet published. Items marked ``pooled_only`` do not apply to arrangements
    that pool no money.
    """
    contributors = frozenset(code for codes in contributed.values() for code in codes)
    results = []
    for item, check in _CHECKLIST:
        detail = ""
        if item.pooled_only and not terms.arrangement_type.pools_money:
            status = "not_applicable"
        else:
            ok = check(terms, contributors)
            if ok and item.key == "contributions":
                gaps = missing_contributions(terms, contributed)
                ok, detail = not gaps, "; ".join(gaps)
            if item.key == "risk_share" and terms.unreadable_risk_share:
                ok, detail = False, "; ".join(terms.unreadable_risk_share)
            status = "present" if ok else "missing"
        results.append(CompletenessResult(item, status, detail))
    return CompletenessReport(tuple(results))
