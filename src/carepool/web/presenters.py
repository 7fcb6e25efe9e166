"""Read-only helpers that turn selector results into what the pages show.

Nothing here writes, and nothing here decides what a user may do: the services decide that.
``actions_for`` only chooses which buttons to offer; a button offered by mistake still ends
in the service's refusal (shown as a 403 page), and a refusal never depends on this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from carepool.accounts.models import Role
from carepool.agreements import selectors as agreement_selectors
from carepool.agreements.models import Agreement, Contribution
from carepool.agreements.services import agreement_snapshot
from carepool.audit.models import AuditEvent
from carepool.audit.readable import ReadableEvent, readable
from carepool.core.agreements import ArrangementType, CompletenessReport, ReportingFrequency
from carepool.core.contributions import Instalment, InstalmentFrequency
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money, total
from carepool.core.organisations import AreaKind, CodeSystem, OrganisationType
from carepool.core.periods import FinancialYear
from carepool.core.risk_share import (
    PartnerShare,
    RiskShareProvision,
    VarianceDirection,
    parse_provisions,
)
from carepool.core.rules import Programme, YearRules, load_rules
from carepool.organisations import selectors as organisation_selectors
from carepool.organisations.models import Organisation

if TYPE_CHECKING:
    from carepool.accounts.models import User


# labels -------------------------------------------------------------------------------


def arrangement_label(value: str) -> str:
    try:
        return ArrangementType(value).label
    except ValueError:
        return value


def reporting_label(value: str) -> str:
    try:
        return ReportingFrequency(value).label
    except ValueError:
        return value or "Not stated"


def frequency_label(value: str) -> str:
    try:
        return InstalmentFrequency(value).label
    except ValueError:
        return value


def organisation_type_label(value: str) -> str:
    try:
        return OrganisationType(value).label
    except ValueError:
        return value


def code_system_label(value: str) -> str:
    try:
        return CodeSystem(value).label
    except ValueError:
        return value


def area_kind_label(value: str) -> str:
    try:
        return AreaKind(value).label
    except ValueError:
        return value


def today() -> date:
    return timezone.localdate()


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "Not stated"


def when(moment: datetime, *, seconds: bool = False) -> str:
    """A moment in UK local time, as people read it."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M{':%S' if seconds else ''}}"


def choices(enum: Iterable[Any]) -> list[dict[str, str]]:
    return [{"value": e.value, "text": e.label} for e in enum]


ARRANGEMENT_CHOICES = choices(ArrangementType)
PROGRAMME_CHOICES = choices(Programme)
REPORTING_CHOICES = choices(ReportingFrequency)
FREQUENCY_CHOICES = choices(InstalmentFrequency)
ORGANISATION_TYPE_CHOICES = choices(OrganisationType)
CODE_SYSTEM_CHOICES = choices(CodeSystem)


# what to offer ------------------------------------------------------------------------


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
        delete=edit and not agreement.contributions.exists() and not agreement.approvals.exists(),
    )


def may_create(user: User) -> bool:
    """Finance officers add organisations and agreements (the services check again)."""
    return user.has_role(Role.FINANCE_OFFICER)


# organisations ------------------------------------------------------------------------


def agreements_of_organisation(user: User, organisation: Organisation) -> QuerySet[Agreement]:
    """The organisation's agreements that this user may see, and no others."""
    return agreement_selectors.visible_agreements_with_partner(user, organisation.pk).order_by(
        "title"
    )


# areas and population -----------------------------------------------------------------


@dataclass(frozen=True)
class AgeBand:
    label: str
    min_age: int
    max_age: int | None
    persons: int
    percent: Decimal


@dataclass(frozen=True)
class PopulationView:
    year: FinancialYear
    bands: list[AgeBand]
    total: int
    note: str
    estimate_year: int

    @property
    def largest(self) -> int:
        return max((b.persons for b in self.bands), default=0)


# 85+ is part of 65+; both are shown because both are planning denominators.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Aged 0 to 17", 0, 17),
    ("Aged 18 to 64", 18, 64),
    ("Aged 65 and over", 65, None),
    ("Aged 85 and over", 85, None),
)


def population_view(area_code: str, year: FinancialYear) -> PopulationView:
    """People by broad age band. Raises ``ValidationFailed`` when no estimate can answer."""
    everyone = organisation_selectors.population(area_code, year, 0, None)
    whole = everyone.count.persons
    bands = []
    for label, low, high in AGE_BANDS:
        answer = organisation_selectors.population(area_code, year, low, high)
        persons = answer.count.persons
        percent = (
            (Decimal(persons * 100) / Decimal(whole)).quantize(Decimal("0.1"))
            if whole
            else Decimal(0)
        )
        bands.append(AgeBand(label, low, high, persons, percent))
    return PopulationView(year, bands, whole, everyone.note, everyone.count.estimate_year)


def population_years(area_code: str) -> list[FinancialYear]:
    """Years to offer, newest first: from the first estimate loaded to this year at least.

    Years after the latest estimate are answered from that estimate, and the page says so.
    """
    loaded = organisation_selectors.estimate_years(area_code)
    if not loaded:
        return []
    last = max(loaded[-1], FinancialYear.containing(today()).start_year)
    return [FinancialYear(y) for y in range(last, loaded[0] - 1, -1)]


