"""Arguments and files that are not text: a clean refusal naming the option, never a traceback.

Bytes on the command line that are not UTF-8 reach Python as lone surrogates
(``--user $'\\xff'`` gives ``"\\udcff"``); JSON files can carry them as ``"\\ud800"``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from carepool.agreements.models import Agreement, ContributionVariation
from carepool.audit.models import AuditEvent
from carepool.organisations.models import Organisation
from tests.cli.helpers import carepool
from tests.factories import World

BYTE = "\udcff"  # what the byte 0xFF on the command line becomes
NOT_ALLOWED = "contains a character that is not allowed"


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Agreement, ContributionVariation, Organisation, AuditEvent)
    )


# (arguments, with {agreement} and {contribution} for the world's ids; the option named)
ARGUMENTS = [
    (["agreements", "show", "{agreement}", "--user", BYTE], "--user"),
    (["agreements", "show", "{agreement}", "-u", f"fin{BYTE}ance"], "--user"),
    (["agreements", "show", BYTE, "--user", "finance"], "AGREEMENT_ID"),
    (["agreements", "update", "{agreement}", "-u", "finance", "--set", f"title={BYTE}"], "--set"),
    (["agreements", "update", "{agreement}", "-u", "finance", "--set", "aims=a\x00b"], "--set"),
    (["agreements", "create", "-u", "finance", f"--file={BYTE}.json"], "--file"),
    (
        [
            *("organisations", "add", "-u", "finance", "--code", "CARERS"),
            *("--code-system", "local", "--name", f"Carers {BYTE}", "--type", "voluntary"),
        ],
        "--name",
    ),
    (["organisations", "show", f"E08{BYTE}"], "CODE"),
    (
        [
            *("contributions", "vary", "{contribution}", "-u", "finance", "-d", "2024-06-01"),
            *("--change", "1", "--reason", f"Uplift {BYTE}"),
        ],
        "--reason",
    ),
]


@pytest.mark.parametrize("as_json", [False, True], ids=["people", "json"])
@pytest.mark.parametrize(("arguments", "option"), ARGUMENTS, ids=[o for _, o in ARGUMENTS])
def test_an_argument_that_is_not_text_is_refused_naming_the_option(
    world: World, arguments: list[str], option: str, as_json: bool
) -> None:
    ids = {"agreement": world.agreement.pk, "contribution": world.ibcf.pk}
    args = [a.format(**ids) if a.startswith("{") else a for a in arguments]
    before = counts()

    result = carepool(*args, *(["--json"] if as_json else []))

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    if as_json:
        [error] = json.loads(result.stdout)["errors"]
        assert error["field"] == option
        assert error["message"].startswith(NOT_ALLOWED)
    else:
        assert result.stderr.startswith(f"Error: {option}: {NOT_ALLOWED}")
        assert "Traceback" not in result.output
    assert counts() == before


def test_a_json_file_with_half_a_character_is_refused_naming_the_field(world: World) -> None:
    before = counts()

    result = carepool(
        "agreements",
        "update",
        world.agreement.pk,
        "-u",
        "finance",
        "--file",
        "-",
        input='{"aims": "Keep well \\ud800", "outcomes": ["ok", "\\udfff"]}',
    )

    assert result.exit_code == 2, result.output
    assert sorted(result.stderr.splitlines()) == [
        f"Error: aims: {NOT_ALLOWED} (U+D800, half of a character: text that is not UTF-8)",
        f"Error: outcomes[2]: {NOT_ALLOWED} (U+DFFF, half of a character: text that is not UTF-8)",
    ]
    assert counts() == before


def test_bytes_that_are_not_utf8_on_a_real_command_line(tmp_path: Path) -> None:
    # The real thing: the operating system hands Python the byte 0xFF.
    env = {**os.environ, "CAREPOOL_VAR_DIR": str(tmp_path), "COLUMNS": "200"}
    env.pop("CAREPOOL_DATABASE_URL", None)
    command = [sys.executable, "-m", "carepool.cli.main", "agreements", "list", "--user"]

    completed = subprocess.run(
        [*command, b"\xff"], env=env, capture_output=True, timeout=120, check=False
    )

    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.decode() == (
        f"Error: --user: {NOT_ALLOWED} (U+DCFF, half of a character: text that is not UTF-8)\n"
    )
    assert completed.stdout == b""
