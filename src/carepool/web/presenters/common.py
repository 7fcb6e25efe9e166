"""Labels, dates and choices every page shares, and what a user may start.

Read-only: nothing here writes or decides what a user may do; the services decide that.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from carepool.accounts.models import Role
from carepool.core.agreements import ArrangementType, ReportingFrequency
from carepool.core.contributions import InstalmentFrequency
from carepool.core.organisations import AreaKind, CodeSystem, OrganisationType
from carepool.core.rules import Programme

if TYPE_CHECKING:
    from carepool.accounts.models import User


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


def may_create(user: User) -> bool:
    """Finance officers add organisations and agreements (the services check again)."""
    return user.has_role(Role.FINANCE_OFFICER)
