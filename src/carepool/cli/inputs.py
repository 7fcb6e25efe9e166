"""Reading what a person gives a writing command: a JSON file, ``--set`` pairs, a yes or no.

Only the transport is read here; what the values mean, and whether they are allowed, is for
the services.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from carepool.cli.output import CANNOT_RUN, INVALID, Output
from carepool.core.errors import FieldError

STDIN = "-"

YesOption = Annotated[
    bool,
    typer.Option(
        "--yes",
        help="Do not ask for confirmation (with --json nothing is asked either).",
    ),
]


def json_object(out: Output, path: str) -> dict[str, Any]:
    """The JSON object in ``path`` (or on stdin for ``-``), or a refusal naming ``file``.

    Numbers are read as exact decimals, so an amount never passes through a float.
    """
    name = "standard input" if path == STDIN else f"'{path}'"
    try:
        text = sys.stdin.read() if path == STDIN else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        out.fail(INVALID, [FieldError("file", f"cannot read {name}: {exc.strerror or exc}")])
    except UnicodeDecodeError:
        out.fail(INVALID, [FieldError("file", f"{name} is not UTF-8 text")])
    try:
        value = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        out.fail(
            INVALID,
            [
                FieldError(
                    "file",
                    f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                )
            ],
        )
    if not isinstance(value, dict):
        out.fail(
            INVALID,
            [FieldError("file", f'{name} must hold one JSON object, like {{"title": "..."}}')],
        )
    return value


def assignments(
    out: Output, pairs: list[str], separators: dict[str, str] | None = None
) -> dict[str, Any]:
    """``FIELD=VALUE`` pairs as a mapping of strings; the last of a field given twice wins.

    A field in ``separators`` becomes a list, split on its separator (an empty value is an
    empty list).
    """
    separators = separators or {}
    data: dict[str, Any] = {}
    problems: list[FieldError] = []
    for pair in pairs:
        field, equals, value = pair.partition("=")
        field = field.strip()
        if not equals or not field:
            problems.append(FieldError("set", f"'{pair}' is not FIELD=VALUE"))
            continue
        if field in separators:
            data[field] = [v.strip() for v in value.split(separators[field]) if v.strip()]
        else:
            data[field] = value
    if problems:
        out.fail(INVALID, problems)
    return data


def confirm(out: Output, question: str, yes: bool) -> None:
    """Ask before an irreversible change, unless ``--yes`` or ``--json`` was given.

    The question goes to stderr and the answer is read from stdin. With nothing to read it
    from (stdin closed or at its end) this refuses with exit code 2; any answer but yes stops
    with exit code 1. Either way nothing is changed.
    """
    if yes or out.as_json:
        return
    out.err.print(escape(f"{question} [y/N]: "), end="")
    answer = sys.stdin.readline() if sys.stdin is not None else ""
    if not answer:
        out.err.print()
        out.fail(
            INVALID,
            [
                FieldError(
                    "yes",
                    "There is no answer to the confirmation (no input); give --yes to go "
                    "ahead without being asked",
                )
            ],
        )
    if answer.strip().lower() not in ("y", "yes"):
        out.err.print("Nothing was changed.")
        raise typer.Exit(CANNOT_RUN)
