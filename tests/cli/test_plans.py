"""``carepool plans`` and ``carepool allocations`` as their users run them: the journey from a
file of schemes to national assurance, each bad input refused with its exit code, field and
plain-English message (files: by file, sheet, row and column), changing nothing; and the
round trip of export and import.

The services' rules are proven in tests/plans; these tests prove the command line's part.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from carepool.audit.models import AuditEvent
from carepool.cli.output import CONFLICT, INVALID, NOT_ALLOWED, NOT_FOUND, OK
from carepool.plans import services
from carepool.plans.models import AllocationBatch, MinimumAllocation, Plan, PlanVersion
from carepool.signoff.models import SignOff
from tests.cli.helpers import as_json, carepool
from tests.factories import World
from tests.plans.conftest import DECLARATIONS_2024, PlanWorld, scheme

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "src" / "carepool" / "demo" / "data"
HEADINGS = (
    "scheme_id,name,description,scheme_type,sub_type,area_of_spend,commissioners,"
    "provider_type,new_or_existing,outputs,metrics,stream:nhs_minimum,stream:ibcf"
)
# Two schemes spending exactly the World's 2024-25 contributions, stream by stream.
ROW_1 = (
    "S01,Home care,Care at home,home_care,,social_care,E08000035,private,existing,"
    "900000 hours: Hours of home care,permanent_admissions_65_plus -20: Fewer moves,"
    "60000000.00,"
)
ROW_2 = (
    "S02,Reablement at home,Six weeks at home,reablement_at_home,,social_care,"
    '"E08000035:60; QWO:40",council,new,2600 people: People completing reablement,,,'
    "35000000.01"
)


@pytest.fixture
def plans(world: World) -> PlanWorld:
    return PlanWorld(world)


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


def write_xlsx(path: Path, *rows: str) -> Path:
    import csv

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Schemes"
    for cells in csv.reader(rows):
        sheet.append(cells)
    workbook.save(path)
    return path


def snapshot() -> dict[str, Any]:
    """Everything a refused command must leave as it was."""
    return {
        "plans": list(Plan.objects.order_by("pk").values_list("pk", "version")),
        "versions": list(
            PlanVersion.objects.order_by("plan_id", "number").values_list(
                "plan_id", "number", "content", "content_hash", "frozen", "submitted_at"
            )
        ),
        "sign_offs": list(
            SignOff.objects.order_by("pk").values_list("pk", "version", "withdrawn_at")
        ),
        "allocations": list(
            MinimumAllocation.objects.order_by("pk").values_list("pk", "amount_pence")
        ),
        "batches": AllocationBatch.objects.count(),
        "last_event": AuditEvent.objects.order_by("-id").values_list("id", flat=True).first(),
    }


def test_the_whole_journey_from_a_file_to_national_assurance(
    plans: PlanWorld, tmp_path: Path
) -> None:
    world = plans.world
    file = write(tmp_path / "leeds.csv", HEADINGS, ROW_1, ROW_2)

    started = carepool(
        "plans", "import", file, "--agreement", world.agreement.pk, "--year", "2024-25",
        "-u", "finance", "--json",
    )  # fmt: skip

    assert started.exit_code == OK, started.output
    pid = as_json(started)["id"]
    assert (as_json(started)["current_version"], as_json(started)["state"]) == (1, "draft")
    checked = carepool("plans", "check", pid, "-u", "finance", "--json")
    assert checked.exit_code == OK, checked.output
    failing = {
        i["requirement_id"]
        for i in as_json(checked)["checklist"]["items"]
        if i["verdict"] == "fail"
    }
    assert failing == {d for d, _, _ in DECLARATIONS_2024}
    people = carepool("plans", "check", pid, "-u", "viewer")
    assert "3 failure(s): not ready for sign-off." in people.stdout

    for requirement, _, comment in DECLARATIONS_2024:
        declared = carepool(
            "plans", "declare", pid, requirement, "--yes", "--comment", comment, "-u", "finance"
        )
        assert declared.exit_code == OK, declared.output
        assert f"Declaration {requirement} recorded in version 1" in declared.stdout
    submitted = carepool("plans", "submit", pid, "-u", "finance")
    assert submitted.exit_code == OK, submitted.output
    assert "Version 1 submitted for sign-off" in submitted.stdout
    shown = as_json(carepool("plans", "show", pid, "-u", "signatory", "--json"))
    assert shown["state"] == "awaiting_sign_off"

    for person in plans.signatories():
        approved = carepool(
            "plans", "approve", pid, "--version", 1, "--hash", shown["content_hash"],
            "-u", person.username,
        )  # fmt: skip
        assert approved.exit_code == OK, approved.output
        assert f"{person.organisation.name} approved version 1" in approved.stdout
    board = carepool("plans", "approve", pid, "--version", 1, "--stage", "board", "-u", "board")
    assert board.exit_code == OK, board.output
    national = carepool(
        "plans", "approve", pid, "--version", 1, "--stage", "national",
        "--outcome", "approved", "-u", "assurer", "--json",
    )  # fmt: skip
    assert national.exit_code == OK, national.output
    assert as_json(national)["outcome"] == "approved"

    listed = as_json(carepool("plans", "national", "--year", "2024-25", "-u", "assurer", "--json"))
    rows = {r["area"]["code"]: r for r in listed["items"]}
    assert (rows["E08000035"]["state"], rows["E08000035"]["outcome"]) == ("assured", "Approved")
    assert rows["E10000016"]["state"] == "none"
    assert listed["deadline"] == "2024-06-10"
    table = carepool("plans", "national", "--year", "2024-25", "-u", "assurer")
    assert "deadline 10 June 2024" in table.stdout
    mine = as_json(carepool("plans", "list", "-u", "finance", "--json"))
    assert [(p["id"], p["state"]) for p in mine["items"]] == [(pid, "assured")]
    assert AuditEvent.objects.filter(interface="cli", object_type="sign_off").count() == 5


def test_an_edit_of_an_approved_version_makes_a_new_version(
    plans: PlanWorld, tmp_path: Path
) -> None:
    plan = plans.ready()
    services.submit(plans.actor(plans.world.finance), plan.pk)
    assert carepool("plans", "approve", plan.pk, "--version", 1, "-u", "signatory").exit_code == 0
    old = PlanVersion.objects.get(plan=plan, number=1)
    file = tmp_path / "plan.csv"
    assert carepool("plans", "export", plan.pk, file, "-u", "finance").exit_code == OK
    file.write_text(file.read_text("utf-8").replace("Home care to support", "Home care for"))

    result = carepool("plans", "import", file, "--plan", plan.pk, "-u", "finance", "--json")

    assert result.exit_code == OK, result.output
    assert (as_json(result)["current_version"], as_json(result)["state"]) == (2, "draft")
    kept = PlanVersion.objects.get(pk=old.pk)
    assert (kept.content, kept.content_hash, kept.frozen) == (old.content, old.content_hash, True)
    assert SignOff.objects.get(subject_id=plan.pk).withdrawn_at is not None
    changes = carepool("plans", "diff", plan.pk, 1, 2, "-u", "viewer")
    assert changes.exit_code == OK, changes.output
    assert "Version 1 → 2 of plan" in changes.stdout
    assert "Home care for independence" in changes.stdout


def _submitted(plans: PlanWorld) -> Plan:
    plan = plans.ready()
    services.submit(plans.actor(plans.world.finance), plan.pk)
    return plan


def _superseded(plans: PlanWorld) -> Plan:
    plan = _submitted(plans)
    finance = plans.actor(plans.world.finance)
    services.sign_plan(plans.actor(plans.world.icb_signatory), plan.pk, "partner", 1)
    services.put_scheme(finance, plan.pk, scheme("S01", name="Home care (revised)"))
    services.submit(finance, plan.pk)
    return plan


# (id, situation, arguments with {plan}, exit code, field, message)
COMMANDS: list[tuple[str, str, list[Any], int, str, str]] = [
    (
        "approval by a finance officer",
        "submitted",
        ["plans", "approve", "{plan}", "--version", 1, "-u", "finance"],
        NOT_ALLOWED,
        "user",
        "You need the signatory role to approve as a partner",
    ),
    (
        "approval by a partner's viewer",
        "submitted",
        ["plans", "approve", "{plan}", "--version", 1, "-u", "viewer"],
        NOT_ALLOWED,
        "user",
        "You need the signatory role to approve as a partner",
    ),
    (
        "approval by another area's signatory",
        "submitted",
        ["plans", "approve", "{plan}", "--version", 1, "-u", "outsider"],
        NOT_FOUND,
        "plan_id",
        "No such plan",
    ),
    (
        "approval of a superseded version",
        "superseded",
        ["plans", "approve", "{plan}", "--version", 1, "-u", "signatory"],
        INVALID,
        "version",
        "Version 1 of the 2024-25 plan for Leeds has been superseded by version 2; read version "
        "2 and approve that",
    ),
    (
        "a stage that does not exist",
        "submitted",
        ["plans", "approve", "{plan}", "--version", 1, "--stage", "council", "-u", "signatory"],
        INVALID,
        "stage",
        "'council' is not a stage of sign-off; give one of: partner for Partner approval, "
        "board for Board approval, national for National assurance",
    ),
    (
        "no stage",
        "submitted",
        ["plans", "approve", "{plan}", "--version", 1, "--stage", " ", "-u", "signatory"],
        INVALID,
        "stage",
        "Choose a stage of sign-off",
    ),
    (
        "an outcome that does not exist",
        "submitted",
        [
            *("plans", "approve", "{plan}", "--version", 1, "--stage", "national"),
            *("--outcome", "fine", "-u", "assurer"),
        ],
        INVALID,
        "outcome",
        "'fine' is not a national assurance outcome; give one of: approved for Approved, "
        "approved_with_conditions for Approved with conditions, not_approved for Not approved",
    ),
    (
        "the national list for a finance officer",
        "draft",
        ["plans", "national", "--year", "2024-25", "-u", "finance"],
        NOT_ALLOWED,
        "user",
        "Only national assurers and auditors see every area's plan",
    ),
    (
        "a plan nobody has",
        "draft",
        ["plans", "show", 99999, "-u", "finance"],
        NOT_FOUND,
        "plan_id",
        "No such plan",
    ),
    (
        "a declaration that is not one of the year's",
        "draft",
        [
            "plans",
            "declare",
            "{plan}",
            "jointly_agreed",
            "--yes",
            "--comment",
            "x",
            "-u",
            "finance",
        ],
        INVALID,
        "requirement",
        "'jointly_agreed' is not a declaration of 2024-25",
    ),
    (
        "a change from a stale read",
        "draft",
        [
            *("plans", "declare", "{plan}", "fund_objectives", "--no", "--comment", "Not yet"),
            *("-u", "finance", "--expect-version", 1),
        ],
        CONFLICT,
        "expect_version",
        "Someone else changed this plan...",
    ),
]


def _matches(message: str, expected: str) -> bool:
    if expected.endswith("..."):
        return message.startswith(expected.removesuffix("..."))
    return message == expected


@pytest.mark.parametrize("json_mode", [True, False], ids=["json", "people"])
@pytest.mark.parametrize(
    ("situation", "arguments", "code", "field", "message"),
    [row[1:] for row in COMMANDS],
    ids=[row[0] for row in COMMANDS],
)
def test_bad_commands_are_refused_with_their_exit_code_and_change_nothing(
    plans: PlanWorld,
    situation: str,
    arguments: list[Any],
    code: int,
    field: str,
    message: str,
    json_mode: bool,
) -> None:
    plan = {"draft": plans.ready, "submitted": lambda: _submitted(plans)}.get(
        situation, lambda: _superseded(plans)
    )()
    args = [str(plan.pk) if a == "{plan}" else a for a in arguments]
    before = snapshot()

    result = carepool(*args, *(["--json"] if json_mode else []))

    assert result.exit_code == code, result.output
    if json_mode:
        errors = {e["field"]: e["message"] for e in as_json(result)["errors"]}
        assert field in errors, errors
        assert _matches(errors[field], message), errors[field]
    else:
        assert "Traceback" not in result.output
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"Error: {field}: {message.removesuffix('...')}"), first
    assert snapshot() == before


GOOD = (HEADINGS, ROW_1, ROW_2)

# (id, rows, the problems as (field after the file name, message))
BAD_FILES: list[tuple[str, tuple[str, ...], list[tuple[str, str]]]] = [
    (
        "a scheme type not in the year's taxonomy",
        (HEADINGS, ROW_1, ROW_2.replace("reablement_at_home", "space_travel")),
        [("row 3: scheme_type", "'space_travel' is not a scheme type in 2024-25; choose...")],
    ),
    (
        "commissioner shares not summing to 100",
        (HEADINGS, ROW_1, ROW_2.replace("QWO:40", "QWO:30")),
        [
            (
                "row 3: commissioners",
                "the commissioners' shares sum to 90%; they must sum to exactly 100%",
            )
        ],
    ),
    (
        "a joint commissioner without a share",
        (HEADINGS, ROW_1, ROW_2.replace("QWO:40", "QWO")),
        [
            (
                "row 3: commissioners",
                "'QWO' has no share; write joint commissioners like 'E38000225:60; E08000035:40'",
            )
        ],
    ),
    (
        "a stream column the year does not have",
        (HEADINGS + ",stream:labcg", ROW_1 + ",", ROW_2 + ","),
        [
            (
                "row 1: stream:labcg",
                "'labcg' is not a funding stream in 2024-25; the year's streams are: "
                "nhs_minimum, ibcf, dfg, discharge_fund_la, discharge_fund_icb, additional_la, "
                "additional_nhs, other_partner",
            )
        ],
    ),
    (
        "a negative amount and a non-numeric one",
        (
            HEADINGS,
            ROW_1.replace("60000000.00", "-60000000.00"),
            ROW_2.replace("35000000.01", "lots"),
        ),
        [
            ("row 2: stream:nhs_minimum", "cannot be negative"),
            (
                "row 3: stream:ibcf",
                "'lots' is not an amount of money; enter pounds and pence, like 1250000.00",
            ),
        ],
    ),
    (
        "a scheme given twice",
        (HEADINGS, ROW_1, ROW_1),
        [("row 3: scheme_id", "Scheme S01 is already on row 2; give each scheme once")],
    ),
    (
        "an output that is not one",
        (HEADINGS, ROW_1.replace("900000 hours: Hours of home care", "lots of care"), ROW_2),
        [
            (
                "row 2: outputs",
                "'lots of care' is not a planned output; write it like '12000 hours: Home care'",
            )
        ],
    ),
    (
        "a missing heading",
        (HEADINGS.replace("scheme_type,", ""), ROW_1, ROW_2),
        [
            (
                "row 1",
                "The first row must have the headings scheme_id, name, scheme_type, "
                "area_of_spend, commissioners and one 'stream:<code>' column per funding stream "
                "(missing: scheme_type)",
            )
        ],
    ),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("rows", "problems"), [row[1:] for row in BAD_FILES], ids=[row[0] for row in BAD_FILES]
)
def test_a_malformed_plan_file_is_refused_whole_naming_file_row_and_column(
    plans: PlanWorld,
    tmp_path: Path,
    rows: tuple[str, ...],
    problems: list[tuple[str, str]],
    kind: str,
) -> None:
    plan = plans.ready()
    if kind == "csv":
        file, prefix = write(tmp_path / "plan.csv", *rows), "plan.csv: "
    else:
        file, prefix = write_xlsx(tmp_path / "plan.xlsx", *rows), "plan.xlsx: Schemes: "
    before = snapshot()

    result = carepool("plans", "import", file, "--plan", plan.pk, "-u", "finance", "--json")

    assert result.exit_code == INVALID, result.output
    errors = [(e["field"], e["message"]) for e in as_json(result)["errors"]]
    assert [f for f, _ in errors] == [prefix + f for f, _ in problems], errors
    for (_, message), (_, expected) in zip(errors, problems, strict=True):
        assert _matches(message, expected), message
    assert snapshot() == before


def test_a_file_that_is_not_csv_or_xlsx_or_not_there_is_refused(
    plans: PlanWorld, tmp_path: Path
) -> None:
    plan = plans.ready()
    odd = write(tmp_path / "plan.txt", *GOOD)
    before = snapshot()

    wrong = carepool("plans", "import", odd, "--plan", plan.pk, "-u", "finance", "--json")
    missing = carepool(
        "plans", "import", tmp_path / "gone.csv", "--plan", plan.pk, "-u", "finance", "--json"
    )

    assert (wrong.exit_code, missing.exit_code) == (INVALID, INVALID)
    assert as_json(wrong)["errors"][0]["field"] == "plan.txt"
    assert as_json(wrong)["errors"][0]["message"].startswith("Give a .csv or .xlsx file")
    assert as_json(missing)["errors"] == [
        {"field": "file", "message": f"There is no file called {tmp_path / 'gone.csv'}"}
    ]
    assert snapshot() == before


def test_a_workbook_with_number_cells_imports_the_amounts_exactly(
    plans: PlanWorld, tmp_path: Path
) -> None:
    """A person's workbook holds amounts as numbers, not text: Excel keeps them as floats."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADINGS.split(","))
    base = ("", "social_care", "E08000035")
    sheet.append(["S01", "Home care", "", "home_care", *base, "private", "existing"])
    sheet.append(["S02", "Reablement", "", "reablement_at_home", *base, "council", "new"])
    for row, rest in zip(
        (2, 3),
        (
            ["900000 hours: Hours", "", 59999999.99, 0.1],
            ["2600 people: Reabled", "", None, 35000000],
        ),
        strict=True,
    ):
        for column, value in enumerate(rest, start=10):
            sheet.cell(row=row, column=column, value=value)
    workbook.save(tmp_path / "plan.xlsx")

    result = carepool(
        "plans", "import", tmp_path / "plan.xlsx", "--agreement", plans.world.agreement.pk,
        "--year", "2024-25", "-u", "finance", "--json",
    )  # fmt: skip

    assert result.exit_code == OK, result.output
    content = PlanVersion.objects.get(plan_id=as_json(result)["id"]).content
    assert [[f["amount_pence"] for f in s["funding"]] for s in content["schemes"]] == [
        [5_999_999_999, 10],
        [3_500_000_000],
    ]


