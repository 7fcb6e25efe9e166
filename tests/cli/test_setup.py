"""``carepool setup`` on a fresh checkout: run as a real process against a new SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.reference_data import AREAS_CSV, DATA_DIR, PROJECT_DIR

# Runs the carepool command with an audit hook that writes down every file and folder the
# process opens or lists (Python's "open", "os.listdir" and "os.scandir" audit events), so a
# test can see exactly where the reference data was read from.
RECORDING_RUNNER = """
import os, sys
opened = set()
def hook(event, args):
    if event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.add(os.path.abspath(os.fsdecode(args[0])))
sys.addaudithook(hook)
import atexit
def save():
    with open(os.environ["RECORD_OPENED_TO"], "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("\\n".join(sorted(opened)))
atexit.register(save)
from carepool.cli.main import run
sys.argv = ["carepool", *sys.argv[1:]]
run()
"""


def run_setup(
    tmp_path: Path,
    var_dir: Path,
    *args: str,
    data_dir: Path | None = None,
    debug: bool = True,
) -> tuple[subprocess.CompletedProcess[str], set[Path]]:
    """Run ``carepool setup ARGS`` as a developer does (debug on) or as production does;
    ``data_dir`` None means no CAREPOOL_DATA_DIR at all."""
    removed = (
        "CAREPOOL_DATABASE_URL",
        "DATABASE_URL",
        "CAREPOOL_DATA_DIR",
        "DJANGO_SETTINGS_MODULE",
    )
    env = {k: v for k, v in os.environ.items() if k not in removed}
    record = tmp_path / "opened.txt"
    env.update(
        CAREPOOL_VAR_DIR=str(var_dir),
        RECORD_OPENED_TO=str(record),
        CAREPOOL_DEBUG="1" if debug else "0",
    )
    if data_dir is not None:
        env["CAREPOOL_DATA_DIR"] = str(data_dir)
    completed = subprocess.run(
        [sys.executable, "-c", RECORDING_RUNNER, "setup", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    opened = record.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    return completed, {Path(p) for p in opened}


def test_setup_with_the_demo_on_a_fresh_checkout_and_again(tmp_path: Path) -> None:
    var_dir = tmp_path / "checkout" / "var"  # does not exist yet, as on a fresh checkout

    first, opened = run_setup(tmp_path, var_dir, "--demo", "--json")

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
        "forum-signatory",
        "board",
        "viewer",
        "auditor",
        "assurer",
        "outsider",
    ]
    assert data["demo"]["plans_created"] == [
        "allocations 2024-25",
        "allocations 2025-26",
        "plan 2024-25",
        "plan 2025-26",
    ]
    assert data["demo"]["ledger_lines"] == 1709
    # Every data file read was the repository's own, and nothing in a ../shared folder
    # beside the project (where the data used to be) was opened or even listed.
    population = set((DATA_DIR / "population").glob("*.xls"))
    demo_files = set((PROJECT_DIR / "src" / "carepool" / "demo" / "data").rglob("*.csv"))
    assert {p for p in opened if p.suffix in (".csv", ".xls")} == {
        AREAS_CSV,
        *population,
        *demo_files,  # the demo's own plans, allocations and actuals (illustrative)
    }
    assert [p for p in opened if p.is_relative_to(PROJECT_DIR.parent / "shared")] == []

    second, _ = run_setup(tmp_path, var_dir, "--demo")

    assert second.returncode == 0, second.stderr
    assert "Demo already loaded, unchanged" in second.stdout
    assert "carepool-demo" in second.stdout  # the log-ins table


def test_setup_reads_the_data_directory_named_by_carepool_data_dir(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "geo").mkdir(parents=True)
    (elsewhere / "geo" / "utla_all_codes.csv").write_bytes(AREAS_CSV.read_bytes())

    completed, opened = run_setup(tmp_path, tmp_path / "var", "--json", data_dir=elsewhere)

    assert completed.returncode == 0, completed.stderr
    assert [r["created"] for r in json.loads(completed.stdout)["reference"]] == [153]
    assert elsewhere / "geo" / "utla_all_codes.csv" in opened
    assert not [p for p in opened if p.is_relative_to(DATA_DIR)]


def test_setup_without_reference_data(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    nowhere = tmp_path / "no-data"

    plain, _ = run_setup(tmp_path, var_dir, data_dir=nowhere)
    assert plain.returncode == 0, plain.stderr
    assert "Reference data not loaded" in plain.stderr

    demo, _ = run_setup(tmp_path, var_dir, "--demo", "--json", data_dir=nowhere)
    assert demo.returncode == 1
    error = json.loads(demo.stdout)["errors"][0]
    assert "CAREPOOL_DATA_DIR" in error["message"]


def test_the_demo_is_refused_when_debug_is_off(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"

    refused, _ = run_setup(tmp_path, var_dir, "--demo", debug=False)
    assert refused.returncode == 1
    assert "development machines only" in refused.stderr
    assert "CAREPOOL_DEBUG=1" in refused.stderr
    assert not (var_dir / "carepool.sqlite3").exists()  # refused before anything changed

    as_json, _ = run_setup(tmp_path, var_dir, "--demo", "--json", debug=False)
    assert as_json.returncode == 1
    assert "CAREPOOL_DEBUG=1" in json.loads(as_json.stdout)["errors"][0]["message"]

    plain, _ = run_setup(tmp_path, var_dir, data_dir=tmp_path / "no-data", debug=False)
    assert plain.returncode == 0, plain.stderr  # setup itself is for production too
