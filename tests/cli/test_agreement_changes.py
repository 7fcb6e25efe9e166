"""Creating, changing, approving and deleting agreements from the command line.

Every refusal names the field, exits with the documented code and changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from carepool.agreements.models import Agreement
from carepool.agreements.services import accept_invitation, agreement_snapshot
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.signoff.models import SignOff
from tests.cli.helpers import as_json, carepool
from tests.factories import agreement_data

NEW_TITLE = "Leeds intermediate care pool"
RISK_POOL = {"kind": "risk_pool", "applies_to": "overspend", "amount": "500000.00"}


def new_agreement(**overrides: Any) -> dict[str, Any]:
    return agreement_data(title=NEW_TITLE, auditors=[], **overrides)


def write(tmp_path: Path, data: Any, name: str = "input.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def state(world) -> tuple[dict[str, Any], int, int, int]:
    """The Leeds agreement's terms, and how many agreements, approvals and audit events exist."""
    return (
        agreement_snapshot(Agreement.objects.get(pk=world.agreement.pk)),
        Agreement.objects.count(),
        SignOff.objects.filter(withdrawn_at__isnull=True).count(),
        AuditEvent.objects.count(),
    )


def latest_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


# -- create ------------------------------------------------------------------------------


def test_create_from_a_file_is_audited_as_cli(world, tmp_path) -> None:
    path = write(tmp_path, new_agreement())

    result = carepool("agreements", "create", "--user", "finance", "--file", path, "--json")

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert data["title"] == NEW_TITLE
    assert [p["code"] for p in data["partners"]] == ["E08000035", "LEEDS-VCS", "QWO"]
    assert data["completeness"]["complete"] is False
    created = Agreement.objects.get(pk=data["id"])
    event = latest_event()
    assert (event.interface, event.action, event.object_type) == ("cli", "create", "agreement")
    assert (event.actor.username, event.agreement_id) == ("finance", created.pk)


def test_create_from_standard_input_prints_a_confirmation(world) -> None:
    result = carepool(
        "agreements",
        "create",
        "--user",
        "finance",
        "--file",
        "-",
        input=json.dumps(new_agreement()),
    )

    assert result.exit_code == 0, result.output
    assert f"Created agreement {Agreement.objects.get(title=NEW_TITLE).pk}: {NEW_TITLE}" in (
        result.stdout
    )
    assert "Incomplete" in result.stdout
    assert latest_event().interface == "cli"


REFUSED_TERMS = [
    pytest.param({"host": "X24"}, "host", "The host must be one of the partners", id="host"),
    pytest.param(
        {"break_clause_date": "2027-06-30"},
        "break_clause_date",
        "The break clause must fall inside the term",
        id="break-clause",
    ),
    pytest.param(
        {"partners": ["E08000035", "QWO", "NOPE"]},
        "partners",
        "'NOPE' is not a known organisation code",
        id="unknown-partner",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), REFUSED_TERMS)
def test_create_refusals_name_the_field_and_change_nothing(
    world, tmp_path, overrides, field, message
) -> None:
    before = state(world)

    result = carepool(
        "agreements",
        "create",
        "--user",
        "finance",
        "--file",
        write(tmp_path, new_agreement(**overrides)),
    )

    assert result.exit_code == 2, result.output
    assert f"{field}: {message}" in result.stderr
    assert state(world) == before


def test_create_refusals_in_json_list_every_problem(world, tmp_path) -> None:
    before = state(world)
    path = write(tmp_path, new_agreement(host="X24", break_clause_date="2030-01-01"))

    result = carepool("agreements", "create", "--user", "finance", "--file", path, "--json")

    assert result.exit_code == 2
    assert {e["field"] for e in as_json(result)["errors"]} == {"host", "break_clause_date"}
    assert result.stderr == ""
    assert state(world) == before


