"""Reading organisations, areas and populations. Reference data: any signed-in user may read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from carepool.accounts.permissions import NotFound
from carepool.core.errors import ValidationFailed, shown
from carepool.core.organisations import normalise_code
from carepool.core.parse import without_unstorable
from carepool.core.periods import FinancialYear
from carepool.core.population import PopulationCount, band_trace, persons_in_band
from carepool.core.trace import Trace
from carepool.organisations.models import Area, Organisation, PopulationEstimate


def _search_text(search: str) -> str:
    # A NUL or a lone surrogate cannot be in any name or code, and the database refuses them.
    return without_unstorable(search).strip()


def organisations(search: str = "", org_type: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    search = _search_text(search)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(code__iexact=search.strip())
    if org_type:
        qs = qs.filter(org_type=_search_text(org_type))
    return qs.order_by("name")


def get_organisation(code: str) -> Organisation:
    try:
        return Organisation.objects.get(code=normalise_code(code))
    except Organisation.DoesNotExist:
        raise NotFound(f"No organisation has the code '{shown(code)}'") from None


def areas(search: str = "") -> QuerySet[Area]:
    qs = Area.objects.all()
    search = _search_text(search)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(code__iexact=search.strip())
    return qs.order_by("name")


def get_area(code: str) -> Area:
    try:
        return Area.objects.get(code=normalise_code(code))
    except Area.DoesNotExist:
        raise NotFound(f"No area has the code '{shown(code)}'") from None


def estimate_years(geography_code: str) -> list[int]:
    return sorted(
        PopulationEstimate.objects.filter(geography_code=geography_code)
        .values_list("estimate_year", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class PopulationAnswer:
    count: PopulationCount
    asked_for: FinancialYear
    note: str  # why this estimate was used
    trace: Trace  # how the figure was computed, from which counts


def population(
    geography_code: str, year: FinancialYear, min_age: int = 0, max_age: int | None = None
) -> PopulationAnswer:
    """Persons in an age band for a financial year.

    Uses the ONS mid-year estimate for the year's own mid-point (mid-2024 for 2024-25) when
    loaded; otherwise the latest earlier estimate, and says so. Never a later estimate.
    """
    code = normalise_code(geography_code)
    available = estimate_years(code)
    usable = [y for y in available if y <= year.start_year]
    if not usable:
        have = ", ".join(f"mid-{y}" for y in available) or "none"
        raise ValidationFailed.single(
            "year",
            f"No population estimate for {code} on or before mid-{year.start_year} "
            f"(loaded: {have}). Load the ONS mid-year estimates with "
            "'carepool import population FILE'.",
        )
    used = usable[-1]
    by_age = dict(
        PopulationEstimate.objects.filter(geography_code=code, estimate_year=used).values_list(
            "age", "persons"
        )
    )
    try:
        persons = persons_in_band(by_age, min_age, max_age)
    except ValueError as exc:
        raise ValidationFailed.single("age", str(exc)) from None
    note = (
        f"ONS mid-{used} estimate for {year.label}"
        if used == year.start_year
        else f"ONS mid-{used} estimate, the latest loaded on or before mid-{year.start_year}"
    )
    count = PopulationCount(code, used, min_age, max_age, persons)
    return PopulationAnswer(count, year, note, band_trace(count, by_age, year.label, note))
