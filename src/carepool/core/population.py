"""Population counts by single year of age, as ONS mid-year estimates publish them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from carepool.core.trace import Trace, TraceInput

# ONS publishes single years 0 to 89 and one open group "90 and over", stored as age 90.
OPEN_AGE = 90


@dataclass(frozen=True, slots=True)
class PopulationCount:
    geography_code: str
    estimate_year: int  # the mid-year (30 June) of the estimate
    min_age: int
    max_age: int | None  # None: and over
    persons: int

    @property
    def age_label(self) -> str:
        if self.max_age is None:
            return f"aged {self.min_age}+"
        if self.min_age == self.max_age:
            return f"aged {self.min_age}"
        return f"aged {self.min_age} to {self.max_age}"


def persons_in_band(by_age: Mapping[int, int], min_age: int, max_age: int | None) -> int:
    """Sum single-year counts for ``min_age``..``max_age`` inclusive (None: to the open group).

    A band that ends inside the open "90 and over" group cannot be answered from single-year
    estimates, so it is refused rather than guessed.
    """
    if min_age < 0 or (max_age is not None and max_age < min_age):
        raise ValueError("the age band is empty: check the minimum and maximum ages")
    if min_age > OPEN_AGE or (max_age is not None and max_age >= OPEN_AGE):
        raise ValueError(
            f"ages from {OPEN_AGE} are published only as one '{OPEN_AGE} and over' group: "
            f"end the band below {OPEN_AGE} or leave it open"
        )
    upper = OPEN_AGE if max_age is None else max_age
    return sum(count for age, count in by_age.items() if min_age <= age <= upper)


def band_trace(
    count: PopulationCount, by_age: Mapping[int, int], year_label: str, estimate_note: str
) -> Trace:
    """How ``count`` was computed from the single-year counts ``by_age`` of its estimate:
    "persons aged 65+ in E08000035 in 2024-25 = sum of ages 65 to 90 of the ONS mid-2024
    estimate = 100 + 100 + ... = 2,600"."""
    upper = OPEN_AGE if count.max_age is None else count.max_age
    source = f"ONS mid-{count.estimate_year} estimate, {count.geography_code}"
    ages = [age for age in sorted(by_age) if count.min_age <= age <= upper]
    inputs = tuple(
        TraceInput(
            f"persons aged {age}" + (" and over" if age == OPEN_AGE else ""),
            f"{by_age[age]:,}",
            source,
        )
        for age in ages
    )
    band = f"{count.min_age}" if count.min_age == upper else f"{count.min_age} to {upper}"
    open_group = f" ({OPEN_AGE} = {OPEN_AGE} and over)" if upper == OPEN_AGE else ""
    rule = (
        f"persons {count.age_label} in {count.geography_code} in {year_label} = sum of ages "
        f"{band}{open_group} of the {estimate_note}"
    )
    addition = " + ".join(f"{by_age[age]:,}" for age in ages) or "0"
    return Trace(rule, inputs, (addition,), f"{count.persons:,}")
