"""Reading user input (form fields, API JSON, CLI options, spreadsheet cells) into domain values.

Each function takes the raw value and the field's name and raises ``ValidationFailed`` with a
message a person can act on. Web, API, CLI and importers all use these, so the same mistake
gets the same message everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from carepool.core.errors import FieldError, ValidationFailed, shown
from carepool.core.money import MAX_INPUT_PENCE, Money, MoneyError
from carepool.core.periods import FinancialYear, PeriodError

E = TypeVar("E", bound=StrEnum)

_TRUE = {"true", "yes", "y", "1", "on", "mandated"}
_FALSE = {"false", "no", "n", "0", "off", "additional", ""}

# Characters no text field can hold. NUL is never typed by a person and PostgreSQL cannot
# store it in text. A lone UTF-16 surrogate (U+D800 to U+DFFF) is half of a character: no
# encoding can write it, so neither database, nor a web page, nor a terminal can take it. It
# reaches Python from JSON (a "\ud800" escape) or from command-line bytes that are not UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_message(value: str) -> str | None:
    """What is wrong with ``value`` if it holds a character that cannot be stored, else None."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "contains a character that is not allowed (NUL)"
    return (
        f"contains a character that is not allowed (U+{ord(char):04X}, half of a character: "
        "text that is not UTF-8)"
    )


def _refuse_unstorable(value: str, field: str) -> None:
    message = unstorable_message(value)
    if message:
        raise ValidationFailed.single(field, message)


def without_unstorable(value: str) -> str:
    """``value`` without the characters no text can hold, for look-ups that must not fail."""
    return _UNSTORABLE.sub("", value)


def check_storable(data: Mapping[str, Any]) -> None:
    """Refuse input holding a character no field can store, naming every field that does.

    Looks into lists and objects (``outcomes[2]``, ``risk_share[1].description``), and at
    field names too. Services call it first, so that no such value reaches a database query
    (where it would fail rather than be refused) or an error message.
    """
    problems: list[FieldError] = []

    def visit(value: Any, field: str) -> None:
        if isinstance(value, str):
            message = unstorable_message(value)
            if message:
                problems.append(FieldError(field, message))
        elif isinstance(value, Mapping):
            for key, item in value.items():
                name = str(key)
                key_problem = unstorable_message(name)
                if key_problem:
                    problems.append(
                        FieldError(shown(name), f"is not a field name: it {key_problem}")
                    )
                    continue
                visit(item, f"{field}.{name}" if field else name)
        elif isinstance(value, (list, tuple)):
            for position, item in enumerate(value, start=1):
                visit(item, f"{field}[{position}]")

    visit(data, "")
    if problems:
        raise ValidationFailed(problems)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationFailed.single(field, "must be text")
    cleaned = (value or "").strip()
    _refuse_unstorable(cleaned, field)
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
            field, f"'{shown(value)}' is not a date; write it like 2024-04-01"
        ) from None


def required_day(value: Any, field: str) -> date:
    parsed = day(value, field, required=True)
    assert parsed is not None
    return parsed


# What a person is choosing, by field name, for "Choose ..." messages.
_CHOOSING = {
    "org_type": "the type of organisation",
    "type": "the type of organisation",
    "code_system": "the kind of code",
    "arrangement_type": "the type of arrangement",
    "reporting_frequency": "how often the pool manager reports",
    "frequency": "how the contribution is paid (its instalments)",
    "programme": "the programme whose rules the money follows",
    "stage": "a stage of sign-off",
    "outcome": "a national assurance outcome",
}


def choice(value: Any, enum: type[E], field: str) -> E:
    """One of the enum's values. Blank: "Choose ..."; otherwise the choices with their names
    (the codes are what the API and the CLI take; the names say what they mean)."""
    what = _CHOOSING.get(field, "one of the choices")
    if is_blank(value):
        raise ValidationFailed.single(field, f"Choose {what}")
    try:
        return enum(str(value).strip())
    except ValueError:
        allowed = ", ".join(
            f"{e.value} for {label}" if (label := getattr(e, "label", "")) else e.value
            for e in enum
        )
        raise ValidationFailed.single(
            field, f"'{shown(value)}' is not {what}; give one of: {allowed}"
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
    raise ValidationFailed.single(field, f"'{shown(value)}' is not yes or no")


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
        _refuse_unstorable(item, field)
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
    for item in items:
        _refuse_unstorable(item, field)
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
