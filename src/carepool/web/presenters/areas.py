"""Areas and their population by age.

Read-only: nothing here writes or decides what a user may do; the services decide that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from carepool.core.periods import FinancialYear
from carepool.organisations import selectors as organisation_selectors
from carepool.web.presenters.common import today

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class AgeBand:
    label: str
    min_age: int
    max_age: int | None
    persons: int
    percent: Decimal


@dataclass(frozen=True)
class PopulationView:
    year: FinancialYear
    bands: list[AgeBand]
    total: int
    note: str
    estimate_year: int
    traces: list[str] = field(default_factory=list)  # how each band's figure was computed

    @property
    def largest(self) -> int:
        return max((b.persons for b in self.bands), default=0)


# 85+ is part of 65+; both are shown because both are planning denominators.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Aged 0 to 17", 0, 17),
    ("Aged 18 to 64", 18, 64),
    ("Aged 65 and over", 65, None),
    ("Aged 85 and over", 85, None),
)


def population_view(area_code: str, year: FinancialYear) -> PopulationView:
    """People by broad age band. Raises ``ValidationFailed`` when no estimate can answer."""
    everyone = organisation_selectors.population(area_code, year, 0, None)
    whole = everyone.count.persons
    bands = []
    traces = [everyone.trace.sentence]
    for label, low, high in AGE_BANDS:
        answer = organisation_selectors.population(area_code, year, low, high)
        traces.append(answer.trace.sentence)
        persons = answer.count.persons
        percent = (
            (Decimal(persons * 100) / Decimal(whole)).quantize(Decimal("0.1"))
            if whole
            else Decimal(0)
        )
        bands.append(AgeBand(label, low, high, persons, percent))
    return PopulationView(year, bands, whole, everyone.note, everyone.count.estimate_year, traces)


def population_years(area_code: str) -> list[FinancialYear]:
    """Years to offer, newest first: from the first estimate loaded to this year at least.

    Years after the latest estimate are answered from that estimate, and the page says so.
    """
    loaded = organisation_selectors.estimate_years(area_code)
    if not loaded:
        return []
    last = max(loaded[-1], FinancialYear.containing(today()).start_year)
    return [FinancialYear(y) for y in range(last, loaded[0] - 1, -1)]


def latest_estimate_year(area_code: str) -> FinancialYear | None:
    loaded = organisation_selectors.estimate_years(area_code)
    return FinancialYear(loaded[-1]) if loaded else None