def test_a_damaged_workbook_is_refused_naming_the_file(plans: PlanWorld, tmp_path: Path) -> None:
    plan = plans.ready()
    damaged = tmp_path / "plan.xlsx"
    damaged.write_text(HEADINGS + "\n" + ROW_1 + "\n", "utf-8")  # a CSV renamed .xlsx
    before = snapshot()

    for args in (
        ["plans", "import", damaged, "--plan", plan.pk, "-u", "finance"],
        ["allocations", "import", damaged, "--year", "2024-25", "--source", "x", "-u", "assurer"],
    ):
        result = carepool(*args, "--json")
        assert result.exit_code == INVALID, (args, result.output, result.exception)
        assert as_json(result)["errors"] == [
            {
                "field": "plan.xlsx",
                "message": "Carepool cannot open this as an Excel workbook (.xlsx): it is damaged "
                "or is another kind of file (BadZipFile); save it again as .xlsx, or as CSV UTF-8",
            }
        ]
    assert snapshot() == before


def test_an_export_that_cannot_be_written_is_refused_plainly(
    plans: PlanWorld, tmp_path: Path
) -> None:
    plan = plans.ready()
    target = tmp_path / "no-such-folder" / "plan.csv"

    result = carepool("plans", "export", plan.pk, target, "-u", "finance", "--json")

    assert result.exit_code == INVALID, (result.output, result.exception)
    assert as_json(result)["errors"] == [
        {"field": "file", "message": f"Cannot write {target}: No such file or directory"}
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_exported_plan_imports_unchanged(plans: PlanWorld, tmp_path: Path, suffix: str) -> None:
    started = carepool(
        "plans", "import", DEMO / "leeds-plan-2024-25.csv", "--agreement",
        plans.world.agreement.pk, "--year", "2024-25", "-u", "finance", "--json",
    )  # fmt: skip
    assert started.exit_code == OK, started.output
    pid = as_json(started)["id"]
    file = tmp_path / f"plan{suffix}"
    exported = carepool("plans", "export", pid, file, "-u", "viewer", "--json")
    assert exported.exit_code == OK, exported.output
    assert as_json(exported)["schemes"] == 20
    before = snapshot()

    again = carepool("plans", "import", file, "--plan", pid, "-u", "finance", "--json")

    assert again.exit_code == INVALID, again.output
    assert as_json(again)["errors"] == [{"field": "schemes", "message": "Nothing changed"}]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("file", "year", "schemes"),
    [("leeds-plan-2024-25.csv", "2024-25", 20), ("leeds-plan-2025-26.csv", "2025-26", 20)],
)
def test_the_demo_plan_files_import_cleanly(
    plans: PlanWorld, file: str, year: str, schemes: int
) -> None:
    result = carepool(
        "plans", "import", DEMO / file, "--agreement", plans.world.agreement.pk,
        "--year", year, "-u", "finance", "--json",
    )  # fmt: skip

    assert result.exit_code == OK, result.output
    plan = Plan.objects.get(pk=as_json(result)["id"])
    assert len(PlanVersion.objects.get(plan=plan).content["schemes"]) == schemes


