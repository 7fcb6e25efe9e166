"""``carepool audit``: checking the audit trail."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.markup import escape

from carepool.audit.verify import TrailVerification, verify_trail
from carepool.cli.options import JsonOption
from carepool.cli.output import INVALID, Output
from carepool.cli.progress import counting_progress
from carepool.core.errors import FieldError

TRAIL_BROKEN = 7  # exit code: the trail was checked and something in it was tampered with

app = typer.Typer(
    help="The audit trail: prove that nothing in it was changed.", no_args_is_help=True
)

_HASH = re.compile(r"[0-9a-f]{64}")


@app.command("verify")
def verify(
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            help="A head hash printed by an earlier run and kept outside the database. The "
            "check then also fails if that event is no longer in the trail (the tail was "
            "deleted, or everything up to it rewritten).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check every audit event against the hash chain and report each one altered, deleted
    or inserted behind the application's back.

    Run by the operator on the server, against the configured database; it reads only the
    audit table, so it takes no --user. Exit code 0: intact; 7: problems found (each listed).
    """
    out = Output(as_json)
    if expect_head is not None:
        expect_head = expect_head.strip().lower()
        if not _HASH.fullmatch(expect_head):
            out.fail(
                INVALID,
                [
                    FieldError(
                        "expect_head",
                        "must be the 64-character hex hash printed by an earlier "
                        "'carepool audit verify'",
                    )
                ],
            )
    with out.guard(), counting_progress("Checking the audit trail") as progress:
        result = verify_trail(expect_head, progress)
    if as_json:
        out.json(result.to_dict())
    else:
        _show(out, result)
    if not result.intact:
        raise typer.Exit(TRAIL_BROKEN)


def _show(out: Output, result: TrailVerification) -> None:
    if result.intact:
        out.print(f"[green]✓[/] The audit trail is intact: {result.checked:,} events checked.")
        if result.expected_head:
            out.print("[green]✓[/] The head you recorded is still in the trail.")
    else:
        count = len(result.findings)
        out.print(
            f"[bold red]✗ The audit trail has been tampered with:[/] {count:,} "
            f"problem{'s' if count != 1 else ''} in {result.checked:,} events checked."
        )
        for finding in result.findings:
            out.print(f"  • {escape(finding.message)}")
    out.print(f"Head: event {result.head.sequence:,}")
    out.print(f"Head hash: {result.head.hash}")
    out.print(
        "[dim]Keep the head hash outside this database (in the audit file, an e-mail, a "
        "signed report). Later, 'carepool audit verify --expect-head HASH' shows whether "
        "anything up to it was deleted or rewritten since.[/]"
    )
