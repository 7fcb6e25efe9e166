"""Contributions to a pooled fund: validation, variations, instalments and totals.

A contribution is what one partner puts into one agreement, for one financial year, from one
funding stream. It starts at ``original_amount``; each ``Variation`` changes it from an
effective date, with a reason. Variations are never edited or removed: history stays whole.

Instalment rule (docs/adr/0002-money.md): the original amount is split equally over the
instalments of the chosen frequency (due on the first day of each month, quarter, half year or
year), earlier instalments taking the odd pence. A variation is spread equally over the
instalments not yet due on its effective date; if none remain it becomes an adjustment
instalment on that date. The schedule therefore always sums to the current amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.money import Money, split_equally, total
from carepool.core.organisations import OrganisationType
from carepool.core.periods import FinancialYear
from carepool.core.rules import YearRules


class InstalmentFrequency(StrEnum):
    ANNUAL = "annual"
    HALF_YEARLY = "half_yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"

    @property
    def instalments_per_year(self) -> int:
        return {"annual": 1, "half_yearly": 2, "quarterly": 4, "monthly": 12}[self.value]

    @property
    def label(self) -> str:
        return {
            "annual": "One annual payment",
            "half_yearly": "Two half-yearly instalments",
            "quarterly": "Four quarterly instalments",
            "monthly": "Twelve monthly instalments",
        }[self.value]

    def due_dates(self, year: FinancialYear) -> tuple[date, ...]:
        step = 12 // self.instalments_per_year
        return tuple(year.periods[i].start for i in range(0, 12, step))


@dataclass(frozen=True, slots=True)
class Variation:
    effective_date: date
    change: Money
    reason: str


@dataclass(frozen=True, slots=True)
class Contribution:
    year: FinancialYear
    partner_code: str
    stream_code: str
    mandated: bool
    original_amount: Money
    frequency: InstalmentFrequency
    variations: tuple[Variation, ...] = ()

    def amount_at(self, day: date | None = None) -> Money:
        """The amount in force on ``day`` (all variations when ``day`` is None)."""
        return self.original_amount + total(
            v.change for v in self.variations if day is None or v.effective_date <= day
        )

    @property
    def amount(self) -> Money:
        return self.amount_at(None)


@dataclass(frozen=True, slots=True)
class Instalment:
    due_date: date
    amount: Money
    is_adjustment: bool = False


def instalment_schedule(contribution: Contribution) -> tuple[Instalment, ...]:
    dues = contribution.frequency.due_dates(contribution.year)
    amounts = dict(zip(dues, split_equally(contribution.original_amount, len(dues)), strict=True))
    adjustments: dict[date, Money] = {}
    for variation in sorted(contribution.variations, key=lambda v: v.effective_date):
        remaining = [d for d in dues if d >= variation.effective_date]
        if remaining:
            for d, share in zip(
                remaining, split_equally(variation.change, len(remaining)), strict=True
            ):
                amounts[d] += share
        else:
            adjustments[variation.effective_date] = (
                adjustments.get(variation.effective_date, Money.zero()) + variation.change
            )
    schedule = [Instalment(d, amounts[d]) for d in dues]
    schedule += [Instalment(d, m, is_adjustment=True) for d, m in adjustments.items()]
    return tuple(sorted(schedule, key=lambda i: (i.due_date, i.is_adjustment)))


def validate_contribution(
    rules: YearRules,
    partner_type: OrganisationType,
    stream_code: str,
    mandated: bool,
    amount: Money,
) -> None:
    """Refuse a contribution the year's rules do not allow. Names the field."""
    errors = ErrorCollector()
    try:
        stream = rules.stream(stream_code)
    except ValidationFailed as exc:
        errors.extend(exc)
        stream = None
    if amount.pence < 0:
        errors.add("amount", "A contribution cannot be negative")
    if stream is not None:
        if partner_type not in stream.contributors:
            allowed = ", ".join(sorted(t.label.lower() for t in stream.contributors))
            errors.add(
                "partner",
                f"{stream.name} in {rules.year.label} can only come from: {allowed}",
            )
        if not stream.nature.allows(mandated):
            kind = "mandated (national minimum)" if mandated else "additional"
            errors.add(
                "mandated",
                f"{stream.name} is a {stream.nature.value} stream; it cannot be recorded as {kind}",
            )
    errors.raise_if_any()


def validate_variation(contribution: Contribution, variation: Variation) -> None:
    """A variation needs a reason, a date inside the year, and never takes the amount below zero."""
    errors = ErrorCollector()
    if not variation.reason.strip():
        errors.add("reason", "Give the reason for the variation")
    if variation.effective_date not in contribution.year:
        errors.add(
            "effective_date",
            f"The effective date must fall in {contribution.year.label} "
            f"({contribution.year.start:%d %B %Y} to {contribution.year.end:%d %B %Y})",
        )
    if not variation.change:
        errors.add("change", "A variation must change the amount")
    varied = Contribution(
        contribution.year,
        contribution.partner_code,
        contribution.stream_code,
        contribution.mandated,
        contribution.original_amount,
        contribution.frequency,
        (*contribution.variations, variation),
    )
    checkpoints = sorted({v.effective_date for v in varied.variations})
    if any(varied.amount_at(d).is_negative for d in checkpoints):
        errors.add(
            "change", f"This would take the contribution below £0 (it is {contribution.amount} now)"
        )
    errors.raise_if_any()


@dataclass(frozen=True, slots=True)
class ContributionTotals:
    by_partner: Mapping[str, Money]
    by_stream: Mapping[str, Money]
    mandated: Money
    additional: Money
    overall: Money


def summarise(contributions: Iterable[Contribution]) -> ContributionTotals:
    """Totals per partner, per stream and overall, all from the same current amounts."""
    by_partner: dict[str, Money] = defaultdict(Money.zero)
    by_stream: dict[str, Money] = defaultdict(Money.zero)
    mandated = additional = Money.zero()
    for c in contributions:
        amount = c.amount
        by_partner[c.partner_code] += amount
        by_stream[c.stream_code] += amount
        if c.mandated:
            mandated += amount
        else:
            additional += amount
    return ContributionTotals(
        dict(by_partner), dict(by_stream), mandated, additional, mandated + additional
    )
