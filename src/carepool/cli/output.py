"""Printing results and refusals, for people (Rich) or for programs (``--json``).

Exit codes (docs/cli.md): 0 done; 1 could not run (no database, no reference data);
2 refused as invalid, each problem printed as ``field: message``; 3 not allowed (no such user,
or the user lacks the role); 4 not found, including things the user may not know exist;
5 someone else changed the record since the version given with --expect-version; 6 the
database was busy with other writes for too long (nothing saved: try again); 7 (``audit
verify`` only) the audit trail has been tampered with.
In ``--json`` mode stdout carries exactly one JSON document (the result, or
``{"errors": [{"field": ..., "message": ...}]}``); progress and notes go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from django.db import OperationalError, ProgrammingError
from rich.console import Console

from carepool.accounts.permissions import Forbidden, NotFound
from carepool.concurrency import BUSY_MESSAGE, is_busy
from carepool.core.errors import Conflict, FieldError, ValidationFailed
from carepool.demo.loader import DemoNotPossible
from carepool.io import DataDirectoryMissing

OK = 0
CANNOT_RUN = 1
INVALID = 2
NOT_ALLOWED = 3
NOT_FOUND = 4
CONFLICT = 5
BUSY = 6


class Output:
    def __init__(self, as_json: bool = False) -> None:
        self.as_json = as_json
        # Consoles are made per command so that they write to the streams of the moment
        # (the test runner swaps them).
        self.out = Console(highlight=False, soft_wrap=False)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    # results ------------------------------------------------------------------------
    def json(self, payload: Any) -> None:
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def print(self, *renderables: Any, **kwargs: Any) -> None:
        self.out.print(*renderables, **kwargs)

    def note(self, message: str) -> None:
        """A remark for the person at the terminal; never on stdout in --json mode."""
        (self.err if self.as_json else self.out).print(message)

    # refusals -----------------------------------------------------------------------
    def fail(self, code: int, errors: Iterable[FieldError]) -> NoReturn:
        errors = list(errors)
        if self.as_json:
            self.json({"errors": [{"field": e.field, "message": e.message} for e in errors]})
        else:
            for e in errors:
                self.err.print(f"[bold red]Error:[/] {_escape(str(e))}")
        raise typer.Exit(code)

    @contextmanager
    def guard(self, subject: str = "") -> Iterator[None]:
        """Turn the services' refusals into messages and exit codes.

        ``subject`` names the field a "not found" is about (e.g. ``agreement_id``).
        """
        try:
            yield
        except ValidationFailed as exc:
            self.fail(INVALID, exc.errors)
        except Forbidden as exc:
            self.fail(NOT_ALLOWED, [FieldError("user", str(exc))])
        except NotFound as exc:
            self.fail(NOT_FOUND, [FieldError(subject, str(exc))])
        except Conflict as exc:
            self.fail(CONFLICT, [FieldError("expect_version", str(exc))])
        except (DataDirectoryMissing, DemoNotPossible) as exc:
            self.fail(CANNOT_RUN, [FieldError("", str(exc))])
        except OperationalError as exc:
            if is_busy(exc):
                self.fail(BUSY, [FieldError("database", BUSY_MESSAGE)])
            self.fail(
                CANNOT_RUN,
                [FieldError("database", f"{exc}. Is the database set up? Run 'carepool setup'.")],
            )
        except ProgrammingError as exc:
            # Typically missing tables (no migrations yet) or no database server.
            self.fail(
                CANNOT_RUN,
                [FieldError("database", f"{exc}. Is the database set up? Run 'carepool setup'.")],
            )


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
