"""Refusing command-line arguments that are not text, before any command sees them.

Python reads ``argv`` bytes that are not UTF-8 as lone surrogates (``$'\\xff'`` becomes
``"\\udcff"``). No database, page or terminal can hold those, so a command would fail with a
traceback wherever the value first met one (a look-up, a log line, a message quoting it).
``CheckedGroup`` is the root command of ``carepool``: it looks at every argument first and
refuses such a value with the usual refusal (exit code 2, ``--json`` shape), naming the option
it was given for, with the same words the services use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from typer.core import TyperGroup

from carepool.cli.output import INVALID, Output
from carepool.core.errors import FieldError, shown
from carepool.core.parse import unstorable_message


class CheckedGroup(TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        problems = [
            FieldError(label, message)
            for label, value in labelled(self, args)
            if (message := unstorable_message(value))
        ]
        if problems:
            options = args[: args.index("--")] if "--" in args else args
            Output("--json" in options).fail(INVALID, problems)
        return super().parse_args(ctx, args)


def labelled(root: Any, args: list[str]) -> Iterator[tuple[str, str]]:
    """Each argument with the name of what it is: ``--title``, ``AGREEMENT_ID``, a command.

    Follows the command words down from ``root`` to learn which options take a value and
    what the positional arguments are called.
    """
    command = root
    positional = 0
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            for rest in tokens:
                yield _argument_name(command, positional), rest
                positional += 1
            return
        if token.startswith("--") and "=" in token:
            name, _, value = token.partition("=")
            yield shown(name), value
            continue
        if token.startswith("-") and len(token) > 1:
            option = _options(command).get(token)
            if option is None:
                yield "arguments", token  # an option no command has; Click refuses it after
            elif _takes_a_value(option):
                value = next(tokens, "")
                yield _long_name(option), value
            continue
        subcommands = getattr(command, "commands", None)
        if isinstance(subcommands, dict) and token in subcommands:
            command, positional = subcommands[token], 0
            continue
        yield _argument_name(command, positional), token
        positional += 1


def _options(command: Any) -> dict[str, Any]:
    found = {}
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") == "option":
            for opt in [*param.opts, *param.secondary_opts]:
                found[opt] = param
    return found


def _takes_a_value(option: Any) -> bool:
    return not (getattr(option, "is_flag", False) or getattr(option, "count", False))


def _long_name(option: Any) -> str:
    return str(max(option.opts, key=len))


def _argument_name(command: Any, position: int) -> str:
    arguments = [
        p for p in getattr(command, "params", []) if getattr(p, "param_type_name", "") == "argument"
    ]
    if position < len(arguments):
        return str(arguments[position].name).upper()
    if isinstance(getattr(command, "commands", None), dict):
        return "command"
    return "arguments"
