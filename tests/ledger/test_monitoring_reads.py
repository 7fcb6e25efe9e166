"""Monitoring reads: budget sources, forecasts from balances, the month shown, the overspend
flag, scoping, the national report, the drill-down, and constant query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepool.accounts.permissions import NotFound
from carepool.agreements.models import Agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.core import ledger as core
from carepool.core.errors import ValidationFailed
from carepool.core.forecast import Method
from carepool.core.money import Money
from carepool.ledger.models import ClosedMonth
from carepool.ledger.monitoring import lines_of, monitoring_of, national_report
from carepool.plans import services as plan_services
from tests.factories import World
from tests.fixtures import world  # noqa: F401
from tests.ledger.monitoring_builders import (
    COUNCIL,
    FIRST_HALF,
    ICB,
    monthly,
    post,
    sign_off_fully,
    start_plan,
)
from tests.plan_builders import scheme

pytestmark = pytest.mark.django_db


def test_without_a_plan_the_contributions_are_the_budget(world: World) -> None:  # noqa: F811
    post(world.agreement, monthly("S01", COUNCIL, 1_000, FIRST_HALF))
    m = monitoring_of(world.finance, world.agreement.pk, "2024-25")
    assert m.budget_source.kind == "contributions"
    assert m.as_at == 202409
    budgets = {line.key: line.budget for line in m.result.partners}
    assert budgets[ICB] == Money(60_000_000_00)
    assert budgets[COUNCIL] == Money(35_000_000_01)
    (s01,) = m.result.schemes
    assert s01.budget is None
    assert (s01.actual, s01.forecast, s01.methods) == (
        Money(6_000_00),
        Money(12_000_00),
        (Method.RUN_RATE,),
    )
    assert not m.result.flagged


def test_a_draft_plan_is_the_budget_until_one_is_signed_off(world: World) -> None:  # noqa: F811
    plan = start_plan(world)
    m = monitoring_of(world.viewer, world.agreement.pk, "2024-25")
    assert m.budget_source.kind == "draft_plan"
    assert "not yet approved" in m.budget_source.label
    assert [(s.key, s.budget) for s in m.result.schemes] == [
        ("S01", Money(60_000_000_00)),
        ("S02", Money(35_000_000_01)),
    ]
    # S02 is split 50/50 by its commissioners; the odd penny goes to the first share.
    budgets = {line.key: line.budget for line in m.result.partners}
    assert budgets[COUNCIL] == Money(60_000_000_00 + 17_500_000_01)
    assert budgets[ICB] == Money(17_500_000_00)
    assert m.as_at is None
    assert {s.methods for s in m.result.schemes} == {(Method.BUDGET,)}

    sign_off_fully(world, plan, 1)
    approved = monitoring_of(world.viewer, world.agreement.pk, "2024-25")
    assert approved.budget_source.kind == "approved_plan"
    assert approved.budget_source.version == 1

    # A change makes version 2 (a draft): the approved version 1 stays the budget.
    plan_services.put_scheme(
        Actor(world.finance, Interface.WEB),
        plan.pk,
        scheme("S01", funding=[{"stream": "nhs_minimum", "amount": "50000000.00"}]),
    )
    still = monitoring_of(world.viewer, world.agreement.pk, "2024-25")
    assert (still.budget_source.kind, still.budget_source.version) == ("approved_plan", 1)
    assert still.result.schemes[0].budget == Money(60_000_000_00)


def test_seasonal_profile_from_last_year_and_the_month_shown(world: World) -> None:  # noqa: F811
    # Last year: £100 a month April-September, £300 a month October-March (£2,400 in all).
    post(world.agreement, monthly("S01", COUNCIL, 100, (202304, 202305, 202306)))
    post(world.agreement, monthly("S01", COUNCIL, 100, (202307, 202308, 202309)))
    post(world.agreement, monthly("S01", COUNCIL, 300, (202310, 202311, 202312)))
    post(world.agreement, monthly("S01", COUNCIL, 300, (202401, 202402, 202403)))
    post(world.agreement, monthly("S01", COUNCIL, 200, FIRST_HALF))
    m = monitoring_of(world.finance, world.agreement.pk, "2024-25")
    (s01,) = m.result.schemes
    # £1,200 so far x £2,400 / £600 = £4,800
    assert (s01.forecast, s01.methods) == (Money(4_800_00), (Method.SEASONAL,))
    assert s01.detail is not None
    assert "£1,200.00 x £2,400.00 / £600.00" in s01.detail.trace.sentence
    # As at June: £600 so far, last year £300 in April-June: £600 x 2,400 / 300 = £4,800.
    june = monitoring_of(world.finance, world.agreement.pk, "2024-25", as_at=202406)
    assert june.result.schemes[0].actual == Money(600_00)
    assert june.months[2].actual_to_date == Money(600_00)
    assert june.months[3].actual_to_date is None
    assert june.months[11].forecast_to_date == june.result.total.forecast


def test_commitments_and_the_default_month_count_closed_months(world: World) -> None:  # noqa: F811
    post(
        world.agreement,
        [
            core.actual("S01", ICB, Money(500_00), date(2024, 4, 2)),
            core.commitment("S01", ICB, Money(900_00), date(2024, 4, 3)),
            core.release("S01", ICB, Money(400_00), date(2024, 5, 3)),
        ],
    )
    ClosedMonth.objects.create(agreement=world.agreement, month=202406, closed_at=timezone.now())
    m = monitoring_of(world.finance, world.agreement.pk, "2024-25")
    assert m.as_at == 202406  # the latest closed month is later than the latest posting
    assert m.result.schemes[0].commitments == Money(500_00)
    assert m.result.schemes[0].forecast == Money(2_000_00)  # £500 in 3 months: / 3 x 12
    april = monitoring_of(world.finance, world.agreement.pk, "2024-25", as_at=202404)
    assert april.result.schemes[0].commitments == Money(900_00)


@pytest.mark.parametrize(
    ("threshold", "flagged"),
    [
        ({}, True),
        ({"overspend_threshold_pence": 60_000_01}, False),  # more than: equal is not over
        ({"overspend_threshold_pence": 60_000_00}, True),
        ({"overspend_threshold_percent": Decimal("0.07")}, False),  # 0.07% of £95m: £66,500
        ({"overspend_threshold_percent": Decimal("0.06")}, True),  # £57,000
    ],
)
def test_overspend_flag_follows_the_threshold(
    world: World,  # noqa: F811
    threshold: dict,
    flagged: bool,
) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(**threshold)
    # £95,000,000.01 budget; £47,530,000.01 spent in six months: forecast £95,060,000.02.
    post(world.agreement, monthly("S01", COUNCIL, 7_921_666, FIRST_HALF))
    post(world.agreement, [core.actual("S01", ICB, Money(4_00 + 1), date(2024, 9, 30))])
    m = monitoring_of(world.finance, world.agreement.pk, "2024-25")
    assert m.result.overspend == Money(60_000_01)
    assert m.result.flagged is flagged
    assert m.action_plan_required is flagged


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": "2024"}, "year"),
        ({"year": "2024-25", "as_at": 202504}, "as_at"),
        ({"year": "2024-25", "as_at": "Oct"}, "as_at"),
    ],
)
def test_bad_year_or_month_names_the_field(world: World, kwargs: dict, field: str) -> None:  # noqa: F811
    with pytest.raises(ValidationFailed) as caught:
        monitoring_of(world.finance, world.agreement.pk, **kwargs)
    assert caught.value.errors[0].field == field


def test_only_those_who_see_the_agreement_read_its_monitoring(world: World) -> None:  # noqa: F811
    with pytest.raises(NotFound):
        monitoring_of(world.outsider, world.agreement.pk, "2024-25")
    with pytest.raises(NotFound):
        lines_of(world.outsider, world.agreement.pk, year="2024-25")


def queries(read) -> int:  # type: ignore[no-untyped-def]
    read()  # the first read of a process may fill caches (organisation types and the like)
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def test_monitoring_reads_a_fixed_number_of_queries(world: World) -> None:  # noqa: F811
    start_plan(world)
    post(world.agreement, monthly("S01", COUNCIL, 10, FIRST_HALF))
    small = queries(lambda: monitoring_of(world.finance, world.agreement.pk, "2024-25"))
    for n in range(3, 30):
        post(world.agreement, monthly(f"S{n:02d}", ICB, n, FIRST_HALF))
        post(world.agreement, monthly(f"S{n:02d}", COUNCIL, n, (202304, 202305)))
    large = queries(lambda: monitoring_of(world.finance, world.agreement.pk, "2024-25"))
    assert small == large <= 14


def test_national_report_scoping_and_figures(world: World) -> None:  # noqa: F811
    start_plan(world)
    post(world.agreement, monthly("S01", COUNCIL, 1_000, FIRST_HALF))
    post(world.kent_agreement, monthly("K01", "QKS", 50, (202404, 202405, 202406)))
    report = national_report(world.assurer, "2024-25")
    assert [a.agreement.pk for a in report.areas] == [
        world.kent_agreement.pk,
        world.agreement.pk,
    ]
    assert report.as_at == 202409
    kent, leeds = report.areas
    assert leeds.budget_source.kind == "draft_plan"
    assert leeds.budget == Money(95_000_000_01)
    assert [(s.code, s.actual, s.forecast.amount) for s in leeds.schemes] == [
        ("S01", Money(6_000_00), Money(12_000_00)),
        ("S02", Money(0), Money(0)),
    ]
    assert kent.budget_source.kind == "contributions"
    # As at September for every area: Kent's £150 over six months runs at £300.
    assert kent.forecast == Money(300_00)
    assert report.actual == Money(6_150_00)
    # A partner's viewer sees only their own agreements.
    mine = national_report(world.viewer, "2024-25")
    assert [a.agreement.pk for a in mine.areas] == [world.agreement.pk]


def test_national_report_reads_a_fixed_number_of_queries(world: World) -> None:  # noqa: F811
    start_plan(world)
    post(world.agreement, monthly("S01", COUNCIL, 10, FIRST_HALF))
    small = queries(lambda: national_report(world.assurer, "2024-25"))
    for n in range(2, 20):
        post(world.kent_agreement, monthly(f"K{n:02d}", "QKS", n, FIRST_HALF))
    large = queries(lambda: national_report(world.assurer, "2024-25"))
    assert small == large <= 12


def test_lines_behind_a_figure_newest_first(world: World) -> None:  # noqa: F811
    post(world.agreement, monthly("S01", COUNCIL, 10, FIRST_HALF))
    post(world.agreement, monthly("S01", ICB, 20, (202405,)))
    post(world.agreement, [core.actual("S02", ICB, Money(-5_00), date(2024, 5, 20))])
    post(world.agreement, monthly("S01", COUNCIL, 99, (202304,)))  # last year: not shown
    rows = lines_of(world.viewer, world.agreement.pk, year="2024-25")
    assert rows.count() == 8
    assert [r.day for r in rows[:2]] == [date(2024, 9, 15), date(2024, 8, 15)]
    may = list(lines_of(world.viewer, world.agreement.pk, month="2024-05", year="2024-25"))
    assert [(r.day, r.signed_pence) for r in may] == [
        (date(2024, 5, 20), -5_00),
        (date(2024, 5, 15), 20_00),
        (date(2024, 5, 15), 10_00),
    ]
    s01_icb = lines_of(world.viewer, world.agreement.pk, scheme="S01", partner=ICB, year="2024-25")
    assert [r.reference for r in s01_icb] == ["INV-S01-QWO-202405"]
    # The figures the lines add up to are the monitoring figures.
    m = monitoring_of(world.viewer, world.agreement.pk, "2024-25")
    assert sum(r.signed_pence for r in rows) == m.result.total.actual.pence


def test_last_year_without_spend_in_the_same_months_falls_back_to_run_rate(
    world: World,  # noqa: F811
) -> None:
    post(world.agreement, monthly("S01", COUNCIL, 500, (202312, 202401)))  # only winter
    post(world.agreement, monthly("S01", COUNCIL, 100, (202404, 202405)))
    (s01,) = monitoring_of(world.finance, world.agreement.pk, "2024-25").result.schemes
    assert (s01.forecast, s01.methods) == (Money(1_200_00), (Method.RUN_RATE,))
    assert s01.detail is not None
    assert "last year had no spend in the same 2 month(s)" in s01.detail.trace.rule
