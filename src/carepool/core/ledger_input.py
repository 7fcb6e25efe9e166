"""Reading single ledger entries from raw input: the one typed command for each write.

Every interface (web form, API JSON, CLI options) hands its raw values to these functions,
which return core ``Transfer`` values (``carepool.core.ledger``) or refuse with every problem
at once, each naming its field in plain English (``date``, ``scheme``, ``amount`` ...).

The ledger services pass in what the input is checked against (the schemes the year's plan
or register names, the agreement's partners, its dates, the closed months and today), so the
rules stay pure and testable without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from carepool.core import ledger as core
from carepool.core import parse
from carepool.core.errors import ErrorCollector, ValidationFailed, shown
from carepool.core.money import Money

T = TypeVar("T")

PROVIDER_MAX = 200
DESCRIPTION_MAX = 300
REFERENCE_MAX = 100
REASON_MAX = 280  # kept in the adjusting entry's description with a short prefix


@dataclass(frozen=True, slots=True)
class LedgerContext:
    """What an entry is checked against: the agreement as it is now."""

    schemes: Mapping[str, str]  # code -> name the entry's year may name
    partners: Collection[str]  # partner organisation codes
    start: date  # the agreement's first day
    end: date  # its last day
    today: date
    closed: frozenset[int]  # month keys (yyyymm) closed for the agreement


def _attempt(errors: ErrorCollector, read: Callable[[], T]) -> T | None:
    try:
        return read()
    except ValidationFailed as failure:
        errors.extend(failure)
        return None


def _check_day(errors: ErrorCollector, day: date | None, ctx: LedgerContext, field: str) -> None:
    if day is None:
        return
    if not ctx.start <= day <= ctx.end:
        errors.add(
            field,
            f"{day:%-d %B %Y} is outside the agreement, which runs from "
            f"{ctx.start:%-d %B %Y} to {ctx.end:%-d %B %Y}",
        )
    elif day > ctx.today:
        errors.add(field, f"{day:%-d %B %Y} is in the future: record what has happened")
    elif core.month_key(day) in ctx.closed:
        errors.add(
            field,
            f"{core.month_name(core.month_key(day))} is closed: date the entry in an open month, "
            "or correct the line it changes",
        )


def _scheme(errors: ErrorCollector, value: Any, ctx: LedgerContext, field: str = "scheme") -> str:
    code = _attempt(errors, lambda: parse.text(value, field, required=True, max_length=20))
    if code is None:
        return ""
    if code not in ctx.schemes:
        known = ", ".join(sorted(ctx.schemes)) or "none yet: register one or start the plan"
        errors.add(field, f"'{shown(code)}' is not a scheme of this pool; known schemes: {known}")
        return ""
    return code


def _partner(errors: ErrorCollector, value: Any, ctx: LedgerContext, field: str = "partner") -> str:
    code = _attempt(errors, lambda: parse.text(value, field, required=True, max_length=50))
    if code is None:
        return ""
    if code not in ctx.partners:
        errors.add(
            field,
            f"'{shown(code)}' is not a partner in this agreement; give one of: "
            f"{', '.join(sorted(ctx.partners))}",
        )
        return ""
    return code


def _text(errors: ErrorCollector, data: Mapping[str, Any], field: str, limit: int) -> str:
    return _attempt(errors, lambda: parse.text(data.get(field), field, max_length=limit)) or ""


def parse_actual(data: Mapping[str, Any], ctx: LedgerContext) -> core.Transfer:
    """A spend line (a negative amount is a refund or credit note) as a transfer.

    Fields: date, scheme, partner (the one responsible), amount (pounds, signed, not zero),
    provider, description, reference (the partner's own invoice or journal number).
    """
    parse.check_storable(data)
    errors = ErrorCollector()
    day = _attempt(errors, lambda: parse.required_day(data.get("date"), "date"))
    _check_day(errors, day, ctx, "date")
    scheme = _scheme(errors, data.get("scheme"), ctx)
    partner = _partner(errors, data.get("partner"), ctx)
    amount = _attempt(
        errors, lambda: parse.money(data.get("amount"), "amount", allow_negative=True)
    )
    if amount is not None and amount.pence == 0:
        errors.add("amount", "cannot be zero: give the amount spent, or a negative refund")
    detail = core.LineDetail(
        provider=_text(errors, data, "provider", PROVIDER_MAX),
        description=_text(errors, data, "description", DESCRIPTION_MAX),
        reference=_text(errors, data, "reference", REFERENCE_MAX),
    )
    errors.raise_if_any()
    assert day is not None
    assert amount is not None
    return core.actual(scheme, partner, amount, day, detail)


def parse_commitment(
    data: Mapping[str, Any], ctx: LedgerContext, taken: Collection[str]
) -> core.Transfer:
    """An order placed: date, scheme, partner, amount (> 0), reference (required, not one of
    ``taken``, the agreement's commitment references so far), provider, description."""
    parse.check_storable(data)
    errors = ErrorCollector()
    day = _attempt(errors, lambda: parse.required_day(data.get("date"), "date"))
    _check_day(errors, day, ctx, "date")
    scheme = _scheme(errors, data.get("scheme"), ctx)
    partner = _partner(errors, data.get("partner"), ctx)
    amount = _attempt(errors, lambda: parse.money(data.get("amount"), "amount"))
    if amount is not None and amount.pence == 0:
        errors.add("amount", "must be more than £0.00")
    reference = _attempt(
        errors,
        lambda: parse.text(data.get("reference"), "reference", required=True, max_length=100),
    )
    if reference and reference in taken:
        errors.add(
            "reference",
            f"This agreement already has a commitment {shown(reference)}: "
            "give each order its own reference",
        )
    description = _text(errors, data, "description", DESCRIPTION_MAX)
    provider = _text(errors, data, "provider", PROVIDER_MAX)
    errors.raise_if_any()
    assert day is not None
    assert amount is not None
    assert reference
    detail = core.LineDetail(provider=provider, description=description, reference=reference)
    return core.commitment(scheme, partner, amount, day, detail)


def parse_release_day(data: Mapping[str, Any], ctx: LedgerContext) -> date:
    """The day a commitment is cancelled (today when not given)."""
    parse.check_storable(data)
    errors = ErrorCollector()
    given = _attempt(errors, lambda: parse.day(data.get("date"), "date", required=False))
    day = given or ctx.today
    _check_day(errors, day, ctx, "date")
    errors.raise_if_any()
    return day


def parse_reason(value: Any, field: str = "reason") -> str:
    reason = parse.text(value, field, max_length=REASON_MAX)
    if not reason:
        raise ValidationFailed.single(field, "Give a reason (it is kept in the audit trail)")
    return reason


def parse_correction(
    data: Mapping[str, Any],
    ctx: LedgerContext,
    *,
    original_id: int,
    original_scheme: str,
    original_partner: str,
) -> core.Transfer:
    """The adjusting entry for a spend line in a closed month: dated in an open month, the
    amount is the signed change to spend (negative: the line overstated it), on the original
    line's scheme and partner unless others are given (a line put on the wrong scheme is two
    corrections: minus on the original, plus on the right one)."""
    parse.check_storable(data)
    errors = ErrorCollector()
    day = _attempt(errors, lambda: parse.required_day(data.get("date"), "date"))
    _check_day(errors, day, ctx, "date")
    scheme = (
        _scheme(errors, data.get("scheme"), ctx)
        if not parse.is_blank(data.get("scheme"))
        else original_scheme
    )
    partner = (
        _partner(errors, data.get("partner"), ctx)
        if not parse.is_blank(data.get("partner"))
        else original_partner
    )
    amount = _attempt(
        errors, lambda: parse.money(data.get("amount"), "amount", allow_negative=True)
    )
    if amount is not None and amount.pence == 0:
        errors.add("amount", "cannot be zero: give the change to the line, like -120.00")
    reason = _attempt(errors, lambda: parse_reason(data.get("reason")))
    errors.raise_if_any()
    assert day is not None
    assert amount is not None
    assert reason
    detail = core.LineDetail(description=f"Correction of line {original_id}: {reason}")
    return core.adjustment(scheme, partner, amount, day, detail)


# One reading of a month for every interface (kept importable from here).
parse_month = core.parse_month
month_text = core.month_text


def signed_spend(transfer: core.Transfer) -> Money:
    """What the transfer adds to spend: positive for spend, negative for a refund."""
    if transfer.debit.kind is core.AccountKind.SPEND:
        return transfer.amount
    if transfer.credit.kind is core.AccountKind.SPEND:
        return -transfer.amount
    return Money.zero()