@pytest.mark.parametrize(("year", "rows"), [("2024-25", 14), ("2025-26", 8)])
def test_the_demo_allocation_files_import_cleanly(world: World, year: str, rows: int) -> None:
    result = carepool(
        "allocations", "import", DEMO / f"allocations-{year}.csv", "--year", year,
        "--source", "Illustrative demo figures", "-u", "assurer", "--json",
    )  # fmt: skip

    assert result.exit_code == OK, result.output
    assert MinimumAllocation.objects.filter(year=year).count() == rows


ALLOCATION_FILES = [
    (
        "a line whose areas do not add up to its national total",
        (
            "E08000035,Leeds,nhs_minimum,68450000.00",
            "E10000016,Kent,nhs_minimum,151200000.00",
            "E92000001,England,nhs_minimum,219650000.01",
        ),
        {"allocations.csv: row 4: amount": "..."},
    ),
    (
        "a line without a national total",
        ("E08000035,Leeds,nhs_minimum,68450000.00",),
        {
            "allocations.csv: row 2: line": "No national total is stated for nhs_minimum: add "
            "a row for E92000001 with the national total, so the file can be checked"
        },
    ),
    (
        "an unknown line and a negative amount",
        (
            "E08000035,Leeds,nhs_minimum,68450000.00",
            "E92000001,England,nhs_minimum,68450000.00",
            "E08000035,Leeds,winter,10.00",
            "E08000035,Leeds,ibcf,-5",
        ),
        {
            "allocations.csv: row 4: line": "'winter' is not an allocation line of 2024-25; use "
            "one of: dfg, discharge_fund_icb, discharge_fund_la, ibcf, nhs_minimum, "
            "nhs_minimum_asc, nhs_minimum_ooh",
            "allocations.csv: row 5: amount": "cannot be negative",
        },
    ),
]


