"""Reading commands, --json output and help texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from carepool.audit.models import AuditEvent
from carepool.organisations.models import Area
from tests.cli.helpers import as_json, carepool
from tests.factories import populations


def test_agreements_show_has_terms_partners_completeness_and_totals(world) -> None:
    result = carepool("agreements", "show", world.agreement.pk, "--user", "finance", "--json")

    assert result.exit_code == 0, result.output
    data = as_json(result)
    assert data["title"] == "Leeds Better Care Fund pooled budget"
    assert [p["code"] for p in data["partners"]] == ["E08000035", "LEEDS-VCS", "QWO"]
    assert data["host"]["code"] == "E08000035"
    assert data["governing_board"] == "Leeds Health and Wellbeing Board"
    assert data["completeness"]["complete"] is False
    assert "exit" in {m["key"] for m in data["completeness"]["missing"]}
    assert data["contribution_years"] == ["2024-25"]
    assert [y["year"] for y in data["years"]] == ["2024-25"]
    assert data["years"][0]["totals"]["overall"] == "95000000.01"

    people = carepool("agreements", "show", world.agreement.pk, "--user", "finance")
    assert "Leeds Health and Wellbeing Board" in people.stdout
    assert "Incomplete" in people.stdout
    assert "£95,000,000.01" in people.stdout


def test_completeness_lists_every_item_with_its_status(world) -> None:
    result = carepool(
        "agreements", "completeness", world.agreement.pk, "--user", "viewer", "--json"
    )

    assert result.exit_code == 0
    items = {i["key"]: i["status"] for i in as_json(result)["items"]}
    assert items["aims"] == "present"
    assert items["exit"] == "missing"


def test_history_shows_who_changed_what_and_through_which_interface(world) -> None:
    carepool(
        "contributions",
        "vary",
        world.ibcf.pk,
        "--user",
        "finance",
        "--effective-date",
        "2024-07-01",
        "--change",
        "-0.01",
        "--reason",
        "Rounding",
    )

    result = carepool("agreements", "history", world.agreement.pk, "--user", "auditor", "--json")

    assert result.exit_code == 0, result.output
    events = as_json(result)["events"]
    assert events[0]["interface"] == "cli"
    assert events[0]["actor"] == "Finance"
    assert events[0]["changes"]["reason"] == [None, "Rounding"]
    assert {e["object_type"] for e in events} >= {
        "agreement",
        "contribution",
        "contribution_variation",
    }
    assert len(events) == AuditEvent.objects.filter(agreement_id=world.agreement.pk).count()
    assert events[0]["changes"]["amount"] == ["35000000.01", "35000000.00"]  # raw in JSON

    # For people, the same words as the web: pounds, long dates, names instead of codes.
    table = carepool("agreements", "history", world.agreement.pk, "--user", "auditor").stdout
    assert "Amount: £35,000,000.01 → £35,000,000.00" in table
    assert "Effective date: (none) → 1 July 2024" in table
    assert "Partner: (none) → Leeds City Council (E08000035)" in table


def test_organisations_and_areas(world) -> None:
    listed = as_json(carepool("organisations", "list", "--type", "nhs_commissioner", "--json"))
    assert [o["code"] for o in listed["organisations"]] == ["QKS", "QWO"]
    shown = as_json(carepool("organisations", "show", "qwo", "--json"))
    assert shown["name"] == "NHS West Yorkshire Integrated Care Board"
    missing = carepool("organisations", "show", "NOPE")
    assert missing.exit_code == 4
    assert "code: No organisation has the code 'NOPE'" in missing.stderr
    bad_type = carepool("organisations", "list", "--type", "bank")
    assert bad_type.exit_code == 2
    assert "type: 'bank' is not the type of organisation" in bad_type.stderr
    areas = as_json(carepool("areas", "list", "--search", "kent", "--json"))
    assert [a["code"] for a in areas["areas"]] == ["E10000016"]


def test_population_prints_persons_the_estimate_used_and_the_note(world) -> None:
    populations("E08000035", 2020, per_age=100)

    result = carepool("population", "E08000035", "--year", "2024-25", "--min-age", "65", "--json")

    assert result.exit_code == 0, result.output
    answer = as_json(result)
    trace = answer.pop("trace")
    assert trace["result"] == "2,600"
    assert len(trace["inputs"]) == 26  # ages 65 to 89, and 90 and over
    assert answer == {
        "area": {"code": "E08000035", "name": "Leeds"},
        "year": "2024-25",
        "estimate_year": 2020,
        "min_age": 65,
        "max_age": None,
        "age_label": "aged 65+",
        "persons": 2600,
        "note": "ONS mid-2020 estimate, the latest loaded on or before mid-2024",
    }
    people = carepool(
        "population", "E08000035", "--year", "2024-25", "--min-age", "65", "--max-age", "74"
    )
    assert "1,000 persons aged 65 to 74 in Leeds (E08000035), 2024-25" in people.stdout
    assert "mid-2020" in people.stdout
    assert "How: persons aged 65 to 74 in E08000035 in 2024-25 = sum of ages 65 to 74" in (
        " ".join(people.stdout.split())
    )


def test_population_of_a_region_has_no_area_name(world) -> None:
    populations("E12000003", 2020, per_age=100)

    result = carepool("population", "E12000003", "--year", "2024-25", "--min-age", "65", "--json")

    assert result.exit_code == 0, result.output
    assert as_json(result)["area"] == {"code": "E12000003", "name": None}
    people = carepool("population", "E12000003", "--year", "2024-25", "--min-age", "65")
    assert "2,600 persons aged 65+ in E12000003, 2024-25" in people.stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--year", "2024/25"], "year"),
        (["--year", "2019-20"], "year"),
        (["--year", "2024-25", "--min-age", "65", "--max-age", "95"], "age"),
    ],
)
def test_population_refusals_name_the_field(world, args, field) -> None:
    populations("E08000035", 2020)
    result = carepool("population", "E08000035", *args)
    assert result.exit_code == 2, result.output
    assert f"{field}: " in result.stderr


def test_rules_streams(world) -> None:
    data = as_json(carepool("rules", "streams", "--year", "2024-25", "--json"))
    streams = {s["code"]: s for s in data["funding_streams"]}
    assert streams["nhs_minimum"]["nature"] == "mandated"
    assert streams["other_partner"]["contributors"] == [
        "district_council",
        "housing",
        "other",
        "police",
        "voluntary",
    ]
    # A year after the latest published: the latest year's rules, marked provisional.
    later = as_json(carepool("rules", "streams", "--year", "2040-41", "--json"))
    assert (later["year"], later["published_year"], later["provisional"]) == (
        "2040-41",
        "2025-26",
        True,
    )
    shown = carepool("rules", "streams", "--year", "2040-41").stdout
    assert "Provisional: no Better Care Fund rules are published for 2040-41 yet" in shown
    # Before the earliest: none at all.
    missing = carepool("rules", "streams", "--year", "2014-15", "--json")
    assert missing.exit_code == 2
    assert as_json(missing)["errors"][0]["field"] == "year"


def test_import_areas_from_the_command_line(world, tmp_path: Path) -> None:
    good = tmp_path / "utla.csv"
    good.write_text(
        "UTLACD,UTLANM,RGNCD,RGNNM,CTRYCD,CTRYNM\n"
        "E06000001,Hartlepool,E12000001,North East,E92000001,England\n",
        encoding="utf-8",
    )
    result = carepool("import", "areas", good, "--json")
    assert result.exit_code == 0, result.output
    assert as_json(result)["created"] == 1
    again = as_json(carepool("import", "areas", good, "--json"))
    assert (again["created"], again["unchanged"], again["audit_events"]) == (0, 1, 0)

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "UTLACD,UTLANM,RGNCD,RGNNM,CTRYCD,CTRYNM\nE0600000X,Nowhere,,,,\n", encoding="utf-8"
    )
    refused = carepool("import", "areas", bad)
    assert refused.exit_code == 2
    assert "bad.csv: row 2: UTLACD: 'E0600000X' is not a GSS code" in refused.stderr
    assert not Area.objects.filter(name="Nowhere").exists()


def test_import_population_refuses_a_file_that_is_not_a_workbook(world, tmp_path: Path) -> None:
    path = tmp_path / "pop.xls"
    path.write_text("not a workbook", encoding="utf-8")
    result = carepool("import", "population", path, "--json")
    assert result.exit_code == 2
    assert as_json(result)["errors"][0]["field"] == "pop.xls"


COMMANDS = [
    [],
    ["setup"],
    ["import"],
    ["import", "areas"],
    ["import", "population"],
    ["organisations", "list"],
    ["organisations", "show"],
    ["organisations", "add"],
    ["organisations", "update"],
    ["organisations", "delete"],
    ["areas", "list"],
    ["population"],
    ["agreements", "list"],
    ["agreements", "show"],
    ["agreements", "completeness"],
    ["agreements", "history"],
    ["agreements", "create"],
    ["agreements", "update"],
    ["agreements", "delete"],
    ["agreements", "approve"],
    ["agreements", "risk-share"],
    ["agreements", "risk-share", "add"],
    ["agreements", "risk-share", "remove"],
    ["contributions", "list"],
    ["contributions", "add"],
    ["contributions", "vary"],
    ["contributions", "schedule"],
    ["contributions", "update"],
    ["contributions", "delete"],
    ["rules", "streams"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "carepool")
def test_every_command_has_help(command: list[str]) -> None:
    result = carepool(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    if command and command[-1] not in ("import", "risk-share"):
        assert "--json" in result.output


def test_names_with_square_brackets_are_printed_as_typed(world):
    from carepool.organisations.models import Organisation

    name = "NHS [/] West [bold]Yorkshire"
    Organisation.objects.filter(code="QWO").update(name=name)
    for args in (
        ("contributions", "schedule", world.nhs_min.pk, "--user", "finance"),
        ("contributions", "history", world.nhs_min.pk, "--user", "finance"),
        ("agreements", "show", world.agreement.pk, "--user", "finance"),
        ("contributions", "list", world.agreement.pk, "--user", "finance"),
    ):
        result = carepool(*args)
        assert result.exit_code == 0, (args, result.output)
    output = carepool("contributions", "schedule", world.nhs_min.pk, "--user", "finance").output
    assert name in " ".join(output.split())