def test_create_refuses_keys_that_are_not_terms(world, tmp_path) -> None:
    before = state(world)
    path = write(tmp_path, new_agreement(break_clause="2025-03-31"))

    result = carepool("agreements", "create", "--user", "finance", "--file", path)

    assert result.exit_code == 2
    assert "break_clause: is not a field of an agreement" in result.stderr
    assert state(world) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"title": "Leeds",\n  "area" "E08000035"}',
            "is not valid JSON: Expecting ':' delimiter at line 2, column 10",
        ),
        ('["a list"]', "must hold one JSON object"),
    ],
)
def test_a_file_that_is_not_a_json_object_is_refused(world, tmp_path, text, message) -> None:
    before = state(world)

    result = carepool(
        "agreements", "create", "--user", "finance", "--file", write(tmp_path, text, "bad.json")
    )

    assert result.exit_code == 2, result.output
    assert "file: " in result.stderr
    assert message in " ".join(result.stderr.split())
    assert state(world) == before


def test_a_missing_file_is_refused(world, tmp_path) -> None:
    result = carepool(
        "agreements", "create", "--user", "finance", "--file", tmp_path / "nope.json", "--json"
    )
    assert result.exit_code == 2
    [error] = as_json(result)["errors"]
    assert error["field"] == "file"
    assert "cannot read" in error["message"]


@pytest.mark.parametrize("username", ["viewer", "signatory", "auditor"])
def test_only_finance_officers_create(world, tmp_path, username) -> None:
    before = state(world)

    result = carepool(
        "agreements", "create", "--user", username, "--file", write(tmp_path, new_agreement())
    )

    assert result.exit_code == 3, result.output
    assert "user: You need the finance officer role to create agreements" in result.stderr
    assert state(world) == before


# -- update ------------------------------------------------------------------------------


def test_update_with_set(world) -> None:
    result = carepool(
        "agreements",
        "update",
        world.agreement.pk,
        "--user",
        "finance",
        "--set",
        "outcomes=Fewer admissions | Shorter stays in hospital",
        "--set",
        "auditors=",
        "--set",
        "exit_terms=Twelve months' notice",
        "--json",
    )

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert data["outcomes"] == ["Fewer admissions", "Shorter stays in hospital"]
    assert data["auditors"] == []
    assert data["exit_terms"] == "Twelve months' notice"
    event = latest_event()
    assert (event.interface, event.action, event.object_type) == ("cli", "update", "agreement")
    assert set(event.changes) == {"outcomes", "auditors", "exit_terms"}


def test_update_with_a_file_and_set_together(world, tmp_path) -> None:
    path = write(tmp_path, {"reporting_frequency": "quarterly", "aims": "From the file"})

    result = carepool(
        "agreements",
        "update",
        world.agreement.pk,
        "--user",
        "finance",
        "--file",
        path,
        "--set",
        "partners=E08000035,qwo",
        "--set",
        "aims=From --set",
    )

    assert result.exit_code == 0, result.output
    assert "Updated agreement" in result.stdout
    assert "changed: partners, reporting_frequency, aims" in result.stdout
    terms = agreement_snapshot(Agreement.objects.get(pk=world.agreement.pk))
    assert (terms["reporting_frequency"], terms["aims"]) == ("quarterly", "From --set")
    assert terms["partners"] == ["E08000035", "QWO"]
    assert latest_event().interface == "cli"


def test_update_from_standard_input(world) -> None:
    result = carepool(
        "agreements",
        "update",
        world.agreement.pk,
        "--user",
        "finance",
        "--file",
        "-",
        input='{"governing_board": "Leeds Committee in Common"}',
    )
    assert result.exit_code == 0, result.output
    assert Agreement.objects.get(pk=world.agreement.pk).governing_board == (
        "Leeds Committee in Common"
    )


def test_update_that_changes_nothing_says_so_and_records_nothing(world) -> None:
    before = state(world)
    result = carepool(
        "agreements", "update", world.agreement.pk, "--user", "finance", "--set", "host=e08000035"
    )
    assert result.exit_code == 0, result.output
    assert "No change" in result.stdout
    assert state(world) == before


