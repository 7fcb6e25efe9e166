"""Forecasts and monitoring lines: the arithmetic, the rounding, the fallbacks, the overspend
threshold, and (hypothesis) that the scheme and partner tables add up to the same totals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.core.forecast import Method, forecast, round_half_up, run_rate, seasonal
from carepool.core.money import Money, apportion
from carepool.core.monitoring import (
    SchemeInput,
    Threshold,
    cumulative_path,
    monitor,
    split_whole,
)

COUNCIL, ICB = "E08000035", "QWO"
PARTNERS = ((COUNCIL, "Leeds City Council"), (ICB, "West Yorkshire ICB"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(7, 3), 2),
        (Fraction(-7, 3), -2),
        (Fraction(8, 3), 3),
        (Fraction(0), 0),
    ],
)
def test_rounding_is_half_away_from_zero(value: Fraction, expected: int) -> None:
    assert round_half_up(value) == expected


@pytest.mark.parametrize(
    ("actual", "months", "expected"),
    [
        (1_000_00, 6, 2_000_00),
        (100, 7, 171),  # 171.43p -> 171p
        (7, 8, 11),  # 10.5p -> 11p (half up)
        (-7, 8, -11),  # a net refund: half away from zero
        (0, 3, 0),
        (1_234_56, 12, 1_234_56),
    ],
)
def test_run_rate(actual: int, months: int, expected: int) -> None:
    result = run_rate(Money(actual), months)
    assert result.amount == Money(expected)
    assert result.method is Method.RUN_RATE
    assert result.trace.steps == (f"{Money(actual)} / {months} x 12",)


def test_seasonal_scales_by_last_years_shape() -> None:
    # Last year: £300 in the first 3 months of a £1,500 year; this year £400 so far.
    result = seasonal(Money(400_00), 3, Money(300_00), Money(1_500_00))
    assert result.amount == Money(2_000_00)
    assert result.method is Method.SEASONAL
    assert "£400.00 x £1,500.00 / £300.00" in result.trace.sentence


def test_seasonal_rounds_once_half_up() -> None:
    # 100 x 5 / 3 = 166.67p -> 167p; 1 x 3 / 2 = 1.5p -> 2p
    assert seasonal(Money(100), 2, Money(3), Money(5)).amount == Money(167)
    assert seasonal(Money(1), 2, Money(2), Money(3)).amount == Money(2)


@pytest.mark.parametrize("previous_same", [0, -500])
def test_seasonal_falls_back_to_run_rate_without_last_years_spend(previous_same: int) -> None:
    result = seasonal(Money(600_00), 6, Money(previous_same), Money(10_000_00))
    assert result.method is Method.RUN_RATE
    assert result.amount == Money(1_200_00)
    assert "no spend in the same 6 month(s)" in result.trace.rule


@pytest.mark.parametrize(
    ("kwargs", "method", "amount"),
    [
        ({}, Method.RUN_RATE, 2_400),
        ({"previous_same": Money(100), "previous_full": Money(300)}, Method.SEASONAL, 600),
        ({"overridden": (Money(5), "contract ends")}, Method.OVERRIDE, 5),
    ],
)
def test_forecast_chooses_the_method(kwargs: dict, method: Method, amount: int) -> None:
    result = forecast(Money(200), 1, **kwargs)
    assert (result.method, result.amount) == (method, Money(amount))


def test_before_any_actuals_the_forecast_is_the_budget() -> None:
    result = forecast(Money(0), 0, budget=Money(12_000_00))
    assert (result.method, result.amount) == (Method.BUDGET, Money(12_000_00))


def test_months_elapsed_out_of_range_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="1 to 12"):
        run_rate(Money(1), 13)


def scheme(code: str, budget: int | None, actual: dict, **kw: object) -> SchemeInput:
    return SchemeInput(
        code,
        f"Scheme {code}",
        None if budget is None else Money(budget),
        kw.pop("shares", ((COUNCIL, Decimal(60)), (ICB, Decimal(40)))),  # type: ignore[arg-type]
        actual,
        kw.pop("commitments", {}),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def test_lines_per_scheme_and_partner() -> None:
    result = monitor(
        [
            scheme("S01", 1_200_00, {COUNCIL: 300_00}, commitments={COUNCIL: 50_00}),
            scheme("S02", 1_000, {ICB: 100, COUNCIL: 100}, overridden=(Money(3_000), "x")),
        ],
        PARTNERS,
        3,
        Threshold(),
        host=COUNCIL,
    )
    s01, s02 = result.schemes
    assert (s01.forecast, s01.variance, s01.methods) == (
        Money(1_200_00),
        Money(0),
        (Method.RUN_RATE,),
    )
    assert (s02.forecast, s02.variance) == (Money(3_000), Money(-2_000))
    council, icb = result.partners
    # Budgets split 60/40; S01's forecast all to the council (all its actual); S02's halved.
    assert council.budget == Money(720_00 + 600)
    assert icb.budget == Money(480_00 + 400)
    assert (council.forecast, icb.forecast) == (Money(1_200_00 + 1_500), Money(1_500))
    assert council.commitments == Money(50_00)
    assert result.total.variance == Money(-2_000)
    assert result.overspend == Money(2_000)
    assert result.flagged  # no threshold: any overspend


@pytest.mark.parametrize(
    ("threshold", "flagged", "limit"),
    [
        (Threshold(), True, 0),
        (Threshold(pence=999), True, 999),
        (Threshold(pence=1_000), False, 1_000),  # "more than": equal is not over
        (Threshold(percent=Decimal("0.5")), True, 500),  # 0.5% of £1,000 budget = £5
        (Threshold(percent=Decimal("1")), False, 1_000),
        (Threshold(pence=5_000, percent=Decimal("0.5")), True, 500),  # the lower counts
    ],
)
def test_overspend_threshold(threshold: Threshold, flagged: bool, limit: int) -> None:
    # Budget £1,000, forecast £1,010: overspend £10.
    result = monitor(
        [scheme("S01", 1_000_00, {COUNCIL: 1_010_00})], PARTNERS, 12, threshold, host=COUNCIL
    )
    assert result.overspend == Money(1_000)
    assert (result.flagged, result.limit) == (flagged, Money(limit))


def test_without_a_plan_partners_contributions_are_the_budget() -> None:
    result = monitor(
        [scheme("S01", None, {ICB: 600_00})],
        PARTNERS,
        6,
        Threshold(),
        host=COUNCIL,
        partner_budgets={COUNCIL: Money(1_000_00), ICB: Money(500_00)},
    )
    assert result.schemes[0].variance is None
    assert [p.budget for p in result.partners] == [Money(1_000_00), Money(500_00)]
    assert result.total.budget == Money(1_500_00)
    assert result.total.forecast == Money(1_200_00)
    assert not result.flagged


def test_chart_path_runs_from_actual_to_the_outturn() -> None:
    path = cumulative_path(Money(1_200), [100, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2, Money(1_200))
    assert path[0] == (1, 100, 100, 100)
    assert path[1] == (2, 200, 300, 300)
    assert path[2][2] is None
    assert path[11] == (12, 1_200, None, 1_200)


pence = st.integers(min_value=-(10**9), max_value=10**10)
partner = st.sampled_from([COUNCIL, ICB, "LEEDS-VCS"])


@st.composite
def scheme_inputs(draw: st.DrawFn, index: int, with_budget: bool) -> SchemeInput:
    shares = draw(
        st.sampled_from(
            [
                ((COUNCIL, Decimal(100)),),
                ((COUNCIL, Decimal("33.33")), (ICB, Decimal("66.67"))),
                ((ICB, Decimal(50)), ("LEEDS-VCS", Decimal(50))),
            ]
        )
    )
    previous = draw(st.one_of(st.none(), st.tuples(pence, pence)))
    return SchemeInput(
        f"S{index:02d}",
        "",
        Money(draw(st.integers(0, 10**10))) if with_budget else None,
        shares,
        draw(st.dictionaries(partner, pence, max_size=3)),
        draw(st.dictionaries(partner, st.integers(0, 10**9), max_size=3)),
        None if previous is None else previous[0],
        None if previous is None else previous[1],
        draw(st.one_of(st.none(), st.tuples(pence.map(Money), st.just("why")))),
    )


@st.composite
def pools(draw: st.DrawFn) -> tuple[list[SchemeInput], dict[str, Money] | None, int]:
    with_plan = draw(st.booleans())
    count = draw(st.integers(0, 6))
    schemes = [draw(scheme_inputs(i, with_plan)) for i in range(count)]
    budgets = None if with_plan else draw(st.dictionaries(partner, pence.map(Money)))
    return schemes, budgets, draw(st.integers(0, 12))


@given(pools())
def test_scheme_and_partner_tables_add_up_to_the_same_totals(
    pool: tuple[list[SchemeInput], dict[str, Money] | None, int],
) -> None:
    schemes, budgets, months = pool
    result = monitor(schemes, PARTNERS, months, Threshold(), host=COUNCIL, partner_budgets=budgets)
    for figure in ("actual", "commitments", "forecast"):
        by_scheme = sum(getattr(line, figure).pence for line in result.schemes)
        by_partner = sum(getattr(line, figure).pence for line in result.partners)
        assert by_scheme == by_partner == getattr(result.total, figure).pence
    by_partner_budget = sum(line.budget.pence for line in result.partners if line.budget)
    assert result.total.budget is not None
    assert by_partner_budget == result.total.budget.pence
    if budgets is None:
        assert sum(line.budget.pence for line in result.schemes if line.budget) == (
            by_partner_budget
        )
    assert result.flagged == (result.total.forecast > result.total.budget)


@given(
    st.integers(-(10**12), 10**12),
    st.lists(st.integers(1, 10_000), min_size=1, max_size=6),
)
def test_the_whole_number_split_is_apportion(pence: int, weights: list[int]) -> None:
    assert split_whole(pence, weights) == [m.pence for m in apportion(Money(pence), weights)]
