"""Running the ``carepool`` command in-process against the test database."""

from __future__ import annotations

import json
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from carepool.cli.main import app

runner = CliRunner()


def carepool(*args: Any, input: str | None = None) -> Result:
    """Run ``carepool ARGS``; ``input`` is what standard input holds (empty when None)."""
    return runner.invoke(app, [str(a) for a in args], input=input, env={"COLUMNS": "200"})


def as_json(result: Result) -> Any:
    """The --json document; stdout must hold nothing else."""
    return json.loads(result.stdout)
