"""``carepool plans`` and ``carepool allocations``: yearly plans, checked and signed off."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.text import Text

from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli import render
from carepool.cli.options import ExpectVersionOption, JsonOption, UserOption, acting_user
from carepool.cli.output import Output
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.signoff import Outcome, Stage
from carepool.io.allocations import import_allocations
from carepool.io.plan_table import import_plan_file, plan_rows, write_csv, write_xlsx
from carepool.plans import records, selectors, services

app = typer.Typer(
    help="Yearly plans: schemes funded from the year's streams, checked against the year's "
    "national conditions and minimums, then approved by every partner, the board and the "
    "national assurer. Layout of plan files: docs/plans.md.",
    no_args_is_help=True,
)
allocations_app = typer.Typer(
    help="Per-area minimum allocations of a year (docs/allocations.md).", no_args_is_help=True
)

PlanId = Annotated[str, typer.Argument(help="The plan's id (see 'plans list').")]
VersionOption = Annotated[
    int | None,
    typer.Option("--version", help="A version number (default: the current version).", min=1),
]
YearOption = Annotated[str, typer.Option("--year", help="Financial year, like 2024-25.")]


def _actor(out: Output, user: str) -> Actor:
    return Actor(acting_user(out, user), Interface.CLI)


def _verdict(verdict: str) -> Text:
    words, style = {
        "pass": ("pass", "green"),
        "fail": ("FAIL", "bold red"),
        "declared": ("declared", "green"),
        "pending": ("pending", "yellow"),
        "not_checked": ("not checked", "yellow"),
    }.get(verdict, (verdict, ""))
    return Text(words, style=style)


def _print_checklist(out: Output, data: dict[str, Any]) -> None:
    checklist = data["checklist"]
    for notice in checklist["notices"]:
        out.print(Text(f"! {notice}", style="yellow"))
    out.print(
        render.table(
            f"Checklist of version {data['shown_version']['number']}",
            ("Section", "Check", "Verdict", "Figures", "Explanation"),
            (
                (
                    i["section"],
                    i["title"],
                    _verdict(i["verdict"]),
                    "; ".join(f"{f['label']}: {f['value']}" for f in i["figures"]),
                    i["explanation"]
                    + (f" Fix: {i['fix']}" if i["fix"] else "")
                    + (f" Justified: {i['justification']}" if i["justification"] else ""),
                )
                for i in checklist["items"]
            ),
        )
    )
    ready = "ready for sign-off" if checklist["ready_for_sign_off"] else "not ready for sign-off"
    out.print(f"{checklist['failures']} failure(s): {ready}.")


@app.command("list")
def list_plans(
    user: UserOption,
    year: Annotated[str | None, typer.Option("--year", help="Only this year.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The plans the user may see."""
    out = Output(as_json)
    with out.guard():
        person = acting_user(out, user)
        plans = selectors.visible_plans(person)
        if year is not None:
            plans = plans.filter(year=parse.year(year).label)
        data = [records.plan_summary(p) for p in plans]
    if as_json:
        out.json({"items": data, "count": len(data)})
        return
    if not data:
        out.print("No plans.")
        return
    out.print(
        render.table(
            "Plans",
            ("Id", "Year", "Area", "Version", "State"),
            (
                (p["id"], p["year"], p["area"]["name"], p["current_version"], p["state_label"])
                for p in data
            ),
        )
    )


@app.command("show")
def show(
    plan_id: PlanId, user: UserOption, version: VersionOption = None, as_json: JsonOption = False
) -> None:
    """A plan version: its schemes, checklist and sign-off."""
    out = Output(as_json)
    with out.guard("plan_id"):
        person = acting_user(out, user)
        plan = selectors.get_plan(person, plan_id)
        data = records.plan_detail(plan, selectors.version_shown(plan, version))
    if as_json:
        out.json(data)
        return
    out.print(
        render.key_values(
            f"{data['year']} plan for {data['area']['name']}",
            (
                ("Plan", data["id"]),
                ("Version shown", data["shown_version"]["number"]),
                ("Current version", data["current_version"]),
                ("State", data["state_label"]),
                ("Content hash", data["shown_version"]["content_hash"]),
                ("Total planned", render.money(data["content"]["total"]["pounds"])),
                ("Record version (--expect-version)", data["version"]),
            ),
        )
    )
    out.print(
        render.table(
            "Schemes",
            ("Id", "Name", "Type", "Area of spend", "Total"),
            (
                (
                    s["scheme_id"],
                    s["name"],
                    s["scheme_type"],
                    s["area_of_spend"],
                    render.money(s["total"]["pounds"]),
                )
                for s in data["content"]["schemes"]
            ),
        )
    )
    _print_checklist(out, data)


