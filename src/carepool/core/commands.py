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

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from carepool.core import parse
from carepool.core.agreements import AgreementTerms, ArrangementType, ReportingFrequency
from carepool.core.contributions import InstalmentFrequency
from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.money import Money
from carepool.core.periods import FinancialYear
from carepool.core.risk_share import RiskShareProvision, parse_provisions
from carepool.core.rules import Programme

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


# an agreement's terms ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgreementDraft:
    """An agreement's terms as far as they could be read (``None`` where a field could not).

    Codes are upper-cased and not yet looked up: whether an area or organisation exists is
    the service's check, reported in the same answer.
    """

    title: str | None
    arrangement_type: ArrangementType | None
    programme: Programme | None
    area_code: str
    partner_codes: tuple[str, ...]
    auditor_codes: tuple[str, ...]
    host_code: str
    start_date: date | None
    end_date: date | None
    break_clause_date: date | None
    outcomes: tuple[str, ...]
    reporting_frequency: ReportingFrequency | None
    texts: Mapping[str, str]  # the free-text terms, by field name
    risk_share: tuple[RiskShareProvision, ...]
    # When monitoring flags the pool (core/monitoring.py); not part of ``AgreementTerms``.
    overspend_threshold: Money | None = None
    overspend_threshold_percent: Decimal | None = None

    def terms(self) -> AgreementTerms:
        """The core terms, for the agreement's own rules (``validate_terms``); needs both
        dates. Fields that could not be read take neutral values, so that the rules report
        only what is wrong besides them."""
        assert self.start_date is not None
        assert self.end_date is not None
        return AgreementTerms(
            title=self.title or "",
            area_code=self.area_code,
            arrangement_type=self.arrangement_type or ArrangementType.POOLED_FUND,
            partner_codes=self.partner_codes,
            host_code=self.host_code,
            start_date=self.start_date,
            end_date=self.end_date,
            break_clause_date=self.break_clause_date,
            outcomes=self.outcomes,
            reporting_frequency=self.reporting_frequency,
            risk_share=self.risk_share,
            **self.texts,  # type: ignore[arg-type]  # only the free-text terms, all str
        )


def _risk_share_input(value: Any) -> Any:
    """Provisions as sent: a list, or JSON text of one (a form's hidden field, a CLI file)."""
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValidationFailed.single(
                "risk_share", f"is not valid JSON: {exc.msg} at character {exc.pos}"
            ) from None
    return value


def draft_agreement(
    data: Mapping[str, Any], text_limits: Mapping[str, int | None]
) -> tuple[AgreementDraft, ErrorCollector]:
    """Read an agreement's terms: ``title``, ``arrangement_type``, ``programme`` (default the
    Better Care Fund), ``area``, ``partners``, ``auditors``, ``host``, the dates, ``outcomes``,
    ``reporting_frequency``, ``risk_share`` and each free-text term named in ``text_limits``
    (with its longest allowed length, the column's)."""
    parse.check_storable(data)
    errors = ErrorCollector()

    def attempt(read: Any) -> Any:
        return _attempt(errors, read)

    reporting_raw = data.get("reporting_frequency")
    draft = AgreementDraft(
        title=attempt(
            lambda: parse.text(data.get("title"), "title", required=True, max_length=200)
        ),
        arrangement_type=attempt(
            lambda: parse.choice(data.get("arrangement_type"), ArrangementType, "arrangement_type")
        ),
        # Most agreements are Better Care Fund pools; others say so.
        programme=attempt(
            lambda: parse.choice(
                data.get("programme") or Programme.BCF.value, Programme, "programme"
            )
        ),
        area_code=str(data.get("area") or "").strip().upper(),
        partner_codes=attempt(lambda: parse.code_list(data.get("partners"), "partners")) or (),
        auditor_codes=attempt(lambda: parse.code_list(data.get("auditors"), "auditors")) or (),
        host_code=str(data.get("host") or "").strip().upper(),
        start_date=attempt(lambda: parse.required_day(data.get("start_date"), "start_date")),
        end_date=attempt(lambda: parse.required_day(data.get("end_date"), "end_date")),
        break_clause_date=attempt(
            lambda: parse.day(data.get("break_clause_date"), "break_clause_date", required=False)
        ),
        outcomes=attempt(lambda: parse.lines(data.get("outcomes"), "outcomes")) or (),
        reporting_frequency=None
        if parse.is_blank(reporting_raw)
        else attempt(
            lambda: parse.choice(reporting_raw, ReportingFrequency, "reporting_frequency")
        ),
        texts={
            field: attempt(lambda f=field, n=limit: parse.text(data.get(f), f, max_length=n)) or ""
            for field, limit in text_limits.items()
        },
        risk_share=attempt(lambda: parse_provisions(_risk_share_input(data.get("risk_share"))))
        or (),
        overspend_threshold=attempt(
            lambda: _optional_money(data.get("overspend_threshold"), "overspend_threshold")
        ),
        overspend_threshold_percent=attempt(
            lambda: _percent(data.get("overspend_threshold_percent"), "overspend_threshold_percent")
        ),
    )
    return draft, errors


def _optional_money(value: Any, field: str) -> Money | None:
    if isinstance(value, Money):
        return value
    return None if parse.is_blank(value) else parse.money(value, field)


def _percent(value: Any, field: str) -> Decimal | None:
    """A percentage above 0 and at most 100, with at most two decimal places; blank: none."""
    if parse.is_blank(value):
        return None
    if isinstance(value, (bool, float)):
        value = repr(value) if isinstance(value, float) else ""
    try:
        percent = Decimal(str(value).strip().removesuffix("%").strip())
    except InvalidOperation:
        percent = None
    if percent is None or not percent.is_finite():
        raise ValidationFailed.single(field, f"'{value}' is not a percentage; write it like 2.5")
    if not Decimal(0) < percent <= Decimal(100):
        raise ValidationFailed.single(field, "must be more than 0 and at most 100")
    if percent != percent.quantize(Decimal("0.01")):
        raise ValidationFailed.single(field, "has more than two decimal places")
    return percent.quantize(Decimal("0.01"))
