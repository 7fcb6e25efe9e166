"""``carepool ledger monitor|lines|national|forecast|explain|action-plan``: tables for people,
one JSON document with --json, and the exit codes of refusals."""

from __future__ import annotations

import pytest

from carepool.ledger.models import ActionPlan, ForecastOverride, VarianceNote
from tests.cli.helpers import as_json, carepool
from tests.factories import World
from tests.ledger.monitoring_builders import COUNCIL, FIRST_HALF, monthly, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def spent(world: World) -> World:
    post(world.agreement, monthly("S01", COUNCIL, 1_000, FIRST_HALF))
    return world


def test_monitor_for_people_and_programs(spent: World) -> None:
    pk = spent.agreement.pk
    shown = carepool(
        "ledger", "monitor", "--user", "viewer", "--agreement", pk, "--year", "2024-25"
    )
    assert shown.exit_code == 0, shown.output
    assert "as at September 2024" in shown.stdout
    assert "£12,000.00" in shown.stdout
    assert "Run rate" in shown.stdout
    assert "partners' contributions" in shown.stdout
    data = as_json(
        carepool(
            "ledger",
            "monitor",
            "--user",
            "viewer",
            "--agreement",
            pk,
            "--year",
            "2024-25",
            "--as-at",
            "2024-06",
            "--json",
        )
    )
    assert data["as_at"] == "2024-06"
    assert data["schemes"][0]["actual"]["pence"] == 3_000_00


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (("--user", "viewer", "--year", "2024"), 2, "year"),
        (("--user", "viewer", "--year", "2024-25", "--as-at", "2026-01"), 2, "as_at"),
        (("--user", "outsider", "--year", "2024-25"), 4, "agreement"),
        (("--user", "nobody", "--year", "2024-25"), 3, "user"),
    ],
)
def test_monitor_refusals(spent: World, args: tuple, code: int, field: str) -> None:
    result = carepool("ledger", "monitor", "--agreement", spent.agreement.pk, *args, "--json")
    assert result.exit_code == code
    assert as_json(result)["errors"][0]["field"] == field


def test_lines_and_national(spent: World) -> None:
    pk = spent.agreement.pk
    lines = as_json(
        carepool(
            "ledger",
            "lines",
            "--user",
            "viewer",
            "--agreement",
            pk,
            "--year",
            "2024-25",
            "--scheme",
            "S01",
            "--month",
            "2024-05",
            "--json",
        )
    )
    assert lines["count"] == 1
    assert lines["items"][0]["reference"] == "INV-S01-E08000035-202405"
    table = carepool("ledger", "lines", "--user", "viewer", "--agreement", pk, "--year", "2024-25")
    assert "Lines 1-6 of 6" in table.stdout
    national = carepool("ledger", "national", "--user", "assurer", "--year", "2024-25")
    assert national.exit_code == 0, national.output
    assert "Leeds" in national.stdout
    assert "Kent" in national.stdout
    data = as_json(
        carepool("ledger", "national", "--user", "assurer", "--year", "2024-25", "--json")
    )
    assert data["actual"]["pence"] == 6_000_00


def test_writes(spent: World) -> None:
    pk = spent.agreement.pk
    base = ("--user", "finance", "--agreement", pk)
    done = carepool(
        "ledger",
        "forecast",
        *base,
        "--year",
        "2024-25",
        "--scheme",
        "S01",
        "--amount",
        "15000",
        "--reason",
        "New contract",
    )
    assert done.exit_code == 0, done.output
    assert "£15,000.00" in done.stdout
    assert ForecastOverride.objects.get().amount_pence == 15_000_00
    cleared = carepool(
        "ledger", "forecast", *base, "--year", "2024-25", "--scheme", "S01", "--clear"
    )
    assert cleared.exit_code == 0
    assert not ForecastOverride.objects.exists()
    bad = carepool("ledger", "forecast", *base, "--year", "2024-25", "--scheme", "S01", "--json")
    assert bad.exit_code == 2
    assert sorted(e["field"] for e in as_json(bad)["errors"]) == ["amount", "reason"]
    assert (
        carepool(
            "ledger", "explain", *base, "--month", "2024-09", "--scheme", "S01", "--text", "Demand"
        ).exit_code
        == 0
    )
    assert VarianceNote.objects.get().text == "Demand"
    plan = carepool("ledger", "action-plan", *base, "--month", "2024-09", "--text", "Review")
    assert plan.exit_code == 0
    assert ActionPlan.objects.get().text == "Review"
    refused = carepool(
        "ledger",
        "action-plan",
        "--user",
        "viewer",
        "--agreement",
        pk,
        "--month",
        "2024-09",
        "--text",
        "x",
    )
    assert refused.exit_code == 3
    assert ActionPlan.objects.count() == 1


def test_the_threshold_through_agreements_update_and_show(spent: World) -> None:
    pk = spent.agreement.pk
    shown = carepool("agreements", "show", pk, "--user", "viewer")
    assert "any forecast overspend (none set)" in shown.stdout
    updated = carepool(
        "agreements",
        "update",
        pk,
        "--user",
        "finance",
        "--set",
        "overspend_threshold=50000",
        "--set",
        "overspend_threshold_percent=2.5",
        "--json",
    )
    assert updated.exit_code == 0, updated.output
    assert as_json(updated)["overspend_threshold"] == "50000.00"
    shown = carepool("agreements", "show", pk, "--user", "viewer")
    assert "over £50,000.00 or 2.50% of the budget" in shown.stdout
    refused = carepool(
        "agreements",
        "update",
        pk,
        "--user",
        "finance",
        "--set",
        "overspend_threshold_percent=0",
        "--json",
    )
    assert refused.exit_code == 2
    assert as_json(refused)["errors"][0]["field"] == "overspend_threshold_percent"
