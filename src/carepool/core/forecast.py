"""Forecasts of a scheme's outturn for the year, as at a month (docs/monitoring.md, ADR 0021).

Three methods, each giving the figure, the method's name and a trace of its arithmetic:

* **run rate** (straight line): ``actual to date / months elapsed x 12``;
* **seasonal profile**: ``actual to date x last year's full-year actual / last year's actual
  over the same months`` — last year's spend pattern carried into this year. Used only when
  last year had spend (a positive total) in those months; otherwise the run rate is used and
  the trace says why;
* **override**: a finance lead's own figure, with the reason they gave.

Before any month of the year has actuals there is nothing to project: the forecast is the
budget itself (method ``budget``).

Rounding happens once, at the end, to the penny, half away from zero (``ROUND_HALF_UP`` as
``decimal`` means it); every step before it is exact (``Fraction`` of integer pence).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from carepool.core.money import Money
from carepool.core.trace import Trace, TraceInput

ZERO = Money(0)


class Method(StrEnum):
    RUN_RATE = "run_rate"
    SEASONAL = "seasonal"
    OVERRIDE = "override"
    BUDGET = "budget"

    @property
    def label(self) -> str:
        return {
            "run_rate": "Run rate",
            "seasonal": "Seasonal profile",
            "override": "Override",
            "budget": "Budget (no actuals yet)",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Forecast:
    amount: Money
    method: Method
    # Builds the trace when it is read: a national report of thousands of schemes shows
    # methods, not the arithmetic, and need not write it out for each.
    explain: Callable[[], Trace] = field(repr=False, compare=False)
    reason: str = ""  # an override's reason

    @property
    def trace(self) -> Trace:
        return self.explain()


def round_half_up(value: Fraction) -> int:
    """The nearest whole number; halves go away from zero (2.5 -> 3, -2.5 -> -3)."""
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) + Fraction(1, 2))


def _elapsed(months_elapsed: int) -> None:
    if not 1 <= months_elapsed <= 12:
        raise ValueError(f"months elapsed must be 1 to 12, not {months_elapsed}")


def run_rate(actual_to_date: Money, months_elapsed: int, note: str = "") -> Forecast:
    """``actual_to_date`` over ``months_elapsed`` months, carried on to twelve."""
    _elapsed(months_elapsed)
    amount = Money(round_half_up(Fraction(actual_to_date.pence * 12, months_elapsed)))
    rule = "Run rate: actual to date / months elapsed x 12, rounded half up to the penny"
    if note:
        rule = f"{rule} ({note})"
    return Forecast(
        amount,
        Method.RUN_RATE,
        lambda: Trace(
            rule,
            (
                TraceInput("actual to date", str(actual_to_date), "spend balances of the year"),
                TraceInput("months elapsed", str(months_elapsed), "April to the month shown"),
            ),
            (f"{actual_to_date} / {months_elapsed} x 12",),
            str(amount),
        ),
    )


def seasonal(
    actual_to_date: Money, months_elapsed: int, previous_same: Money, previous_full: Money
) -> Forecast:
    """This year's actual scaled by last year's full year over last year's same months;
    the run rate when last year had no spend (nothing positive) in those months."""
    _elapsed(months_elapsed)
    if previous_same.pence <= 0:
        return run_rate(
            actual_to_date,
            months_elapsed,
            note=f"last year had no spend in the same {months_elapsed} month(s)",
        )
    amount = Money(
        round_half_up(Fraction(actual_to_date.pence * previous_full.pence, previous_same.pence))
    )
    return Forecast(
        amount,
        Method.SEASONAL,
        lambda: Trace(
            "Seasonal profile: actual to date x last year's full-year actual / last year's "
            "actual over the same months, rounded half up to the penny",
            (
                TraceInput("actual to date", str(actual_to_date), "spend balances of the year"),
                TraceInput(
                    "last year's full-year actual", str(previous_full), "last year's balances"
                ),
                TraceInput(
                    f"last year's actual, first {months_elapsed} month(s)",
                    str(previous_same),
                    "last year's balances",
                ),
            ),
            (f"{actual_to_date} x {previous_full} / {previous_same}",),
            str(amount),
        ),
    )


def override(amount: Money, reason: str) -> Forecast:
    return Forecast(
        amount,
        Method.OVERRIDE,
        lambda: Trace(
            "Override: the finance lead's own forecast",
            (TraceInput("reason", reason, "recorded with the override"),),
            (),
            str(amount),
        ),
        reason,
    )


def budget_only(budget: Money) -> Forecast:
    return Forecast(
        budget,
        Method.BUDGET,
        lambda: Trace(
            "No month of the year has actuals yet: the forecast is the budget",
            (TraceInput("budget", str(budget), "the year's budget"),),
            (),
            str(budget),
        ),
    )


def forecast(
    actual_to_date: Money,
    months_elapsed: int,
    *,
    budget: Money = ZERO,
    previous_same: Money | None = None,
    previous_full: Money | None = None,
    overridden: tuple[Money, str] | None = None,
) -> Forecast:
    """The forecast a monitoring line shows: an override when there is one; else the
    seasonal profile when last year's actuals are known; else the run rate; before any
    month has elapsed, the budget."""
    if overridden is not None:
        return override(*overridden)
    if months_elapsed == 0:
        return budget_only(budget)
    if previous_same is not None and previous_full is not None:
        return seasonal(actual_to_date, months_elapsed, previous_same, previous_full)
    return run_rate(actual_to_date, months_elapsed)
