"""Options shared by many commands, and finding the user a command acts as."""

from __future__ import annotations

from typing import Annotated

import typer

from carepool.accounts.models import User
from carepool.accounts.selectors import get_active_user
from carepool.cli.output import NOT_ALLOWED, Output
from carepool.core.errors import FieldError

JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help='Print one JSON document on stdout (the result, or {"errors": [...]}) instead '
        "of tables. Progress and notes go to stderr.",
    ),
]
ExpectVersionOption = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        help="The version you last read (shown by 'show' and in --json output). If the record "
        "has changed since, nothing is saved and the command exits with code 5.",
        show_default=False,
        min=1,
    ),
]
UserOption = Annotated[
    str,
    typer.Option(
        "--user",
        "-u",
        help="The username to act as. You see and change only what their organisation and "
        "roles allow; agreements they may not see are 'not found'.",
        show_default=False,
    ),
]


def acting_user(out: Output, username: str) -> User:
    """The active user called ``username``, or a refusal (exit code 3)."""
    user = get_active_user(username)
    if user is None:
        out.fail(NOT_ALLOWED, [FieldError("user", f"There is no active user called '{username}'")])
    return user