@app.command("check")
def check(
    plan_id: PlanId, user: UserOption, version: VersionOption = None, as_json: JsonOption = False
) -> None:
    """Check a plan version against its year's rules, explaining each verdict."""
    out = Output(as_json)
    with out.guard("plan_id"):
        person = acting_user(out, user)
        plan = selectors.get_plan(person, plan_id)
        data = records.checklist_view(plan, selectors.version_shown(plan, version))
    if as_json:
        out.json(data)
        return
    _print_checklist(out, data)


@app.command("import")
def import_plan(
    file: Annotated[
        Path, typer.Argument(help="A .csv or .xlsx file in the layout of docs/plans.md.")
    ],
    user: UserOption,
    agreement: Annotated[
        str | None, typer.Option("--agreement", help="Start a new plan under this agreement.")
    ] = None,
    year: Annotated[str | None, typer.Option("--year", help="The new plan's year.")] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="Replace the schemes of this plan instead.")
    ] = None,
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Start a plan from a file, or replace an existing plan's schemes with the file's."""
    out = Output(as_json)
    with out.guard("file"):
        actor = _actor(out, user)
        if not file.is_file():
            raise ValidationFailed.single("file", f"There is no file called {file}")
        result = import_plan_file(
            actor,
            file,
            agreement_id=agreement,
            year=year,
            plan_id=plan,
            expected_version=expect_version,
        )
        data = records.plan_summary(result)
    if as_json:
        out.json(data)
        return
    out.print(
        f"[green]✓[/] Plan {data['id']} ({data['year']}, {escape(data['area']['name'])}) is at "
        f"version {data['current_version']}: {data['state_label'].lower()}"
    )


@app.command("export")
def export(
    plan_id: PlanId,
    file: Annotated[Path, typer.Argument(help="Where to write: a .csv or .xlsx file.")],
    user: UserOption,
    version: VersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a plan version's schemes in the layout 'plans import' reads."""
    out = Output(as_json)
    with out.guard("file"):
        person = acting_user(out, user)
        plan = selectors.get_plan(person, plan_id)
        shown = selectors.version_shown(plan, version)
        streams = [s.code for s in selectors.year_rules_of(plan).funding_streams]
        rows = plan_rows(selectors.content_of(shown), streams)
        if file.suffix.lower() not in (".csv", ".xlsx"):
            raise ValidationFailed.single("file", "Give a file name ending .csv or .xlsx")
        try:
            if file.suffix.lower() == ".xlsx":
                write_xlsx(rows, file)
            else:
                file.write_text(write_csv(rows), "utf-8")
        except OSError as exc:
            raise ValidationFailed.single(
                "file", f"Cannot write {file}: {exc.strerror or exc}"
            ) from None
    if as_json:
        out.json({"file": str(file), "version": shown.number, "schemes": len(rows) - 1})
        return
    out.print(f"[green]✓[/] Wrote {len(rows) - 1} scheme(s) of version {shown.number} to {file}")