def version_of(world) -> str:
    return str(Agreement.objects.get(pk=world.agreement.pk).version)


def test_update_withdraws_approvals(world) -> None:
    approved = carepool(
        "agreements",
        "approve",
        world.agreement.pk,
        "--user",
        "signatory",
        "--expect-version",
        version_of(world),
    )
    assert approved.exit_code == 0, approved.output

    result = carepool(
        "agreements", "update", world.agreement.pk, "--user", "finance", "--set", "aims=New aims"
    )

    assert result.exit_code == 0, result.output
    assert not SignOff.objects.filter(withdrawn_at__isnull=True).exists()
    assert SignOff.objects.get().withdrawn_because == "the agreement's terms changed"
    assert AuditEvent.objects.filter(action="withdraw_approval", interface="cli").exists()


SET_REFUSALS = [
    pytest.param("host=X24", "host", "The host must be one of the partners", id="host"),
    pytest.param(
        "break_clause_date=2027-06-30",
        "break_clause_date",
        "The break clause must fall inside the term",
        id="break-clause",
    ),
    pytest.param(
        "partners=E08000035,QWO,LEEDS-VCS,NOPE",
        "partners",
        "'NOPE' is not a known organisation code",
        id="unknown-partner",
    ),
    pytest.param("colour=blue", "colour", "is not a field of an agreement", id="unknown-field"),
    pytest.param("title", "set", "'title' is not FIELD=VALUE", id="not-a-pair"),
]


@pytest.mark.parametrize(("pair", "field", "message"), SET_REFUSALS)
def test_update_refusals_name_the_field_and_change_nothing(world, pair, field, message) -> None:
    before = state(world)

    result = carepool(
        "agreements", "update", world.agreement.pk, "--user", "finance", "--set", pair
    )

    assert result.exit_code == 2, result.output
    assert f"{field}: {message}" in result.stderr
    assert state(world) == before


@pytest.mark.parametrize(("overrides", "field", "message"), REFUSED_TERMS)
def test_update_from_a_file_refusals_change_nothing(
    world, tmp_path, overrides, field, message
) -> None:
    before = state(world)

    result = carepool(
        "agreements",
        "update",
        world.agreement.pk,
        "--user",
        "finance",
        "--file",
        write(tmp_path, overrides),
        "--json",
    )

    assert result.exit_code == 2, result.output
    assert {"field": field, "message": message} in [
        {"field": e["field"], "message": e["message"][: len(message)]}
        for e in as_json(result)["errors"]
    ]
    assert state(world) == before


def test_update_needs_file_or_set(world) -> None:
    result = carepool("agreements", "update", world.agreement.pk, "--user", "finance")
    assert result.exit_code == 2
    assert "set: Give the changes with --file PATH or --set FIELD=VALUE" in result.stderr


@pytest.mark.parametrize("username", ["viewer", "signatory", "auditor"])
def test_a_user_without_the_finance_role_cannot_update(world, username) -> None:
    before = state(world)

    result = carepool(
        "agreements", "update", world.agreement.pk, "--user", username, "--set", "aims=Mine"
    )

    assert result.exit_code == 3, result.output
    assert "user: You need the finance officer role to change agreements" in result.stderr
    assert state(world) == before


# -- approve -----------------------------------------------------------------------------


def test_a_signatory_approves_once(world) -> None:
    version = version_of(world)
    shown = as_json(
        carepool("agreements", "show", world.agreement.pk, "--user", "signatory", "--json")
    )
    result = carepool(
        "agreements",
        "approve",
        world.agreement.pk,
        "--user",
        "signatory",
        "--expect-version",
        version,
        "--json",
    )

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert data["organisation"]["code"] == "E08000035"
    assert data["approved_by"] == "Signatory"
    assert (data["version"], data["content_hash"]) == (int(version), shown["content_hash"])
    event = latest_event()
    assert (event.interface, event.action, event.object_type) == ("cli", "approve", "sign_off")

    before = state(world)
    again = carepool(
        "agreements",
        "approve",
        world.agreement.pk,
        "--user",
        "signatory",
        "--expect-version",
        version,
    )
    assert again.exit_code == 2
    assert f"version: Leeds City Council has already approved version {version}" in again.stderr
    assert state(world) == before


