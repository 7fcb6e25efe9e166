"""Benchmarks of the pure core. Run: .venv/bin/python bench/bench_core.py

Prints the best of several timed runs for each case; copy the table into bench/RESULTS.md
with the machine and the date.
"""

from __future__ import annotations

import random
import timeit
from datetime import date

from carepool.core.contributions import (
    Contribution,
    InstalmentFrequency,
    Variation,
    instalment_schedule,
    summarise,
)
from carepool.core.money import Money, apportion
from carepool.core.periods import FinancialYear
from carepool.core.rules import load_rules

random.seed(20261125)
YEAR = FinancialYear(2024)
WEIGHTS_150 = [random.randint(1, 10**8) for _ in range(150)]  # one share per HWB area
WEIGHTS_10K = [random.randint(0, 10**6) for _ in range(10_000)]
CONTRIBUTIONS = [
    Contribution(
        YEAR,
        f"P{i % 40}",
        random.choice(["nhs_minimum", "ibcf", "dfg"]),
        True,
        Money(random.randint(0, 10**10)),
        random.choice(list(InstalmentFrequency)),
        tuple(
            Variation(
                date(2024, random.randint(4, 12), 1), Money(random.randint(-(10**6), 10**6)), "v"
            )
            for _ in range(random.randint(0, 3))
        ),
    )
    for i in range(10_000)
]


def case(name: str, fn, number: int) -> tuple[str, float]:
    best = min(timeit.repeat(fn, number=number, repeat=5)) / number
    return name, best


def main() -> None:
    rows = [
        case(
            "apportion £6.7bn over 150 areas",
            lambda: apportion(Money(669_800_000_000), WEIGHTS_150),
            200,
        ),
        case(
            "apportion £1m over 10,000 weights",
            lambda: apportion(Money(100_000_000), WEIGHTS_10K),
            5,
        ),
        case(
            "instalment schedules for 10,000 contributions",
            lambda: [instalment_schedule(c) for c in CONTRIBUTIONS],
            1,
        ),
        case("totals of 10,000 contributions", lambda: summarise(CONTRIBUTIONS), 5),
        case(
            "load and validate all policy rules (uncached)",
            lambda: (load_rules.cache_clear(), load_rules()),
            20,
        ),
    ]
    print("| case | time |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.2f} ms |")


if __name__ == "__main__":
    main()
