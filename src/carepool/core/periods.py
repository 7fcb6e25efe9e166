"""Financial years (April to March, named like ``2024-25``) and their monthly periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import total_ordering

from carepool.core.errors import shown

_YEAR_RE = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})$")

MONTH_NAMES = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)


class PeriodError(ValueError):
    """A financial year or period is written in the wrong form."""


@total_ordering
@dataclass(frozen=True, slots=True)
class FinancialYear:
    """The UK public-sector financial year that starts on 1 April of ``start_year``."""

    start_year: int

    def __post_init__(self) -> None:
        if not 1990 <= self.start_year <= 2100:
            raise PeriodError(f"financial year starting {self.start_year} is out of range")

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Read ``"2024-25"``. Anything else (``"2024"``, ``"2024/25"``, ``"2024-26"``) is refused."""
        match = _YEAR_RE.match(str(text).strip())
        if not match:
            raise PeriodError(
                f"'{shown(text)}' is not a financial year; write it like 2024-25 (April 2024 to March 2025)"
            )
        start = int(match["start"])
        if int(match["end"]) != (start + 1) % 100:
            raise PeriodError(
                f"'{shown(text)}' is not a financial year: the second part must be the year after "
                f"{start}, as in {start}-{(start + 1) % 100:02d}"
            )
        return cls(start)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __lt__(self, other: FinancialYear) -> bool:
        if not isinstance(other, FinancialYear):
            return NotImplemented
        return self.start_year < other.start_year

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    @classmethod
    def spanning(cls, first_day: date, last_day: date) -> tuple[FinancialYear, ...]:
        """Every financial year with at least one day from ``first_day`` to ``last_day``."""
        first, last = cls.containing(first_day), cls.containing(last_day)
        return tuple(cls(y) for y in range(first.start_year, last.start_year + 1))

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(Period(self, n) for n in range(1, 13))

    def __str__(self) -> str:
        return self.label


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """Month ``number`` (1 = April ... 12 = March) of a financial year, as ledgers number them."""

    year: FinancialYear
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 12:
            raise PeriodError(
                f"period {self.number} does not exist; periods run 1 (April) to 12 (March)"
            )

    @classmethod
    def containing(cls, day: date) -> Period:
        year = FinancialYear.containing(day)
        return cls(year, (day.month - 4) % 12 + 1)

    @property
    def start(self) -> date:
        month = (self.number + 2) % 12 + 1
        calendar_year = self.year.start_year + (1 if month < 4 else 0)
        return date(calendar_year, month, 1)

    @property
    def name(self) -> str:
        return f"{MONTH_NAMES[self.number - 1]} {self.start.year}"

    def __lt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.year, self.number) < (other.year, other.number)

    def __str__(self) -> str:
        return f"{self.year.label} P{self.number:02d}"
