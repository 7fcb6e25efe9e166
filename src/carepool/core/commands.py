"""Typed commands read from raw input, before anything needs the database.

A web form, a JSON body or a CLI option all arrive as a mapping of loosely typed values. The
readers here turn one into typed values (``FinancialYear``, ``Money``, enums, dates) or report
every unreadable field at once, each by name. Services then only do what needs the database:
look up partners and rules, check permissions, and store.

Each reader comes in two forms. ``read_*`` gives a complete command or raises
``ValidationFailed`` naming every field. ``draft_*`` gives what could be read (``None`` where a
field could not) together with the problems, so a service can go on to report the checks that
need the database (a partner not in the agreement, a year outside its term) in the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from carepool.core import parse
from carepool.core.contributions import InstalmentFrequency
from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.money import Money
from carepool.core.periods import FinancialYear

REASON_MAX_LENGTH = 2000


def _attempt(errors: ErrorCollector, read: Any) -> Any:
    try:
        return read()
    except ValidationFailed as exc:
        errors.extend(exc)
        return None


# a new contribution ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewContribution:
    """What a partner puts into an agreement for a year from a funding stream."""

    year: FinancialYear
    partner_code: str
    stream_code: str
    mandated: bool
    amount: Money
    frequency: InstalmentFrequency


@dataclass(frozen=True, slots=True)
class NewContributionDraft:
    """A new contribution as far as it could be read: ``None`` where a field could not."""

    year: FinancialYear | None
    partner_code: str
    stream_code: str
    mandated: bool | None
    amount: Money | None
    frequency: InstalmentFrequency | None


def draft_new_contribution(
    data: Mapping[str, Any],
) -> tuple[NewContributionDraft, ErrorCollector]:
    """Read ``year``, ``amount``, ``mandated``, ``frequency`` (default quarterly),
    ``funding_stream`` and ``partner`` (a code; upper-cased)."""
    parse.check_storable(data)
    errors = ErrorCollector()
    year = _attempt(errors, lambda: parse.year(data.get("year")))
    amount = _attempt(errors, lambda: parse.money(data.get("amount"), "amount"))
    mandated = None
    if parse.is_blank(data.get("mandated")):
        errors.add(
            "mandated", "Say whether the contribution is mandated (national minimum) or additional"
        )
    else:
        mandated = _attempt(errors, lambda: parse.boolean(data.get("mandated"), "mandated"))
    frequency = _attempt(
        errors,
        lambda: parse.choice(
            data.get("frequency") or "quarterly", InstalmentFrequency, "frequency"
        ),
    )
    stream_code = str(data.get("funding_stream") or "").strip()
    if not stream_code:
        errors.add("funding_stream", "Choose the funding stream")
    partner_code = str(data.get("partner") or "").strip().upper()
    if not partner_code:
        errors.add("partner", "Choose the partner")
    draft = NewContributionDraft(year, partner_code, stream_code, mandated, amount, frequency)
    return draft, errors


def read_new_contribution(data: Mapping[str, Any]) -> NewContribution:
    """A complete new contribution, or ``ValidationFailed`` naming every unreadable field."""
    draft, errors = draft_new_contribution(data)
    errors.raise_if_any()
    assert draft.year is not None
    assert draft.mandated is not None
    assert draft.amount is not None
    assert draft.frequency is not None
    return NewContribution(
        draft.year,
        draft.partner_code,
        draft.stream_code,
        draft.mandated,
        draft.amount,
        draft.frequency,
    )


# a variation to a contribution -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContributionVariationInput:
    """A change to a contribution from a date: either ``change`` (+/-) or ``new_amount``.

    Exactly one of the two is set; turning a new amount into a change needs the amount in
    force on the date, which the service knows.
    """

    effective_date: date
    reason: str
    change: Money | None
    new_amount: Money | None


@dataclass(frozen=True, slots=True)
class ContributionVariationDraft:
    effective_date: date | None
    reason: str
    change: Money | None
    new_amount: Money | None


def draft_contribution_variation(
    data: Mapping[str, Any],
) -> tuple[ContributionVariationDraft, ErrorCollector]:
    """Read ``effective_date``, ``reason`` and one of ``change`` or ``new_amount``.

    A missing reason is not reported here: the rules of a variation (core.contributions
    ``validate_variation``) say so once the whole variation is known.
    """
    parse.check_storable(data)
    errors = ErrorCollector()
    effective = _attempt(
        errors, lambda: parse.required_day(data.get("effective_date"), "effective_date")
    )
    reason = (
        _attempt(
            errors,
            lambda: parse.text(data.get("reason"), "reason", max_length=REASON_MAX_LENGTH),
        )
        or ""
    )
    has_change = not parse.is_blank(data.get("change"))
    has_new = not parse.is_blank(data.get("new_amount"))
    change = new_amount = None
    if has_change and has_new:
        errors.add("change", "Give either the change in pounds or the new amount, not both")
    elif not has_change and not has_new:
        errors.add("change", "Give the change in pounds, or the new amount from that date")
    elif has_change:
        change = _attempt(
            errors, lambda: parse.money(data.get("change"), "change", allow_negative=True)
        )
    else:
        new_amount = _attempt(errors, lambda: parse.money(data.get("new_amount"), "new_amount"))
    return ContributionVariationDraft(effective, reason, change, new_amount), errors


def read_contribution_variation(data: Mapping[str, Any]) -> ContributionVariationInput:
    """A complete variation, or ``ValidationFailed`` naming every unreadable field."""
    draft, errors = draft_contribution_variation(data)
    if not draft.reason and "reason" not in errors.fields:
        errors.add("reason", "Give the reason for the variation")
    errors.raise_if_any()
    assert draft.effective_date is not None
    return ContributionVariationInput(
        draft.effective_date, draft.reason, draft.change, draft.new_amount
    )
