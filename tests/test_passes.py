"""Which tests run in which pass, and where the world is shared (ADR 0015)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import (
    PROJECT_DIR,
    SQLITE_PASS_ONLY_PATHS,
    modules_that_can_share_a_world,
    runs_in_the_sqlite_pass_only,
)


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


def shared_item(path: str, *fixtures: str, **django_db: bool) -> Any:
    return SimpleNamespace(
        path=Path(path),
        fixturenames=fixtures,
        get_closest_marker=lambda name: (
            SimpleNamespace(kwargs=django_db) if name == "django_db" and django_db else None
        ),
    )


def test_only_files_where_every_test_asks_for_the_world_and_none_commits_share_it() -> None:
    items = [
        shared_item("shared.py", "world", "db"),
        shared_item("shared.py", "world", "db", "client"),
        shared_item("one_without.py", "world", "db"),
        shared_item("one_without.py", "db"),
        shared_item("live.py", "world", "transactional_db", "live_server"),
        shared_item("marked.py", "world", "db", transaction=True),
        shared_item("reset.py", "world", "db", reset_sequences=True),
        shared_item("plain.py", "world", "db", transaction=False),
    ]
    assert modules_that_can_share_a_world(items) == {Path("shared.py"), Path("plain.py")}
