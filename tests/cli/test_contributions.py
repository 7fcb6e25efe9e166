"""Recording and varying contributions from the command line: refusals change nothing."""

from __future__ import annotations

import pytest

from carepool.agreements.models import Contribution, ContributionVariation
from carepool.audit.models import AuditEvent
from tests.cli.helpers import as_json, carepool


def add(world, *extra: object, user: str = "finance", **options: str):
    values = {"year": "2024-25", "partner": "E08000035", "stream": "dfg", "amount": "7640000.00"}
    values.update(options)
    args: list[object] = ["contributions", "add", world.agreement.pk, "--user", user]
    for name, value in values.items():
        args += [f"--{name}", value]
    return carepool(*args, *extra)


def state() -> tuple[int, int, int]:
    return (
        Contribution.objects.count(),
        ContributionVariation.objects.count(),
        AuditEvent.objects.count(),
    )


def test_adding_a_contribution_is_audited_as_cli(world) -> None:
    result = add(world, "--mandated", "--json")

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert (data["funding_stream"], data["amount"], data["mandated"]) == ("dfg", "7640000.00", True)
    event = AuditEvent.objects.filter(object_type="contribution").order_by("-id").first()
    assert (event.interface, event.action, event.actor.username) == ("cli", "create", "finance")
    assert event.changes["original_amount"] == [None, "7640000.00"]


def test_adding_prints_a_confirmation_for_people(world) -> None:
    result = add(world, "--mandated")
    assert result.exit_code == 0, result.output
    assert "Added contribution" in result.stdout
    assert "£7,640,000.00" in result.stdout


@pytest.mark.parametrize(
    ("options", "flag", "field", "message"),
    [
        ({"amount": "-5.00"}, "--mandated", "amount", "cannot be negative"),
        ({"amount": "lots"}, "--mandated", "amount", "'lots' is not an amount of money"),
        ({"amount": "10.001"}, "--mandated", "amount", "fraction of a penny"),
        (
            {"stream": "unicorns"},
            "--mandated",
            "funding_stream",
            "'unicorns' is not a funding stream in 2024-25",
        ),
        (
            {"year": "2024/25"},
            "--mandated",
            "year",
            "'2024/25' is not a financial year; write it like 2024-25",
        ),
        ({"partner": "ZZZ"}, "--mandated", "partner", "'ZZZ' is not a partner in this agreement"),
        ({}, "--additional", "mandated", "cannot be recorded as additional"),
        (
            {"frequency": "weekly"},
            "--mandated",
            "frequency",
            "'weekly' is not how the contribution is paid (its instalments); give one of: annual for One annual payment",
        ),
    ],
)
def test_invalid_contributions_are_refused_naming_the_field_and_change_nothing(
    world, options, flag, field, message
) -> None:
    before = state()

    result = add(world, flag, **options)

    assert result.exit_code == 2, result.output
    assert f"{field}: " in result.stderr
    assert message in result.stderr
    assert state() == before


def test_refusals_in_json_list_every_field(world) -> None:
    before = state()

    result = add(world, "--mandated", "--json", year="2024/25", amount="abc")

    assert result.exit_code == 2
    errors = as_json(result)["errors"]
    assert {e["field"] for e in errors} == {"year", "amount"}
    assert all(e["message"] for e in errors)
    assert result.stderr == ""
    assert state() == before


def test_mandated_or_additional_must_be_said(world) -> None:
    result = add(world)
    assert result.exit_code == 2
    assert "mandated: Say whether the contribution is --mandated" in result.stderr


@pytest.mark.parametrize("username", ["viewer", "signatory", "auditor", "assurer"])
def test_a_user_without_the_finance_role_is_refused(world, username) -> None:
    before = state()

    result = add(world, "--mandated", user=username)

    assert result.exit_code == 3, result.output
    assert "finance officer role" in result.stderr
    assert state() == before


def test_a_variation_is_recorded_with_its_reason_and_audited(world) -> None:
    result = carepool(
        "contributions",
        "vary",
        world.ibcf.pk,
        "--user",
        "finance",
        "--effective-date",
        "2024-10-01",
        "--new-amount",
        "36000000.01",
        "--reason",
        "Grant uplift",
        "--json",
    )

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert data["variation"]["change"] == "1000000.00"
    assert data["contribution"]["original_amount"] == "35000000.01"
    assert data["contribution"]["amount"] == "36000000.01"
    event = AuditEvent.objects.get(object_type="contribution_variation")
    assert (event.interface, event.actor.username) == ("cli", "finance")


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (["--change", "-99999999999.00"], "change"),
        (["--change", "10.00", "--new-amount", "5.00"], "change"),
        (["--change", "abc"], "change"),
        (["--change", "10.00", "--effective-date", "2026-01-01"], "effective_date"),
        (["--change", "10.00", "--reason", " "], "reason"),
    ],
)
def test_invalid_variations_are_refused_and_change_nothing(world, options, field) -> None:
    args = {"--effective-date": "2024-10-01", "--reason": "Because"}
    for i in range(0, len(options), 2):
        args[options[i]] = options[i + 1]
    before = state()

    result = carepool(
        "contributions",
        "vary",
        world.ibcf.pk,
        "--user",
        "finance",
        *[x for pair in args.items() for x in pair],
    )

    assert result.exit_code == 2, result.output
    assert f"{field}: " in result.stderr
    assert state() == before


