"""Contributions: a year's money with its rules, variations and instalments.

Read-only: nothing here writes or decides what a user may do; the services decide that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from carepool.agreements import selectors as agreement_selectors
from carepool.agreements.models import Agreement, Contribution
from carepool.core.contributions import Instalment
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money, total
from carepool.core.periods import FinancialYear
from carepool.core.rules import Programme, YearRules, load_rules
from carepool.core.shares import shares
from carepool.web.presenters.common import when

if TYPE_CHECKING:
    pass


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
    # (partner, total, share of the year's pool as "40.0%", or "None" when nothing is pooled)
    by_partner_shares: list[tuple[str, Money, str]]


def contributions_view(agreement: Agreement) -> list[YearContributions]:
    names = {o.code: o.name for o in agreement_selectors.partner_organisations(agreement)}
    years = []
    for summary in agreement_selectors.year_summaries(agreement):
        year = summary.year
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
        percentages = shares(t.by_partner)
        by_partner_shares = sorted(
            (
                (names.get(c, c), m, "None" if percentages[c] is None else f"{percentages[c]}%")
                for c, m in t.by_partner.items()
            ),
            key=lambda x: x[0],
        )
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
                by_partner_shares,
            )
        )
    return years


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
