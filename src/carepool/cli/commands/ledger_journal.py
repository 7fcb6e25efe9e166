"""``carepool ledger journal``: the ledger as a ledger-cli journal (carepool.ledger.journal)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carepool.agreements.selectors import get_agreement, visible_agreements
from carepool.cli.commands.ledger import app as ledger_app
from carepool.cli.options import JsonOption, UserOption, acting_user
from carepool.cli.output import Output
from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.ledger.journal import write_journal

__all__ = ["journal", "ledger_app"]


@ledger_app.command("journal")
def journal(
    year: Annotated[str, typer.Option("--year", help="Financial year, like 2024-25.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The journal file to write (overwritten).")
    ],
    user: UserOption,
    agreement: Annotated[
        str | None, typer.Option("--agreement", help="One agreement's id.", show_default=False)
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every agreement the user may see.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write a year of the ledger as a ledger-cli journal: one transaction per transfer.

    Read it with `ledger -f FILE bal`: its balances are Carepool's (debit positive). Accounts
    are named like Spend:S01:E08000035; with --all each is prefixed by its agreement (A12:).
    """
    out = Output(as_json)
    with out.guard("agreement"):
        person = acting_user(out, user)
        fy = parse.year(year)
        if (agreement is None) == (not every):
            raise ValidationFailed.single(
                "agreement", "Give either --agreement ID or --all (every agreement you may see)"
            )
        if agreement is None:
            chosen = list(visible_agreements(person).order_by("pk"))
        else:
            chosen = [get_agreement(person, agreement)]
        try:
            with output.open("w", encoding="utf-8") as handle:
                summary = write_journal(chosen, fy, handle)
        except OSError as exc:
            raise ValidationFailed.single(
                "output", f"Cannot write {output}: {exc.strerror or exc}"
            ) from None
    result = {"file": str(output), "year": fy.label, **summary.to_dict()}
    if as_json:
        out.json(result)
        return
    out.print(
        f"[green]✓[/] Wrote {summary.transactions:,} transactions over {summary.accounts:,} "
        f"accounts of {summary.agreements} agreement(s) to {output}. "
        f"Check it with: ledger -f {output} bal"
    )
