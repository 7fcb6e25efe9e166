"""Reading user input (form fields, API JSON, CLI options, spreadsheet cells) into domain values.

Each function takes the raw value and the field's name and raises ``ValidationFailed`` with a
message a person can act on. Web, API, CLI and importers all use these, so the same mistake
gets the same message everywhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from carepool.core.errors import ValidationFailed
from carepool.core.money import MAX_INPUT_PENCE, Money, MoneyError
from carepool.core.periods import FinancialYear, PeriodError

E = TypeVar("E", bound=StrEnum)

_TRUE = {"true", "yes", "y", "1", "on", "mandated"}
_FALSE = {"false", "no", "n", "0", "off", "additional", ""}


def _refuse_nul(value: str, field: str) -> None:
    # A NUL character is never typed by a person, and PostgreSQL cannot store it in text.
    if "\x00" in value:
        raise ValidationFailed.single(field, "contains a character that is not allowed (NUL)")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationFailed.single(field, "must be text")
    cleaned = (value or "").strip()
    _refuse_nul(cleaned, field)
    if required and not cleaned:
        raise ValidationFailed.single(field, "is required")
    if max_length is not None and len(cleaned) > max_length:
        raise ValidationFailed.single(field, f"must be {max_length} characters or fewer")
    return cleaned


def money(value: Any, field: str, *, allow_negative: bool = False) -> Money:
    if is_blank(value):
        raise ValidationFailed.single(field, "Enter an amount in pounds, like 1250000.00")
    if isinstance(value, float):
        # JSON numbers arrive as float; their text form is what the sender wrote.
        value = repr(value)
    if isinstance(value, bool):
        raise ValidationFailed.single(field, "must be an amount in pounds")
    try:
        amount = Money.from_pounds(value if isinstance(value, (int, Decimal)) else str(value))
    except MoneyError as exc:
        raise ValidationFailed.single(
            field, f"{exc}; enter pounds and pence, like 1250000.00"
        ) from None
    if amount.is_negative and not allow_negative:
        raise ValidationFailed.single(field, "cannot be negative")
    if abs(amount.pence) > MAX_INPUT_PENCE:
        raise ValidationFailed.single(
            field, f"is more than {Money(MAX_INPUT_PENCE)}; check the amount (pounds, not pence)"
        )
    return amount


def day(value: Any, field: str, *, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    if is_blank(value):
        if required:
            raise ValidationFailed.single(field, "Enter a date, like 2024-04-01")
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed.single(
            field, f"'{value}' is not a date; write it like 2024-04-01"
        ) from None


def required_day(value: Any, field: str) -> date:
    parsed = day(value, field, required=True)
    assert parsed is not None
    return parsed


def choice(value: Any, enum: type[E], field: str) -> E:
    try:
        return enum(str(value).strip())
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise ValidationFailed.single(
            field, f"'{value}' is not allowed; use one of: {allowed}"
        ) from None


def year(value: Any, field: str = "year") -> FinancialYear:
    if isinstance(value, FinancialYear):
        return value
    try:
        return FinancialYear.parse(str(value or ""))
    except PeriodError as exc:
        raise ValidationFailed.single(field, str(exc)) from None


def boolean(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    key = str(value if value is not None else "").strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValidationFailed.single(field, f"'{value}' is not yes or no")


def lines(value: Any, field: str) -> tuple[str, ...]:
    """A list of short texts, from a JSON list or one per line in a text box."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = [line.strip() for line in value.splitlines()]
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        raise ValidationFailed.single(field, "must be a list of texts")
    for item in items:
        _refuse_nul(item, field)
    return tuple(item for item in items if item)


def code_list(value: Any, field: str) -> tuple[str, ...]:
    """Organisation codes from a list or a comma/space separated text, upper-cased."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        raise ValidationFailed.single(field, "must be a list of organisation codes")
    return tuple(i.strip().upper() for i in items if i.strip())


def version(value: Any, field: str = "version") -> int | None:
    """The version of a record that a writer last read (optimistic concurrency).

    Blank means "not given". Accepts a number, its text, or an HTTP entity tag like ``"3"``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationFailed.single(field, "must be a whole number, like 3")
    if isinstance(value, int):
        number = value
    else:
        given = str(value).strip().removeprefix("W/").strip('"')
        if not given:
            return None
        if not (given.isascii() and given.isdigit() and len(given) <= 18):
            raise ValidationFailed.single(field, f"'{value}' is not a version number, like 3")
        number = int(given)
    if number < 1:
        raise ValidationFailed.single(field, "must be 1 or more")
    return number
