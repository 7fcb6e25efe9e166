"""Labels, dates and choices every page shares, and what a user may start.

Read-only: nothing here writes or decides what a user may do; the services decide that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.paginator import Page
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


def pagination(
    page: Page[Any], base: str, query: Mapping[str, str] | None = None, label: str = "Pages"
) -> dict[str, Any]:
    """Parameters for the NHS.UK pagination component: numbered, with gaps as ellipses, each
    link keeping the list's other query parameters (a search, a filter). {} for one page."""
    total = page.paginator.num_pages
    if total <= 1:
        return {}
    kept = {k: v for k, v in (query or {}).items() if v and k != "page"}

    def href(number: int) -> str:
        return f"{base}?{urlencode({**kept, 'page': number})}"

    n = page.number
    wanted = sorted({1, total, n - 1, n, n + 1} & set(range(1, total + 1)))
    items: list[dict[str, Any]] = []
    previous = 0
    for number in wanted:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == n})
        previous = number
    params: dict[str, Any] = {"items": items, "ariaLabel": label}
    if page.has_previous():
        params["previous"] = {"href": href(page.previous_page_number())}
    if page.has_next():
        params["next"] = {"href": href(page.next_page_number())}
    return params