def test_approving_needs_the_version_read_and_refuses_a_superseded_one(world) -> None:
    before = state(world)
    blind = carepool("agreements", "approve", world.agreement.pk, "--user", "signatory")
    assert blind.exit_code == 2
    assert "version: Say which version of the agreement you read" in blind.stderr
    assert state(world) == before
    read = version_of(world)
    carepool(
        "agreements", "update", world.agreement.pk, "--user", "finance", "--set", "aims=Changed"
    )
    before = state(world)
    stale = carepool(
        "agreements", "approve", world.agreement.pk, "--user", "signatory", "--expect-version", read
    )
    assert stale.exit_code == 2
    assert f"Version {read} of the agreement has been superseded by version {int(read) + 1}" in (
        stale.stderr
    )
    assert state(world) == before


def test_approving_prints_a_confirmation(world) -> None:
    version = version_of(world)
    result = carepool(
        "agreements",
        "approve",
        world.agreement.pk,
        "--user",
        "icb_signatory",
        "--expect-version",
        version,
    )
    assert result.exit_code == 0, result.output
    assert "NHS West Yorkshire Integrated Care Board approved agreement" in result.stdout
    assert f"version {version}" in result.stdout


@pytest.mark.parametrize("username", ["finance", "viewer"])
def test_only_signatories_approve(world, username) -> None:
    before = state(world)

    result = carepool("agreements", "approve", world.agreement.pk, "--user", username)

    assert result.exit_code == 3, result.output
    assert "user: You need the signatory role to approve agreements" in result.stderr
    assert state(world) == before


# -- risk share --------------------------------------------------------------------------


def test_risk_share_provisions_are_added_and_removed(world, tmp_path) -> None:
    added = carepool(
        "agreements",
        "risk-share",
        "add",
        world.agreement.pk,
        "--user",
        "finance",
        "--file",
        write(tmp_path, RISK_POOL),
        "--json",
    )

    assert added.exit_code == 0, added.output
    assert as_json(added)["risk_share"] == [
        {"kind": "risk_pool", "applies_to": "overspend", "amount": "500000.00"}
    ]
    assert latest_event().interface == "cli"

    second = carepool(
        "agreements",
        "risk-share",
        "add",
        world.agreement.pk,
        "--user",
        "finance",
        "--file",
        "-",
        input='{"kind": "agreed_ratio", "shares": {"E08000035": 40, "QWO": 60}}',
    )
    assert second.exit_code == 0, second.output
    assert "Added risk-share provision 2 (Risk and gain share by agreed ratio)" in second.stdout

    removed = carepool(
        "agreements", "risk-share", "remove", world.agreement.pk, 1, "--user", "finance"
    )
    assert removed.exit_code == 0, removed.output
    assert "Removed risk-share provision 1" in removed.stdout
    assert "(1 left)" in removed.stdout
    remaining = Agreement.objects.get(pk=world.agreement.pk).risk_share
    assert [p["kind"] for p in remaining] == ["agreed_ratio"]
    event = latest_event()
    assert (event.interface, event.action) == ("cli", "update")
    assert "risk_share" in event.changes


@pytest.mark.parametrize(
    ("provision", "field", "message"),
    [
        ({"kind": "risk_pool", "amount": "lots"}, "amount", "'lots' is not an amount of money"),
        ({"kind": "lottery"}, "kind", "must be one of"),
        (
            {"kind": "capped_share", "partner_code": "E10000016", "cap": "10.00"},
            "risk_share[1]",
            "'E10000016' is not a partner in this agreement",
        ),
    ],
)
def test_a_bad_provision_is_refused_and_changes_nothing(
    world, tmp_path, provision, field, message
) -> None:
    before = state(world)

    result = carepool(
        "agreements",
        "risk-share",
        "add",
        world.agreement.pk,
        "--user",
        "finance",
        "--file",
        write(tmp_path, provision),
    )

    assert result.exit_code == 2, result.output
    assert f"{field}: {message}" in result.stderr
    assert state(world) == before


