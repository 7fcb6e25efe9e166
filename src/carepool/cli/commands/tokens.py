"""``carepool tokens create|list|revoke``: a person's API tokens, for scripts calling the API.

A token acts as the user who made it, with their roles and scoping, until it expires or is
revoked (``carepool.accounts.tokens``). Each command acts as ``--user`` and sees only that
user's own tokens; anyone else's token is "not found".
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from django.utils import timezone
from rich.markup import escape

from carepool.accounts import records, tokens
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.cli.options import JsonOption, UserOption, acting_user
from carepool.cli.output import INVALID, Output
from carepool.cli.render import table
from carepool.core.errors import FieldError

app = typer.Typer(
    help="Personal API tokens: scripts send one as 'Authorization: Bearer <token>' to call "
    "the HTTP API as you.",
    no_args_is_help=True,
)

TokenId = Annotated[int, typer.Argument(help="The token's id, as 'carepool tokens list' shows.")]


def _when(moment: datetime | None, never: str = "never") -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else never


@app.command("create")
def create(
    user: UserOption,
    name: Annotated[
        str,
        typer.Option(
            "--name", "-n", help="What will use it, to tell tokens apart.", show_default=False
        ),
    ],
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            help=f"Days until it expires, 1 to {tokens.MAX_EXPIRY_DAYS} "
            f"(default {tokens.DEFAULT_EXPIRY_DAYS}).",
            show_default=False,
        ),
    ] = None,
    never_expires: Annotated[
        bool, typer.Option("--never-expires", help="No expiry date (not recommended).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Make a token for --user and print it. It is shown this once only: copy it now.

    Example: carepool tokens create --user finance --name "Monthly returns script" --days 30
    """
    out = Output(as_json)
    if never_expires and days is not None:
        out.fail(INVALID, [FieldError("days", "Give --days or --never-expires, not both")])
    expiry = tokens.NEVER if never_expires else ("" if days is None else str(days))
    with out.guard():
        person = acting_user(out, user)
        issued = tokens.create_token(
            Actor(person, Interface.CLI), {"name": name, "expires_in_days": expiry}
        )
        record = records.api_token(issued.token)
    if as_json:
        out.json({**record, "token": issued.secret})
        return
    out.print(
        f"[green]✓[/] Made API token {record['id']} '{escape(record['name'])}' for "
        f"{escape(person.username)}, expiring {_when(issued.token.expires_at)}."
    )
    out.err.print(
        "[bold]Copy it now: it is not shown again.[/] Keep it like a password; anyone who has "
        "it can do what you can in Carepool."
    )
    out.out.print(issued.secret, markup=False, highlight=False)


@app.command("list")
def list_tokens(user: UserOption, as_json: JsonOption = False) -> None:
    """List --user's own tokens, newest first, revoked and expired ones included."""
    out = Output(as_json)
    with out.guard():
        person = acting_user(out, user)
        found = list(tokens.tokens_of(person))
        data = [records.api_token(t) for t in found]
    if as_json:
        out.json({"tokens": data})
        return
    out.print(
        table(
            f"{len(found)} API token{'s' if len(found) != 1 else ''} of {person.username}",
            ("Id", "Name", "Starts with", "Status", "Created", "Last used", "Expires"),
            (
                (
                    t.pk,
                    t.name,
                    record["starts_with"],
                    record["status"],
                    _when(t.created_at),
                    _when(t.last_used_at),
                    _when(t.expires_at),
                )
                for t, record in zip(found, data, strict=True)
            ),
            right=("Id",),
        )
    )


@app.command("revoke")
def revoke(token_id: TokenId, user: UserOption, as_json: JsonOption = False) -> None:
    """Revoke one of --user's own tokens: scripts using it are refused from now on."""
    out = Output(as_json)
    with out.guard("token_id"):
        person = acting_user(out, user)
        token = tokens.revoke_token(Actor(person, Interface.CLI), token_id)
        record = records.api_token(token)
    if as_json:
        out.json(record)
        return
    out.print(
        f"[green]✓[/] Revoked API token {record['id']} '{escape(record['name'])}' "
        f"({record['starts_with']}...)."
    )