@app.command("declare")
def declare(
    plan_id: PlanId,
    requirement: Annotated[str, typer.Argument(help="The declaration's id (see 'plans show').")],
    user: UserOption,
    answer: Annotated[bool, typer.Option("--yes/--no", help="The area's answer.")],
    comment: Annotated[str, typer.Option("--comment", help="What the answer rests on.")],
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a national condition that no machine can check."""
    out = Output(as_json)
    with out.guard("requirement"):
        actor = _actor(out, user)
        version = services.declare(actor, plan_id, requirement, answer, comment, expect_version)
        data = records.version(version)
    if as_json:
        out.json(data)
        return
    out.print(f"[green]✓[/] Declaration {escape(requirement)} recorded in version {data['number']}")


@app.command("justify")
def justify(
    plan_id: PlanId,
    requirement: Annotated[str, typer.Argument(help="The failed requirement's id.")],
    user: UserOption,
    text: Annotated[str, typer.Option("--text", help="Why the plan may go to sign-off.")],
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record why a failed check may go to sign-off (where the year's rules allow it)."""
    out = Output(as_json)
    with out.guard("requirement"):
        actor = _actor(out, user)
        version = services.justify(actor, plan_id, requirement, text, expect_version)
        data = records.version(version)
    if as_json:
        out.json(data)
        return
    out.print(f"[green]✓[/] Justification of {escape(requirement)} recorded")


@app.command("submit")
def submit(
    plan_id: PlanId,
    user: UserOption,
    expect_version: ExpectVersionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send the current version for sign-off (refused while checks fail unjustified)."""
    out = Output(as_json)
    with out.guard("plan_id"):
        actor = _actor(out, user)
        version = services.submit(actor, plan_id, expect_version)
        data = records.version(version)
    if as_json:
        out.json(data)
        return
    out.print(f"[green]✓[/] Version {data['number']} submitted for sign-off")


@app.command("approve")
def approve(
    plan_id: PlanId,
    user: UserOption,
    version: Annotated[int, typer.Option("--version", help="The version you read.", min=1)],
    stage: Annotated[
        str, typer.Option("--stage", help="partner, board or national.")
    ] = Stage.PARTNER.value,
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            help="For national assurance: approved, approved_with_conditions, not_approved.",
        ),
    ] = Outcome.APPROVED.value,
    reasons: Annotated[str, typer.Option("--reasons", help="Reasons (national outcome).")] = "",
    content_hash: Annotated[
        str | None, typer.Option("--hash", help="The content hash you read (from 'plans show').")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Approve exactly one version: as a partner's signatory, the board, or national."""
    out = Output(as_json)
    with out.guard("plan_id"):
        actor = _actor(out, user)
        row = services.sign_plan(actor, plan_id, stage, version, content_hash, outcome, reasons)
        data = records.sign_off(row)
    if as_json:
        out.json(data)
        return
    out.print(
        f"[green]✓[/] {data['stage_label']}: {escape(data['organisation']['name'])} "
        f"{data['outcome_label'].lower()} version {data['version']}"
    )


@app.command("diff")
def diff(
    plan_id: PlanId,
    old: Annotated[int, typer.Argument(help="The older version number.", min=1)],
    new: Annotated[int, typer.Argument(help="The newer version number.", min=1)],
    user: UserOption,
    as_json: JsonOption = False,
) -> None:
    """What changed between two versions, scheme by scheme."""
    out = Output(as_json)
    with out.guard("plan_id"):
        person = acting_user(out, user)
        plan = selectors.get_plan(person, plan_id)
        result, data = records.diff_view(plan, old, new)
    if as_json:
        out.json(data)
        return
    out.print(Text(f"Version {old} → {new} of plan {plan_id}", style="bold"))
    for line in result.lines():
        out.print(Text(line))


@app.command("national")
def national(
    user: UserOption,
    year: YearOption,
    as_json: JsonOption = False,
) -> None:
    """Every area's plan status for the year, and those with no agreed plan by the deadline
    (national assurers)."""
    out = Output(as_json)
    with out.guard("year"):
        person = acting_user(out, user)
        fy = parse.year(year)
        rows, deadline = selectors.national_statuses(person, fy, date.today())
        data = records.national(fy.label, rows, deadline)
    if as_json:
        out.json(data)
        return
    out.print(
        render.table(
            f"Plans for {fy.label}"
            + (f" (deadline {deadline:%-d %B %Y})" if deadline else " (no deadline in the rules)"),
            ("Area", "Code", "State", "Outcome", "Overdue"),
            (
                (
                    r["area"]["name"],
                    r["area"]["code"],
                    r["state_label"],
                    r["outcome"],
                    "yes" if r["overdue"] else "",
                )
                for r in data["items"]
            ),
        )
    )


@allocations_app.command("import")
def allocations_import(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file (docs/allocations.md).")],
    user: UserOption,
    year: YearOption,
    source: Annotated[str, typer.Option("--source", help="The published document it is from.")],
    as_json: JsonOption = False,
) -> None:
    """Replace a year's per-area minimum allocations (national assurers), or refuse the
    file whole, listing every bad row."""
    out = Output(as_json)
    with out.guard("file"):
        actor = _actor(out, user)
        if not file.is_file():
            raise ValidationFailed.single("file", f"There is no file called {file}")
        result = import_allocations(actor, file, year, source)
    if as_json:
        out.json(result.to_dict())
        return
    out.print(render.import_summary([result]))
