"""The audit trail in words people read: "£7,640,000.00 → £8,052,000.00", names not codes.

The trail stores raw values (pounds as "7640000.00", ISO dates, organisation codes, enum
values); the API gives them as stored. The web and the CLI show them through ``describe``,
so both read the same. Pure: the names of organisations, areas and funding streams are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import InvalidOperation
from enum import StrEnum
from typing import Any

from carepool.core.agreements import ArrangementType, ReportingFrequency
from carepool.core.contributions import InstalmentFrequency
from carepool.core.money import Money, MoneyError
from carepool.core.organisations import CodeSystem, OrganisationType
from carepool.core.risk_share import ProvisionKind

NONE = "(none)"

LABELS: Mapping[str, str] = {
    "title": "Title",
    "area": "Area",
    "programme": "Programme",
    "arrangement_type": "Type of arrangement",
    "partners": "Partners",
    "host": "Host partner",
    "auditors": "Auditors",
    "start_date": "Start date",
    "end_date": "End date",
    "break_clause_date": "Break clause date",
    "governing_board": "Governing board",
    "aims": "Shared aims",
    "outcomes": "Measurable outcomes",
    "functions_covered": "NHS and health-related functions covered",
    "services_in_scope": "People and services in scope",
    "staff_goods_accommodation": "Staff, goods and accommodation",
    "charges_to_people": "Charges to people for social care",
    "reporting_frequency": "Reporting frequency",
    "risk_share": "Risk share provisions",
    "overspend_protocol": "Overspend protocol",
    "overspend_threshold": "Overspend threshold (amount)",
    "overspend_threshold_percent": "Overspend threshold (% of budget)",
    "exit_terms": "Exit and termination",
    "audit_arrangements": "Audit arrangements",
    "variation_procedure": "Variation procedure",
    "review_arrangements": "Review arrangements",
    "year": "Financial year",
    "partner": "Partner",
    "funding_stream": "Funding stream",
    "mandated": "Counts towards the national minimum",
    "original_amount": "Original amount",
    "amount": "Amount",
    "change": "Change",
    "frequency": "Instalments",
    "effective_date": "Effective date",
    "reason": "Reason",
    "approved_by": "Approved by",
    "status": "Status",
    "name": "Name",
    "code": "Code",
    "code_system": "Kind of code",
    "org_type": "Type of organisation",
}

_MONEY = frozenset({"amount", "original_amount", "change", "new_amount", "overspend_threshold"})
_DATES = frozenset({"start_date", "end_date", "break_clause_date", "effective_date"})
_ORGANISATIONS = frozenset({"partners", "host", "auditors", "partner"})
_ENUMS: Mapping[str, type[StrEnum]] = {
    "arrangement_type": ArrangementType,
    "reporting_frequency": ReportingFrequency,
    "frequency": InstalmentFrequency,
    "org_type": OrganisationType,
    "code_system": CodeSystem,
}
_STATUS = {"invited": "Invited", "accepted": "Accepted"}


@dataclass(frozen=True)
class Names:
    """What codes stand for: organisations and areas by code, funding streams by code."""

    organisations: Mapping[str, str] = field(default_factory=dict)
    areas: Mapping[str, str] = field(default_factory=dict)
    streams: Mapping[str, str] = field(default_factory=dict)


def label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def describe(name: str, value: Any, names: Names) -> str:
    """One stored value of the field ``name`` as a person reads it."""
    if value is None or value == "" or value == [] or value == {}:
        return NONE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name in _MONEY:
        return _money(value)
    if name in _DATES and isinstance(value, str):
        return _date(value)
    if name in _ORGANISATIONS:
        codes = value if isinstance(value, list) else [value]
        return ", ".join(_named(str(c), names.organisations) for c in codes)
    if name == "area":
        return _named(str(value), names.areas)
    if name == "funding_stream":
        return names.streams.get(str(value), str(value))
    if name in _ENUMS:
        return _enum_label(_ENUMS[name], value)
    if name == "status":
        return _STATUS.get(str(value), str(value))
    if name == "risk_share" and isinstance(value, list):
        return _provisions(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _named(code: str, known: Mapping[str, str]) -> str:
    return f"{known[code]} ({code})" if code in known else code


def _money(value: Any) -> str:
    try:
        return str(Money.from_pounds(str(value)))
    except (MoneyError, InvalidOperation, ValueError):
        return str(value)


def _date(value: str) -> str:
    try:
        return long_date(date.fromisoformat(value[:10]))
    except ValueError:
        return value


def _enum_label(enum: type[StrEnum], value: Any) -> str:
    try:
        return str(getattr(enum(str(value)), "label", value))
    except ValueError:
        return str(value)


def _provisions(provisions: list[Any]) -> str:
    kinds = [
        _enum_label(ProvisionKind, p.get("kind")) if isinstance(p, dict) else str(p)
        for p in provisions
    ]
    count = len(kinds)
    return f"{count} provision{'s' if count != 1 else ''}: " + "; ".join(kinds)
