"""Adding, changing and deleting organisations from the command line."""

from __future__ import annotations

from typing import Any

import pytest

from carepool.audit.models import AuditEvent
from carepool.organisations.models import Organisation
from carepool.organisations.services import snapshot
from tests.cli.helpers import as_json, carepool

TRUST = {
    "code": "RR8",
    "code-system": "ods",
    "name": "Leeds Teaching Hospitals NHS Trust",
    "type": "nhs_trust",
}


def add(user: str = "finance", *extra: object, **options: str):
    values = {**TRUST, **options}
    args: list[object] = ["organisations", "add", "--user", user]
    for name, value in values.items():
        args += [f"--{name.replace('_', '-')}", value]
    return carepool(*args, *extra)


def state() -> tuple[list[dict[str, Any]], int]:
    return [snapshot(o) for o in Organisation.objects.order_by("code")], AuditEvent.objects.count()


def latest_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def test_add_is_audited_as_cli(world) -> None:
    result = add("finance", "--json")

    assert result.exit_code == 0, result.output
    assert as_json(result) == {
        "code": "RR8",
        "name": "Leeds Teaching Hospitals NHS Trust",
        "org_type": "nhs_trust",
        "org_type_label": Organisation.objects.get(code="RR8").type.label,
        "code_system": "ods",
        "version": 1,
    }
    event = latest_event()
    assert (event.interface, event.action, event.object_type) == ("cli", "create", "organisation")
    assert event.actor.username == "finance"


def test_add_prints_a_confirmation(world) -> None:
    result = add()
    assert result.exit_code == 0, result.output
    assert "Added organisation RR8: Leeds Teaching Hospitals NHS Trust" in result.stdout


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"code": "QWO"}, "code", "An organisation with the code QWO already exists"),
        ({"type": "bank"}, "org_type", "'bank' is not the type of organisation"),
        (
            {"code-system": "gss"},
            "code_system",
            "An organisation of type 'NHS trust' is identified by its ODS code",
        ),
        ({"code": "R-8!"}, "code", "'R-8!' is not"),
        ({"name": " "}, "name", "is required"),
    ],
)
def test_add_refusals_name_the_field_and_change_nothing(world, options, field, message) -> None:
    before = state()

    result = add(**options)

    assert result.exit_code == 2, result.output
    assert f"{field}: {message}" in result.stderr
    assert state() == before


@pytest.mark.parametrize("username", ["viewer", "signatory"])
def test_only_finance_officers_add(world, username) -> None:
    before = state()
    result = add(username)
    assert result.exit_code == 3
    assert "user: You need the finance officer role to add organisations" in result.stderr
    assert state() == before


def test_update_what_your_organisation_added(world) -> None:
    assert add().exit_code == 0

    result = carepool(
        "organisations",
        "update",
        "rr8",
        "--user",
        "finance",
        "--name",
        "Leeds Teaching Hospitals",
        "--json",
    )

    assert result.exit_code == 0, result.output
    assert as_json(result)["name"] == "Leeds Teaching Hospitals"
    event = latest_event()
    assert (event.interface, event.action) == ("cli", "update")
    assert event.changes == {
        "name": ["Leeds Teaching Hospitals NHS Trust", "Leeds Teaching Hospitals"]
    }


def test_update_your_own_organisation_prints_what_changed(world) -> None:
    result = carepool(
        "organisations", "update", "E08000035", "--user", "finance", "--name", "Leeds Council"
    )
    assert result.exit_code == 0, result.output
    assert "Updated organisation E08000035: Leeds Council" in result.stdout
    assert "(changed: name)" in result.stdout


def test_a_code_cannot_be_changed(world) -> None:
    before = state()

    result = carepool(
        "organisations", "update", "E08000035", "--user", "finance", "--new-code", "E08000036"
    )

    assert result.exit_code == 2, result.output
    assert "code: An organisation's code cannot be changed" in result.stderr
    assert state() == before


def test_another_organisations_record_is_refused(world) -> None:
    before = state()

    result = carepool("organisations", "update", "QWO", "--user", "outsider", "--name", "Mine")

    assert result.exit_code == 3, result.output
    assert (
        "user: You can change your own organisation and the ones your organisation added"
        in result.stderr
    )
    assert state() == before


def test_a_viewer_cannot_change_their_own_organisation(world) -> None:
    before = state()
    result = carepool("organisations", "update", "QWO", "--user", "viewer", "--name", "Mine")
    assert result.exit_code == 3
    assert "finance officer role" in result.stderr
    assert state() == before


def test_update_refusals(world) -> None:
    before = state()
    nothing = carepool("organisations", "update", "QWO", "--user", "finance")
    assert nothing.exit_code == 2
    assert "Give at least one of --name, --type or --code-system" in nothing.stderr
    unknown = carepool("organisations", "update", "NOPE", "--user", "finance", "--name", "X")
    assert unknown.exit_code == 4
    assert "code: No organisation has the code 'NOPE'" in unknown.stderr
    bad_type = carepool(
        "organisations", "update", "E08000035", "--user", "finance", "--type", "bank", "--json"
    )
    assert bad_type.exit_code == 2
    assert as_json(bad_type)["errors"][0]["field"] == "org_type"
    assert state() == before


def test_delete_what_your_organisation_added(world) -> None:
    assert add().exit_code == 0

    asked = carepool("organisations", "delete", "RR8", "--user", "finance", input="yes\n")

    assert asked.exit_code == 0, asked.output
    assert "Delete organisation RR8, 'Leeds Teaching Hospitals NHS Trust'?" in asked.stderr
    assert "Deleted organisation RR8" in asked.stdout
    assert not Organisation.objects.filter(code="RR8").exists()
    event = latest_event()
    assert (event.interface, event.action, event.object_type) == ("cli", "delete", "organisation")


def test_delete_refusals_change_nothing(world) -> None:
    assert add().exit_code == 0
    before = state()

    partner = carepool("organisations", "delete", "E08000035", "--user", "finance", "--yes")
    assert partner.exit_code == 2
    assert "code: Leeds City Council is a partner in an agreement" in partner.stderr

    other = carepool("organisations", "delete", "RR8", "--user", "outsider")
    assert other.exit_code == 3, other.output
    assert "Delete organisation" not in other.output  # refused before being asked

    no_answer = carepool("organisations", "delete", "RR8", "--user", "finance")
    assert no_answer.exit_code == 2
    assert "yes: There is no answer" in no_answer.stderr

    declined = carepool("organisations", "delete", "RR8", "--user", "finance", input="n\n")
    assert declined.exit_code == 1

    assert state() == before
