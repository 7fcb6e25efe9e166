"""The API and the CLI's --json give the same record of the same thing (the apps' ``records``)."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.helpers import ApiClient
from tests.cli.helpers import as_json, carepool
from tests.factories import World, populations

SignIn = Callable[..., ApiClient]


def test_an_agreement_reads_the_same_through_both(api_as: SignIn, world: World) -> None:
    pk = world.agreement.pk
    api = api_as(world.signatory)
    api.approve(pk)

    listed = api.get("/agreements").json()["items"]
    shown = api.get(f"/agreements/{pk}").json()
    completeness = api.get(f"/agreements/{pk}/completeness").json()
    history = api.get(f"/agreements/{pk}/history").json()["items"]

    cli_listed = as_json(carepool("agreements", "list", "--user", "signatory", "--json"))
    cli_shown = as_json(carepool("agreements", "show", pk, "--user", "signatory", "--json"))
    cli_completeness = as_json(
        carepool("agreements", "completeness", pk, "--user", "signatory", "--json")
    )
    cli_history = as_json(carepool("agreements", "history", pk, "--user", "signatory", "--json"))

    assert cli_listed["agreements"] == listed
    assert cli_shown.pop("years")[0]["totals"]["overall"] == "95000000.01"
    assert cli_shown == shown
    assert cli_completeness == {"id": pk, "title": world.agreement.title, **completeness}
    assert cli_history["events"] == history


def test_contributions_read_the_same_through_both(api_as: SignIn, world: World) -> None:
    varied = as_json(
        carepool(
            "contributions",
            *("vary", world.ibcf.pk, "--user", "finance", "--effective-date", "2024-10-01"),
            *("--change", "-0.01", "--reason", "Rounding", "--json"),
        )
    )
    api = api_as(world.finance)
    contribution = api.get(f"/contributions/{world.ibcf.pk}").json()
    listed = api.get(f"/agreements/{world.agreement.pk}/contributions", year="2024-25").json()

    cli_listed = as_json(
        carepool("contributions", "list", world.agreement.pk, "--user", "finance", "--json")
    )
    cli_schedule = as_json(
        carepool("contributions", "schedule", world.ibcf.pk, "--user", "finance", "--json")
    )

    assert varied["contribution"] == contribution
    assert varied["variation"] == contribution["variations"][-1]
    assert cli_listed["years"] == [
        {
            "year": "2024-25",
            "totals": listed["totals"],
            "rules_provisional": False,
            "rules_note": "",
            "contributions": listed["contributions"],
        }
    ]
    schedule = contribution.pop("schedule")
    contribution.pop("variations")
    assert cli_schedule["contribution"] == contribution
    assert cli_schedule["instalments"] == schedule


def test_reference_data_reads_the_same_through_both(api_as: SignIn, world: World) -> None:
    populations("E08000035", 2023, per_age=100)
    api = api_as(world.viewer)

    def cli(*args: object) -> dict:
        return as_json(carepool(*args, "--json"))

    assert (
        cli("organisations", "list")["organisations"] == api.get("/organisations").json()["items"]
    )
    organisation = api.get("/organisations/QWO").json()
    organisation.pop("agreements")
    assert cli("organisations", "show", "QWO") == organisation
    assert cli("areas", "list")["areas"] == api.get("/areas").json()["items"]
    assert (
        cli("population", "E08000035", "--year", "2024-25", "--min-age", "65")
        == api.get("/areas/E08000035/population", year="2024-25", min_age=65).json()
    )
    assert (
        cli("rules", "streams", "--year", "2024-25")
        == api.get("/funding-streams", year="2024-25").json()
    )