def test_removing_a_provision_that_is_not_there_is_refused(world) -> None:
    before = state(world)
    result = carepool(
        "agreements", "risk-share", "remove", world.agreement.pk, 3, "--user", "finance"
    )
    assert result.exit_code == 2
    assert "position: There is no provision 3 to remove" in result.stderr
    assert state(world) == before


def test_a_viewer_cannot_change_the_risk_share(world, tmp_path) -> None:
    before = state(world)
    result = carepool(
        "agreements",
        "risk-share",
        "add",
        world.agreement.pk,
        "--user",
        "viewer",
        "--file",
        write(tmp_path, RISK_POOL),
    )
    assert result.exit_code == 3
    assert "finance officer role" in result.stderr
    assert state(world) == before


# -- delete ------------------------------------------------------------------------------


@pytest.fixture
def spare(world, tmp_path) -> Agreement:
    """An agreement without contributions, which may be deleted."""
    result = carepool(
        "agreements", "create", "--user", "finance", "--file", write(tmp_path, new_agreement())
    )
    assert result.exit_code == 0, result.output
    agreement = Agreement.objects.get(title=NEW_TITLE)
    # The other partners are invited; the ICB joins, so that its users see the agreement.
    accept_invitation(Actor(world.icb_signatory, Interface.CLI), agreement.pk)
    return agreement


def test_delete_with_yes(world, spare) -> None:
    result = carepool("agreements", "delete", spare.pk, "--user", "finance", "--yes")

    assert result.exit_code == 0, result.output
    assert f"Deleted agreement {spare.pk}: {NEW_TITLE}" in result.stdout
    assert not Agreement.objects.filter(pk=spare.pk).exists()
    event = latest_event()
    assert (event.interface, event.action, event.object_type) == ("cli", "delete", "agreement")


def test_delete_asks_first(world, spare) -> None:
    result = carepool("agreements", "delete", spare.pk, "--user", "finance", input="y\n")

    assert result.exit_code == 0, result.output
    assert f"Delete agreement {spare.pk}, '{NEW_TITLE}'? [y/N]" in result.stderr
    assert not Agreement.objects.filter(pk=spare.pk).exists()


def test_answering_no_deletes_nothing(world, spare) -> None:
    before = state(world)
    result = carepool("agreements", "delete", spare.pk, "--user", "finance", input="n\n")
    assert result.exit_code == 1
    assert "Nothing was changed" in result.stderr
    assert state(world) == before


def test_without_input_or_yes_delete_is_refused(world, spare) -> None:
    before = state(world)
    result = carepool("agreements", "delete", spare.pk, "--user", "finance")
    assert result.exit_code == 2
    assert "yes: There is no answer to the confirmation" in result.stderr
    assert state(world) == before


def test_with_json_delete_does_not_ask(world, spare) -> None:
    result = carepool("agreements", "delete", spare.pk, "--user", "finance", "--json")
    assert result.exit_code == 0, result.output
    assert as_json(result)["deleted"]["title"] == NEW_TITLE
    assert result.stderr == ""


def test_an_agreement_with_contributions_is_not_deleted(world) -> None:
    before = state(world)
    result = carepool("agreements", "delete", world.agreement.pk, "--user", "finance", "--yes")
    assert result.exit_code == 2
    assert "agreement: An agreement with contributions cannot be deleted" in result.stderr
    assert state(world) == before


def test_a_viewer_is_refused_before_being_asked(world, spare) -> None:
    before = state(world)
    result = carepool("agreements", "delete", spare.pk, "--user", "viewer")
    assert result.exit_code == 3
    assert "finance officer role" in result.stderr
    assert "Delete agreement" not in result.output
    assert state(world) == before
