"""One line of a partner's monthly actuals, read into typed values (docs/ledger-imports.md).

``parse_line`` turns one row of an export (a mapping of lower-case column name to the cell's
text) into an ``ActualLine`` or the list of what is wrong with it, field by field. It is the
one rule for reading an actual from a file, whichever interface brought the file in; the
ledger's import service adds what needs the database (known schemes and partners, the month,
closed months, duplicates).

Amounts are pounds with at most two decimal places (``1234.56``, ``-80.00``, ``£1,234.56``);
a negative amount is a refund or credit note; zero is refused. Dates are ISO (``2024-10-31``)
or day/month/year as UK exports write them (``31/10/2024``). Text is trimmed; each field has
the maximum length the ledger stores.

Kept fast on purpose (a national year is millions of lines): no ``Decimal``, no ``Money`` per
line; amounts are integer pence.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from carepool.core.errors import FieldError, shown
from carepool.core.money import MAX_INPUT_PENCE, Money

REQUIRED_COLUMNS = ("date", "scheme", "partner", "provider", "amount", "description", "reference")
OPTIONAL_COLUMNS = ("order",)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# The longest text each field may hold: the ledger's column sizes.
MAX_LENGTHS = {
    "scheme": 20,
    "partner": 30,
    "provider": 200,
    "description": 300,
    "reference": 100,
    "order": 100,
}
_REQUIRED_TEXT = ("scheme", "partner")

_SIMPLE_AMOUNT = re.compile(r"^(-?)([0-9]{1,15})(?:\.([0-9]{1,2}))?$")
_AMOUNT = re.compile(r"^([-+]?)£?((?:[0-9]{1,3}(?:,[0-9]{3})+)|[0-9]+)(?:\.([0-9]*))?$")
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class ActualLine(NamedTuple):
    """A line as typed values; ``pence`` is signed (negative: a refund or credit note)."""

    day: date
    scheme: str
    partner: str
    provider: str
    description: str
    reference: str
    order: str
    pence: int


def parse_amount(text: str) -> int:
    """Pounds as signed integer pence; ``ValueError`` with the reason otherwise."""
    simple = _SIMPLE_AMOUNT.match(text)
    if simple is not None:  # the usual "1234.56" or "-80": no commas, £ or spaces
        sign, pounds, decimals = simple.groups()
        pence = int(pounds) * 100 + (int((decimals + "0")[:2]) if decimals else 0)
        if 0 < pence <= MAX_INPUT_PENCE:
            return -pence if sign else pence
    return _parse_amount(text)


def _parse_amount(text: str) -> int:
    cleaned = text.strip().replace(" ", "")
    match = _AMOUNT.match(cleaned)
    if match is None:
        if not cleaned:
            raise ValueError("Enter an amount in pounds, like 1250.00")
        raise ValueError(f"'{shown(text)}' is not an amount; write pounds and pence, like 1250.00")
    sign, pounds, decimals = match.groups()
    decimals = decimals or ""
    if len(decimals.rstrip("0")) > 2:
        raise ValueError(
            f"'{shown(text)}' has more than two decimal places; amounts are in pounds and "
            "pence, like 1250.75"
        )
    pence = int(pounds.replace(",", "")) * 100 + int((decimals + "00")[:2])
    if pence == 0:
        raise ValueError("is zero; leave the line out, or give the amount it moved")
    if pence > MAX_INPUT_PENCE:
        raise ValueError(
            f"is more than {Money(MAX_INPUT_PENCE)}; check the amount (pounds, not pence)"
        )
    return -pence if sign == "-" else pence


@lru_cache(maxsize=1024)
def parse_date(text: str) -> date:
    """An ISO date or dd/mm/yyyy; ``ValueError`` with the reason otherwise. (Cached: a
    month's file holds at most 31 different dates.)"""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("Enter the date, like 2024-10-31 or 31/10/2024")
    uk = _UK_DATE.match(cleaned)
    try:
        if uk is not None:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
        if len(cleaned) == 10:
            return date.fromisoformat(cleaned)
    except ValueError:
        pass
    raise ValueError(f"'{shown(text)}' is not a date; write it like 2024-10-31 or 31/10/2024")


def parse_line(cells: dict[str, str]) -> ActualLine | list[FieldError]:
    """One row (lower-case column name -> cell text) as an ``ActualLine``, or every problem
    with it as ``FieldError``s whose field is the column name."""
    errors: list[FieldError] = []
    try:
        day = parse_date(cells.get("date") or "")
    except ValueError as exc:
        errors.append(FieldError("date", str(exc)))
    try:
        pence = parse_amount(cells.get("amount") or "")
    except ValueError as exc:
        errors.append(FieldError("amount", str(exc)))
    get = cells.get
    scheme = (get("scheme") or "").strip()
    partner = (get("partner") or "").strip()
    provider = (get("provider") or "").strip()
    description = (get("description") or "").strip()
    reference = (get("reference") or "").strip()
    order = (get("order") or "").strip()
    values = (scheme, partner, provider, description, reference, order)
    if (
        not scheme
        or not partner
        or len(scheme) > 20
        or len(partner) > 30
        or len(provider) > 200
        or len(description) > 300
        or len(reference) > 100
        or len(order) > 100
        or _UNSTORABLE.search("".join(values))
    ):
        errors.extend(_text_errors(dict(zip(MAX_LENGTHS, values, strict=True))))
    if errors:
        return errors
    return ActualLine(day, scheme, partner.upper(), provider, description, reference, order, pence)


def _text_errors(text: dict[str, str]) -> list[FieldError]:
    errors = []
    for name, limit in MAX_LENGTHS.items():
        value = text[name]
        if len(value) > limit:
            errors.append(FieldError(name, f"is {len(value)} characters; at most {limit} fit"))
        elif not value and name in _REQUIRED_TEXT:
            errors.append(FieldError(name, f"is blank; give the {name} code"))
        elif _UNSTORABLE.search(value):
            errors.append(FieldError(name, "contains a character that is not allowed (NUL)"))
    return errors


def check_headings(headings: list[str]) -> tuple[dict[str, int], list[str]]:
    """Where each known column is (lower-case names, any order) and what is wrong with the
    heading row: missing columns, unknown ones, or one given twice."""
    names = [h.strip().lower() for h in headings]
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problems.append("missing: " + ", ".join(missing))
    unknown = [h for h in names if h and h not in COLUMNS]
    if unknown:
        problems.append("not known: " + ", ".join(shown(u) for u in unknown))
    twice = sorted({h for h in names if h and names.count(h) > 1})
    if twice:
        problems.append("given twice: " + ", ".join(twice))
    at = {name: names.index(name) for name in COLUMNS if name in names}
    return at, problems