def latest_estimate_year(area_code: str) -> FinancialYear | None:
    loaded = organisation_selectors.estimate_years(area_code)
    return FinancialYear(loaded[-1]) if loaded else None


# agreements ---------------------------------------------------------------------------


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
    try:
        provisions = parse_provisions(agreement.risk_share)
    except ValidationFailed:  # stored by an older rule set; show what can be shown
        return []
    return [
        ProvisionView(i, p.kind.label, _DIRECTION_TEXT[p.applies_to], _provision_details(p, names))
        for i, p in enumerate(provisions, start=1)
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


def stream_names(year: FinancialYear, programme: str = Programme.BCF) -> dict[str, str]:
    rules = year_rules(year, programme)
    return {s.code: s.name for s in rules.funding_streams} if rules else {}


def term_years(agreement: Agreement) -> list[FinancialYear]:
    """Every financial year of the agreement's term: money may be recorded for each."""
    return list(FinancialYear.spanning(agreement.start_date, agreement.end_date))


def year_rules(year: FinancialYear, programme: str = Programme.BCF) -> YearRules | None:
    """The year's rules (possibly provisional), or None where there are none at all."""
    try:
        return load_rules().for_year(year, Programme(programme))
    except ValidationFailed:
        return None


def rules_note(year: FinancialYear, programme: str) -> str:
    """Said beside money that relies on rules not yet published for its year."""
    rules = year_rules(year, programme)
    return rules.provisional_note if rules else ""


@dataclass(frozen=True)
class ContributionRow:
    contribution: Contribution
    partner: str
    stream: str
    mandated: bool
    original: Money
    current: Money


@dataclass(frozen=True)
class YearContributions:
    year: FinancialYear
    rows: list[ContributionRow]
    by_partner: list[tuple[str, Money]]
    by_stream: list[tuple[str, Money]]
    mandated: Money
    additional: Money
    overall: Money
    rules_note: str


def contributions_view(agreement: Agreement) -> list[YearContributions]:
    names = {o.code: o.name for o in agreement_selectors.partner_organisations(agreement)}
    years = []
    for year in agreement_selectors.contribution_years(agreement):
        summary = agreement_selectors.year_summary(agreement, year)
        streams = stream_names(year, agreement.programme)
        rows = [
            ContributionRow(
                model,
                model.partner.name,
                streams.get(core.stream_code, core.stream_code),
                core.mandated,
                core.original_amount,
                core.amount,
            )
            for model, core in summary.contributions
        ]
        t = summary.totals
        years.append(
            YearContributions(
                year,
                rows,
                sorted(((names.get(c, c), m) for c, m in t.by_partner.items()), key=lambda x: x[0]),
                sorted(
                    ((streams.get(c, c), m) for c, m in t.by_stream.items()), key=lambda x: x[0]
                ),
                t.mandated,
                t.additional,
                t.overall,
                summary.rules_note,
            )
        )
    return years


@dataclass(frozen=True)
class ApprovalsView:
    approved: list[dict[str, str]]
    waiting: list[str]


def approvals_view(agreement: Agreement) -> ApprovalsView:
    approvals = list(agreement_selectors.approvals_of(agreement))
    done = {a.organisation_id for a in approvals}
    return ApprovalsView(
        [
            {
                "organisation": a.organisation.name,
                "by": a.approved_by.display_name,
                "at": when(a.approved_at),
            }
            for a in approvals
        ],
        [o.name for o in agreement_selectors.partner_organisations(agreement) if o.pk not in done],
    )


# contributions ------------------------------------------------------------------------


@dataclass(frozen=True)
class VariationRow:
    effective_date: date
    change: Money
    amount_after: Money
    reason: str
    recorded_by: str
    recorded_at: str


def variations_view(contribution: Contribution) -> list[VariationRow]:
    running = Money(contribution.original_amount_pence)
    rows = []
    for v in contribution.variations.all().order_by("effective_date", "id"):
        running += Money(v.change_pence)
        rows.append(
            VariationRow(
                v.effective_date,
                Money(v.change_pence),
                running,
                v.reason,
                v.created_by.display_name if v.created_by else "System",
                when(v.created_at),
            )
        )
    return rows


@dataclass(frozen=True)
class ScheduleView:
    instalments: tuple[Instalment, ...]
    total: Money


def schedule_view(contribution: Contribution) -> ScheduleView:
    instalments = agreement_selectors.schedule_of(contribution)
    return ScheduleView(instalments, total(i.amount for i in instalments))


def contribution_amounts(contribution: Contribution) -> tuple[Money, Money]:
    core = agreement_selectors.to_core_contribution(contribution)
    return core.original_amount, core.amount


# audit history ------------------------------------------------------------------------


def history_view(events: Iterable[AuditEvent]) -> list[ReadableEvent]:
    """The trail in words: money as pounds, organisations and streams by name, long dates."""
    return readable(events)
