"""The monitoring page's chart: budget, actual and forecast by month, as an SVG drawn on the
server (no script, no inline style), with the same figures in a table beside it."""

from __future__ import annotations

from dataclasses import dataclass

from carepool.core.money import Money
from carepool.ledger.monitoring import MonthFigures

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 80, 16, 16, 40


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # the class that colours it (web/carepool.css)
    points: str  # "x,y x,y ..." for a polyline


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: tuple[Series, ...]
    ticks: tuple[Tick, ...]
    months: tuple[tuple[float, str], ...]  # (x, short month name)
    baseline: float
    description: str


def _short(pence: int) -> str:
    pounds = pence / 100  # for an axis label only: never stored or summed
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(pounds) >= size:
            return f"£{pounds / size:.1f}{suffix}"
    return f"£{pounds:.0f}"


def chart(months: tuple[MonthFigures, ...], as_at_name: str) -> Chart:
    """Cumulative budget (profiled evenly), actual to the month shown, and the forecast path
    from there to the forecast outturn in March."""
    values = [m.budget_to_date.pence for m in months] + [m.forecast_to_date.pence for m in months]
    values += [m.actual_to_date.pence for m in months if m.actual_to_date is not None]
    top = max([*values, 1])
    bottom = min([*values, 0])
    span = top - bottom or 1
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + plot_w * i / 11, 1)

    def y(pence: int) -> float:
        return round(TOP + plot_h * (top - pence) / span, 1)

    def line(pairs: list[tuple[int, int]]) -> str:
        return " ".join(f"{x(i)},{y(p)}" for i, p in pairs)

    actual = [
        (i, m.actual_to_date.pence) for i, m in enumerate(months) if m.actual_to_date is not None
    ]
    elapsed = len(actual)
    forecast_from = max(elapsed - 1, 0)
    series = (
        Series(
            "Budget",
            "app-chart__budget",
            line([(i, m.budget_to_date.pence) for i, m in enumerate(months)]),
        ),
        Series("Actual", "app-chart__actual", line(actual)),
        Series(
            "Forecast",
            "app-chart__forecast",
            line([(i, m.forecast_to_date.pence) for i, m in enumerate(months)][forecast_from:]),
        ),
    )
    ticks = tuple(Tick(y(bottom + span * k // 4), _short(bottom + span * k // 4)) for k in range(5))
    last = months[-1]
    description = (
        f"Cumulative figures by month, as at {as_at_name}: the budget is profiled evenly to "
        f"{last.budget_to_date} in March; the forecast reaches {last.forecast_to_date}. "
        "The table beside the chart gives every figure."
    )
    return Chart(
        WIDTH,
        HEIGHT,
        series,
        ticks,
        tuple((x(i), m.name.split()[0][:3]) for i, m in enumerate(months)),
        y(0) if bottom <= 0 <= top else y(bottom),
        description,
    )


def pounds(amount: Money | None) -> str:
    return "—" if amount is None else str(amount)
