"""Monthly monitoring of a pool, as pure arithmetic (docs/monitoring.md, ADR 0021).

Per scheme and per partner: budget, actual to date, commitments, forecast outturn and
variance (budget - forecast: positive is an underspend, negative an overspend), with the
method that gave each forecast. A scheme's figures are split between partners like this:

* actual and commitments: by the partner responsible for each line (the spend account's
  partner), exactly as recorded;
* budget: from a plan, each scheme's total split by its commissioner shares with
  ``apportion`` (largest remainder, so every penny is kept); without a plan, the partners'
  contributions for the year are the budget, at partner level only;
* forecast: each scheme's forecast split by the partners' actual to date on it (negative
  actuals count as none); before any actual, by the commissioner shares; else all to the host.

So the scheme table and the partner table always add up to the same totals, to the penny.

**Overspend protocol.** The pool's forecast overspend is ``total forecast - total budget``
(overspends on some schemes are offset by underspends on others, as most agreements apply
them first). The pool is flagged when that overspend is more than the agreement's threshold:
an amount, a percentage of the total budget, or both (then the lower limit counts). With no
threshold, any forecast overspend flags the pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from carepool.core.forecast import Forecast, Method, forecast, round_half_up
from carepool.core.money import Money, apportion


@dataclass(frozen=True, slots=True)
class SchemeInput:
    code: str
    name: str
    budget: Money | None  # None: the budget is not set per scheme (no plan)
    shares: tuple[tuple[str, Decimal], ...]  # commissioner shares: (partner code, percent)
    actual: Mapping[str, int]  # partner code -> actual to date, pence
    commitments: Mapping[str, int]  # partner code -> open commitments, pence
    previous_same: int | None = None  # last year's actual over the same months, pence
    previous_full: int | None = None  # last year's full-year actual, pence
    overridden: tuple[Money, str] | None = None  # (amount, reason)


@dataclass(frozen=True, slots=True)
class Threshold:
    """When the overspend protocol starts: more than ``pence``, or more than ``percent`` of
    the total budget; both may be set (the lower limit counts); neither: any overspend."""

    pence: int | None = None
    percent: Decimal | None = None

    def limit(self, budget: Money) -> Fraction:
        limits = []
        if self.pence is not None:
            limits.append(Fraction(self.pence))
        if self.percent is not None:
            limits.append(Fraction(budget.pence) * Fraction(self.percent) / 100)
        return max(Fraction(0), min(limits)) if limits else Fraction(0)

    @property
    def is_set(self) -> bool:
        return self.pence is not None or self.percent is not None

    def describe(self) -> str:
        parts = []
        if self.pence is not None:
            parts.append(f"more than {Money(self.pence)}")
        if self.percent is not None:
            parts.append(f"more than {self.percent.normalize():f}% of the budget")
        if not parts:
            return "any forecast overspend (the agreement sets no threshold)"
        return " or ".join(parts)


@dataclass(frozen=True, slots=True)
class Line:
    key: str  # scheme code or partner code ("" for the total)
    label: str
    budget: Money | None
    actual: Money
    commitments: Money
    forecast: Money
    methods: tuple[Method, ...]
    detail: Forecast | None = None  # a scheme's forecast with its trace

    @property
    def variance(self) -> Money | None:
        """Budget - forecast: positive is an underspend."""
        return None if self.budget is None else self.budget - self.forecast

    @property
    def method_label(self) -> str:
        return ", ".join(m.label for m in self.methods) or "None"


@dataclass(frozen=True, slots=True)
class Result:
    schemes: tuple[Line, ...]
    partners: tuple[Line, ...]
    total: Line
    threshold: Threshold
    overspend: Money  # forecast - budget for the whole pool when positive, else zero
    limit: Money  # the threshold as an amount (rounded half up to the penny for display)
    flagged: bool
    months_elapsed: int
    notes: tuple[str, ...] = field(default=())


def _split(amount: Money, weights: Mapping[str, Fraction], fallback: str) -> dict[str, int]:
    usable = {k: w for k, w in weights.items() if w > 0}
    if not usable:
        return {fallback: amount.pence} if amount else {}
    keys = sorted(usable)
    if len(keys) == 1:
        return {keys[0]: amount.pence}
    values = [usable[k] for k in keys]
    if all(w.denominator == 1 for w in values):
        shares = split_whole(amount.pence, [w.numerator for w in values])
    else:
        shares = [m.pence for m in apportion(amount, values)]
    return dict(zip(keys, shares, strict=True))


def split_whole(pence: int, weights: Sequence[int]) -> list[int]:
    """``core.money.apportion`` for positive whole-number weights, without its general
    fractions (the same largest-remainder rule and tie-break; a test holds them equal)."""
    if pence < 0:
        return [-p for p in split_whole(-pence, weights)]
    whole = sum(weights)
    floors, remainders = [], []
    for w in weights:
        q, r = divmod(pence * w, whole)
        floors.append(q)
        remainders.append(r)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: pence - sum(floors)]:
        floors[i] += 1
    return floors


def scheme_forecast(s: SchemeInput, months_elapsed: int) -> Forecast:
    actual = Money(sum(s.actual.values()))
    return forecast(
        actual,
        months_elapsed,
        budget=s.budget or Money(0),
        previous_same=None if s.previous_same is None else Money(s.previous_same),
        previous_full=None if s.previous_full is None else Money(s.previous_full),
        overridden=s.overridden,
    )


def monitor(
    schemes: Sequence[SchemeInput],
    partners: Sequence[tuple[str, str]],
    months_elapsed: int,
    threshold: Threshold,
    *,
    host: str,
    partner_budgets: Mapping[str, Money] | None = None,
) -> Result:
    """Every line of the monitoring report. ``partners``: (code, name) in the order to show
    them; ``partner_budgets``: the partners' contributions, when no plan gives budgets."""
    names = dict(partners)
    p_budget: dict[str, int] = {}
    p_actual: dict[str, int] = {}
    p_commit: dict[str, int] = {}
    p_forecast: dict[str, int] = {}
    p_methods: dict[str, set[Method]] = {}
    scheme_lines = []
    for s in schemes:
        result = scheme_forecast(s, months_elapsed)
        # percents have at most two decimals: in hundredths they are whole numbers
        shares = {code: Fraction(pct) * 100 for code, pct in s.shares}
        if s.budget is not None and partner_budgets is None:
            for code, pence in _split(s.budget, shares, host).items():
                p_budget[code] = p_budget.get(code, 0) + pence
        for code, pence in s.actual.items():
            p_actual[code] = p_actual.get(code, 0) + pence
        for code, pence in s.commitments.items():
            p_commit[code] = p_commit.get(code, 0) + pence
        by_actual = {code: Fraction(max(p, 0)) for code, p in s.actual.items()}
        weights = by_actual if any(by_actual.values()) else shares
        for code, pence in _split(result.amount, weights, host).items():
            p_forecast[code] = p_forecast.get(code, 0) + pence
            p_methods.setdefault(code, set()).add(result.method)
        scheme_lines.append(
            Line(
                s.code,
                f"{s.code} {s.name}".strip(),
                s.budget,
                Money(sum(s.actual.values())),
                Money(sum(s.commitments.values())),
                result.amount,
                (result.method,),
                result,
            )
        )
    if partner_budgets is not None:
        p_budget = {code: m.pence for code, m in partner_budgets.items()}
    seen = set(p_budget) | set(p_actual) | set(p_commit) | set(p_forecast)
    order = [code for code, _ in partners] + sorted(seen - set(names))
    partner_lines = tuple(
        Line(
            code,
            names.get(code, code),
            Money(p_budget.get(code, 0)),
            Money(p_actual.get(code, 0)),
            Money(p_commit.get(code, 0)),
            Money(p_forecast.get(code, 0)),
            tuple(sorted(p_methods.get(code, ()))),
        )
        for code in order
        if code in seen or code in names
    )
    total_budget = Money(sum(p_budget.values()))
    total_forecast = Money(sum(line.forecast.pence for line in scheme_lines))
    total = Line(
        "",
        "Total",
        total_budget,
        Money(sum(line.actual.pence for line in scheme_lines)),
        Money(sum(line.commitments.pence for line in scheme_lines)),
        total_forecast,
        tuple(sorted({m for line in scheme_lines for m in line.methods})),
    )
    overspend = Money(max(0, total_forecast.pence - total_budget.pence))
    limit = threshold.limit(total_budget)
    return Result(
        tuple(scheme_lines),
        partner_lines,
        total,
        threshold,
        overspend,
        Money(round_half_up(limit)),
        overspend.pence > limit,
        months_elapsed,
    )


def cumulative_path(
    budget: Money, actual_by_month: Sequence[int], months_elapsed: int, outturn: Money
) -> list[tuple[int, int, int | None, int]]:
    """The chart's figures for each of the twelve months, cumulative, in pence:
    (month number 1-12, budget profiled evenly, actual to the month or None after the month
    shown, forecast: the actual to date, then a straight line to the forecast outturn)."""
    out: list[tuple[int, int, int | None, int]] = []
    running = 0
    at_elapsed = sum(actual_by_month[:months_elapsed])
    for n in range(1, 13):
        budget_to = round_half_up(Fraction(budget.pence * n, 12))
        if n <= months_elapsed:
            running += actual_by_month[n - 1]
            out.append((n, budget_to, running, running))
        else:
            step = Fraction(
                (outturn.pence - at_elapsed) * (n - months_elapsed), 12 - months_elapsed
            )
            out.append((n, budget_to, None, at_elapsed + round_half_up(step)))
    return out