def test_list_shows_contributions_and_totals(world) -> None:
    result = carepool("contributions", "list", world.agreement.pk, "--user", "viewer", "--json")

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert [y["year"] for y in data["years"]] == ["2024-25"]
    year = data["years"][0]
    assert {c["funding_stream"] for c in year["contributions"]} == {"nhs_minimum", "ibcf"}
    assert year["totals"]["overall"] == "95000000.01"
    assert year["totals"]["by_partner"] == {"E08000035": "35000000.01", "QWO": "60000000.00"}

    people = carepool("contributions", "list", world.agreement.pk, "--user", "viewer")
    assert "£95,000,000.01" in people.stdout


def test_list_refuses_a_badly_written_year(world) -> None:
    result = carepool(
        "contributions", "list", world.agreement.pk, "--user", "viewer", "--year", "2024"
    )
    assert result.exit_code == 2
    assert "year: '2024' is not a financial year" in result.stderr


def test_the_schedule_conserves_every_penny(world) -> None:
    result = carepool("contributions", "schedule", world.ibcf.pk, "--user", "auditor", "--json")

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert [i["amount"] for i in data["instalments"]] == [
        "8750000.01",
        "8750000.00",
        "8750000.00",
        "8750000.00",
    ]
    assert data["total"] == "35000000.01"


def test_update_changes_the_frequency_and_is_audited(world) -> None:
    result = carepool(
        "contributions",
        "update",
        world.ibcf.pk,
        "--user",
        "finance",
        "--frequency",
        "monthly",
        "--json",
    )

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert data["frequency"] == "monthly"
    assert len(data["schedule"]) == 12
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.interface, event.action, event.object_type) == ("cli", "update", "contribution")
    assert event.changes == {"frequency": ["quarterly", "monthly"]}

    people = carepool(
        "contributions", "update", world.ibcf.pk, "--user", "finance", "--frequency", "annual"
    )
    assert "is now paid annual: 1 instalment" in people.stdout


@pytest.mark.parametrize(
    ("username", "frequency", "code", "message"),
    [
        ("finance", "weekly", 2, "frequency: 'weekly' is not how the contribution is paid"),
        ("viewer", "monthly", 3, "user: You need the finance officer role"),
    ],
)
def test_update_refusals_change_nothing(world, username, frequency, code, message) -> None:
    before = (state(), Contribution.objects.get(pk=world.ibcf.pk).frequency)

    result = carepool(
        "contributions", "update", world.ibcf.pk, "--user", username, "--frequency", frequency
    )

    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert (state(), Contribution.objects.get(pk=world.ibcf.pk).frequency) == before


def test_delete_a_contribution(world) -> None:
    result = carepool("contributions", "delete", world.ibcf.pk, "--user", "finance", "--yes")

    assert result.exit_code == 0, result.output
    assert f"Deleted contribution {world.ibcf.pk}" in result.stdout
    assert "£35,000,000.01" in result.stdout
    assert not Contribution.objects.filter(pk=world.ibcf.pk).exists()
    event = AuditEvent.objects.filter(action="delete").get()
    assert (event.interface, event.object_type) == ("cli", "contribution")


def test_delete_asks_and_json_does_not(world) -> None:
    asked = carepool("contributions", "delete", world.ibcf.pk, "--user", "finance", input="y\n")
    assert asked.exit_code == 0, asked.output
    assert f"Delete contribution {world.ibcf.pk}: Leeds City Council, ibcf 2024-25" in asked.stderr

    quiet = carepool("contributions", "delete", world.nhs_min.pk, "--user", "finance", "--json")
    assert quiet.exit_code == 0, quiet.output
    assert as_json(quiet)["deleted"]["amount"] == "60000000.00"


def test_delete_refusals_change_nothing(world) -> None:
    carepool(
        "contributions",
        "vary",
        world.ibcf.pk,
        "--user",
        "finance",
        "--effective-date",
        "2024-10-01",
        "--change",
        "1.00",
        "--reason",
        "Uplift",
    )
    before = state()

    varied = carepool("contributions", "delete", world.ibcf.pk, "--user", "finance", "--yes")
    assert varied.exit_code == 2
    assert "contribution: A contribution with variations keeps its history" in varied.stderr

    viewer = carepool("contributions", "delete", world.nhs_min.pk, "--user", "viewer")
    assert viewer.exit_code == 3
    assert "Delete contribution" not in viewer.output

    unanswered = carepool("contributions", "delete", world.nhs_min.pk, "--user", "finance")
    assert unanswered.exit_code == 2
    assert "yes: There is no answer" in unanswered.stderr

    assert state() == before


def test_mandated_and_additional_together_are_refused(world) -> None:
    before = state()
    result = carepool(
        "contributions", "add", world.agreement.pk, "--user", "finance", "--year", "2024-25",
        "--partner", "E08000035", "--stream", "dfg", "--amount", "1.00",
        "--mandated", "--additional",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "mandated: Give --mandated or --additional, not both" in result.stderr
    assert state() == before
