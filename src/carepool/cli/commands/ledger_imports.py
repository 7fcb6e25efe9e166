"""``carepool ledger``: Importing partners' monthly actuals (CSV, xlsx): docs/ledger-imports.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli.commands.ledger import app as ledger_app
from carepool.cli.options import JsonOption, UserOption, acting_user
from carepool.cli.output import Output
from carepool.cli.progress import import_progress
from carepool.core.errors import ValidationFailed
from carepool.ledger.imports import import_actuals

__all__ = ["ledger_app"]


@ledger_app.command("import")
def import_file(
    file: Annotated[
        Path,
        typer.Argument(
            help="A .csv (UTF-8) or .xlsx file in the layout of docs/ledger-imports.md."
        ),
    ],
    user: UserOption,
    agreement: Annotated[str, typer.Option("--agreement", help="The agreement's id.")],
    month: Annotated[
        str, typer.Option("--month", help="The calendar month the file is for, like 2024-10.")
    ],
    source: Annotated[
        str,
        typer.Option(
            "--from", help="The organisation code of the partner whose ledger the file is from."
        ),
    ],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace the month's earlier import from this partner: its lines are reversed "
            "and this file's posted.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import a partner's actuals for one month: all lines or none; the same file twice adds
    nothing; a changed file needs --replace."""
    out = Output(as_json)
    with out.guard("agreement"):
        actor = Actor(acting_user(out, user), Interface.CLI)
        if not file.is_file():
            raise ValidationFailed.single("file", f"There is no file called {file}")
        with file.open("rb") as data, import_progress() as bars:
            report = bars.for_file("actuals", file)
            outcome = import_actuals(
                actor,
                agreement,
                month=month,
                source=source,
                file_name=file.name,
                data=data,
                replace=replace,
                progress=lambda done, total, stage: report(done, total or done, stage),
            )
    if as_json:
        out.json(outcome.to_dict())
        return
    if outcome.unchanged:
        out.print(
            f"[yellow]=[/] {escape(file.name)} was already imported (batch {outcome.batch_id}, "
            f"{outcome.rows:,} lines, {outcome.total}): nothing added"
        )
        return
    out.print(
        f"[green]✓[/] Imported {outcome.rows:,} lines of {outcome.period} actuals from "
        f"{escape(outcome.source)}: {outcome.total} (batch {outcome.batch_id})"
    )
    if outcome.replaced_batch_id is not None:
        out.print(
            f"  replaced batch {outcome.replaced_batch_id}: "
            f"{outcome.reversed_transfers:,} transfers reversed"
        )
    if outcome.releases:
        out.print(
            f"  released {outcome.releases:,} commitments' amounts: {outcome.to_dict()['released']}"
        )
    out.print(f"  SHA-256 {outcome.sha256}")
