"""Every agreement command is scoped: an outsider's 'not found' never leaks a title."""

from __future__ import annotations

import pytest

from carepool.agreements.services import agreement_snapshot
from carepool.audit.models import AuditEvent
from tests.cli.helpers import as_json, carepool

LEEDS_TITLE = "Leeds Better Care Fund pooled budget"


def leeds_commands(world) -> list[list[object]]:
    leeds, contribution = world.agreement.pk, world.nhs_min.pk
    return [
        ["agreements", "show", leeds],
        ["agreements", "completeness", leeds],
        ["agreements", "history", leeds],
        ["contributions", "list", leeds],
        ["contributions", "schedule", contribution],
        [
            "contributions",
            "add",
            leeds,
            "--year",
            "2024-25",
            "--partner",
            "E10000016",
            "--stream",
            "ibcf",
            "--amount",
            "1.00",
            "--mandated",
        ],
        [
            "contributions",
            "vary",
            contribution,
            "--effective-date",
            "2024-10-01",
            "--change",
            "100.00",
            "--reason",
            "peek",
        ],
        ["contributions", "update", contribution, "--frequency", "monthly"],
        ["contributions", "delete", contribution],
        ["contributions", "delete", contribution, "--yes"],
        ["agreements", "update", leeds, "--set", "title=Mine"],
        ["agreements", "delete", leeds],
        ["agreements", "delete", leeds, "--yes"],
        ["agreements", "approve", leeds],
        ["agreements", "risk-share", "remove", leeds, 1],
    ]


def test_an_outsider_gets_not_found_for_every_leeds_command(world) -> None:
    for command in leeds_commands(world):
        result = carepool(*command, "--user", "outsider")

        assert result.exit_code == 4, (command, result.output)
        assert "No such" in result.output
        assert LEEDS_TITLE not in result.output
        assert "60000000" not in result.output and "60,000,000" not in result.output


def test_an_outsider_cannot_add_to_the_risk_share_or_update_from_a_file(world) -> None:
    before = (agreement_snapshot(world.agreement), AuditEvent.objects.count())
    for command in (
        ["agreements", "risk-share", "add", world.agreement.pk],
        ["agreements", "update", world.agreement.pk],
    ):
        result = carepool(
            *command,
            "--user",
            "outsider",
            "--file",
            "-",
            input='{"kind": "risk_pool", "applies_to": "overspend", "amount": "1.00"}'
            if "risk-share" in command
            else '{"title": "Mine"}',
        )

        assert result.exit_code == 4, (command, result.output)
        assert "agreement_id: No such agreement" in result.stderr
        assert LEEDS_TITLE not in result.output
    assert (agreement_snapshot(world.agreement), AuditEvent.objects.count()) == before


def test_not_found_in_json_names_the_field(world) -> None:
    result = carepool("agreements", "show", world.agreement.pk, "--user", "outsider", "--json")

    assert result.exit_code == 4
    assert as_json(result) == {
        "errors": [{"field": "agreement_id", "message": "No such agreement"}]
    }


def test_an_agreement_that_does_not_exist_reads_the_same_as_one_you_may_not_see(world) -> None:
    missing = carepool("agreements", "show", 999999, "--user", "outsider", "--json")
    hidden = carepool("agreements", "show", world.agreement.pk, "--user", "outsider", "--json")
    assert (missing.exit_code, missing.stdout) == (hidden.exit_code, hidden.stdout)


@pytest.mark.parametrize(
    ("username", "titles"),
    [
        ("outsider", ["Kent Better Care Fund"]),
        ("viewer", [LEEDS_TITLE]),
        ("auditor", [LEEDS_TITLE]),
        ("assurer", ["Kent Better Care Fund", LEEDS_TITLE]),
    ],
)
def test_agreements_list_shows_only_what_the_user_may_see(world, username, titles) -> None:
    result = carepool("agreements", "list", "--user", username, "--json")

    assert result.exit_code == 0, result.output
    assert sorted(a["title"] for a in as_json(result)["agreements"]) == titles


def test_the_outsider_still_sees_their_own_agreement(world) -> None:
    result = carepool("agreements", "show", world.kent_agreement.pk, "--user", "outsider")
    assert result.exit_code == 0, result.output
    assert "Kent Better Care Fund" in result.output


def test_an_unknown_user_is_refused(world) -> None:
    result = carepool("agreements", "list", "--user", "nobody", "--json")
    assert result.exit_code == 3
    assert as_json(result) == {
        "errors": [{"field": "user", "message": "There is no active user called 'nobody'"}]
    }


def test_the_user_option_is_required(world) -> None:
    result = carepool("agreements", "list")
    assert result.exit_code == 2
    assert "--user" in result.output
