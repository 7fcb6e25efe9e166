"""Which tests run in which pass (docs/adr/0015-what-runs-in-which-pass.md)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import PROJECT_DIR, SQLITE_PASS_ONLY_PATHS, runs_in_the_sqlite_pass_only


def item(path: str, *markers: str) -> Any:
    return SimpleNamespace(
        path=PROJECT_DIR / path,
        get_closest_marker=lambda name: object() if name in markers else None,
    )


@pytest.mark.parametrize(
    "path",
    [
        "tests/core/test_money.py",
        "tests/core/test_audit_chain.py",
        "tests/test_production.py",
        "tests/cli/test_setup.py",
    ],
)
def test_database_independent_files_run_in_the_sqlite_pass_only(path: str) -> None:
    assert runs_in_the_sqlite_pass_only(item(path))


def test_browser_journeys_run_in_the_sqlite_pass_only() -> None:
    assert runs_in_the_sqlite_pass_only(item("tests/web/test_risk_share.py", "browser"))
    assert not runs_in_the_sqlite_pass_only(item("tests/web/test_risk_share.py"))


@pytest.mark.parametrize(
    "path",
    [
        "tests/audit/test_append_only.py",
        "tests/audit/test_concurrency.py",
        "tests/audit/test_migration.py",
        "tests/audit/test_chain.py",
        "tests/interfaces/test_concurrent_writes.py",
        "tests/services/test_text_input.py",
        "tests/cli/test_commands.py",
        "tests/demo/test_demo.py",
        "tests/test_ci_databases.py",
    ],
)
def test_database_tests_run_in_both_passes(path: str) -> None:
    assert not runs_in_the_sqlite_pass_only(item(path))
    assert not runs_in_the_sqlite_pass_only(item(path, "postgres"))


@pytest.mark.parametrize("path", SQLITE_PASS_ONLY_PATHS)
def test_every_path_run_once_exists(path: str) -> None:
    # A renamed file would otherwise quietly run twice again.
    assert (PROJECT_DIR / path).exists(), path
