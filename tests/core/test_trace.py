"""How a population figure was computed, as data."""

from __future__ import annotations

from carepool.core.population import OPEN_AGE, PopulationCount, band_trace
from carepool.core.trace import Trace, TraceInput

BY_AGE = {age: 100 + age for age in range(OPEN_AGE + 1)}


def test_an_open_band_sums_to_the_open_age_group() -> None:
    count = PopulationCount("E08000035", 2020, 88, None, 188 + 189 + 190)
    trace = band_trace(count, BY_AGE, "2024-25", "ONS mid-2020 estimate for 2024-25")
    assert trace == Trace(
        "persons aged 88+ in E08000035 in 2024-25 = sum of ages 88 to 90 (90 = 90 and over) "
        "of the ONS mid-2020 estimate for 2024-25",
        (
            TraceInput("persons aged 88", "188", "ONS mid-2020 estimate, E08000035"),
            TraceInput("persons aged 89", "189", "ONS mid-2020 estimate, E08000035"),
            TraceInput("persons aged 90 and over", "190", "ONS mid-2020 estimate, E08000035"),
        ),
        ("188 + 189 + 190",),
        "567",
    )
    assert trace.sentence.endswith("= 188 + 189 + 190 = 567")


def test_a_closed_band_and_the_plain_form() -> None:
    count = PopulationCount("E08000035", 2024, 10, 10, 110)
    trace = band_trace(count, BY_AGE, "2024-25", "ONS mid-2024 estimate for 2024-25")
    assert trace.rule.startswith("persons aged 10 in E08000035 in 2024-25 = sum of ages 10 of")
    assert trace.to_dict() == {
        "rule": trace.rule,
        "inputs": [
            {
                "name": "persons aged 10",
                "value": "110",
                "source": "ONS mid-2024 estimate, E08000035",
            }
        ],
        "steps": ["110"],
        "result": "110",
        "sentence": trace.sentence,
    }