@pytest.mark.parametrize(
    ("rows", "problems"),
    [row[1:] for row in ALLOCATION_FILES],
    ids=[row[0] for row in ALLOCATION_FILES],
)
def test_a_bad_allocations_file_is_refused_whole(
    world: World, tmp_path: Path, rows: tuple[str, ...], problems: dict[str, str]
) -> None:
    assert carepool(
        "allocations", "import", DEMO / "allocations-2024-25.csv", "--year", "2024-25",
        "--source", "Demo", "-u", "assurer",
    ).exit_code == OK  # fmt: skip
    file = write(tmp_path / "allocations.csv", "area_code,area_name,line,amount", *rows)
    before = snapshot()

    result = carepool(
        "allocations", "import", file, "--year", "2024-25", "--source", "Test",
        "-u", "assurer", "--json",
    )  # fmt: skip
    people = carepool(
        "allocations", "import", file, "--year", "2024-25", "--source", "Test", "-u", "assurer"
    )

    assert (result.exit_code, people.exit_code) == (INVALID, INVALID), result.output
    errors = {e["field"]: e["message"] for e in as_json(result)["errors"]}
    assert set(errors) == set(problems), errors
    for field, message in problems.items():
        assert message == "..." or errors[field] == message, errors[field]
    assert "Traceback" not in people.output
    assert snapshot() == before


def test_an_allocations_total_that_does_not_add_up_gives_both_figures(
    world: World, tmp_path: Path
) -> None:
    file = write(
        tmp_path / "allocations.csv",
        "area_code,area_name,line,amount",
        *ALLOCATION_FILES[0][1],
    )
    result = carepool(
        "allocations", "import", file, "--year", "2024-25", "--source", "Test",
        "-u", "assurer", "--json",
    )  # fmt: skip
    [error] = as_json(result)["errors"]
    assert "219,650,000.01" in error["message"], error
    assert "219,650,000.00" in error["message"], error
    assert "0.01" in error["message"], error


def test_allocations_are_imported_only_by_national_assurers(world: World) -> None:
    before = snapshot()

    result = carepool(
        "allocations", "import", DEMO / "allocations-2024-25.csv", "--year", "2024-25",
        "--source", "Test", "-u", "finance", "--json",
    )  # fmt: skip

    assert result.exit_code == NOT_ALLOWED, result.output
    assert as_json(result)["errors"][0]["field"] == "user"
    assert snapshot() == before
