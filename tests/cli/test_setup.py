"""``carepool setup`` on a fresh checkout: run as a real process against a new SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.io.shared_data import AREAS_CSV, POPULATION_2019, POPULATION_2020, SHARED_DATA, require

CAREPOOL_SCRIPT = Path(sys.executable).with_name("carepool")


def run_setup(
    var_dir: Path, data_dir: Path, *args: str, debug: bool = True
) -> subprocess.CompletedProcess[str]:
    """``carepool setup ARGS`` as a developer runs it (debug on), or as production does."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CAREPOOL_DATABASE_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        CAREPOOL_VAR_DIR=str(var_dir),
        CAREPOOL_SHARED_DATA=str(data_dir),
        CAREPOOL_DEBUG="1" if debug else "0",
    )
    command = (
        [str(CAREPOOL_SCRIPT)]
        if CAREPOOL_SCRIPT.exists()
        else [sys.executable, "-m", "carepool.cli.main"]
    )
    return subprocess.run(
        [*command, "setup", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_setup_with_the_demo_on_a_fresh_checkout_and_again(tmp_path: Path) -> None:
    require(AREAS_CSV, POPULATION_2019, POPULATION_2020)
    var_dir = tmp_path / "checkout" / "var"  # does not exist yet, as on a fresh checkout

    first = run_setup(var_dir, SHARED_DATA, "--demo", "--json")

    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert (var_dir / "carepool.sqlite3").is_file()
    assert [r["created"] for r in data["reference"]] == [153, 426 * 91, 420 * 91]
    assert data["demo"]["agreements_created"] == [
        "Leeds Better Care Fund pooled budget 2024 to 2027",
        "Kent Better Care Fund pooled budget 2024-25",
    ]
    assert [login["username"] for login in data["demo"]["logins"]] == [
        "finance",
        "signatory",
        "icb-signatory",
        "viewer",
        "auditor",
        "assurer",
        "outsider",
    ]

    second = run_setup(var_dir, SHARED_DATA, "--demo")

    assert second.returncode == 0, second.stderr
    assert "Demo already loaded, unchanged" in second.stdout
    assert "carepool-demo" in second.stdout  # the log-ins table


def test_setup_without_reference_data(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    nowhere = tmp_path / "no-data"

    plain = run_setup(var_dir, nowhere)
    assert plain.returncode == 0, plain.stderr
    assert "Reference data not loaded" in plain.stderr

    demo = run_setup(var_dir, nowhere, "--demo", "--json")
    assert demo.returncode == 1
    error = json.loads(demo.stdout)["errors"][0]
    assert "CAREPOOL_SHARED_DATA" in error["message"]


def test_the_demo_is_refused_when_debug_is_off(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"

    refused = run_setup(var_dir, SHARED_DATA, "--demo", debug=False)
    assert refused.returncode == 1
    assert "development machines only" in refused.stderr
    assert "CAREPOOL_DEBUG=1" in refused.stderr
    assert not (var_dir / "carepool.sqlite3").exists()  # refused before anything changed

    as_json = run_setup(var_dir, SHARED_DATA, "--demo", "--json", debug=False)
    assert as_json.returncode == 1
    assert "CAREPOOL_DEBUG=1" in json.loads(as_json.stdout)["errors"][0]["message"]

    plain = run_setup(var_dir, tmp_path / "no-data", debug=False)
    assert plain.returncode == 0, plain.stderr  # setup itself is for production too
