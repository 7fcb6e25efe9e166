"""tests/core/conftest.py refuses core tests that ask for a database."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tests.core.conftest import CORE_TESTS, asking_for_a_database


def item(name: str, path: Path, fixtures: tuple[str, ...] = (), marked: bool = False) -> Any:
    return SimpleNamespace(
        nodeid=name,
        path=path,
        fixturenames=fixtures,
        get_closest_marker=lambda name: object() if marked and name == "django_db" else None,
    )


def test_core_tests_asking_for_a_database_are_named() -> None:
    core = CORE_TESTS / "test_x.py"
    elsewhere = CORE_TESTS.parent / "services" / "test_x.py"
    items = [
        item("pure", core, ("request",)),
        item("db fixture", core, ("db",)),
        item("marked", core, (), marked=True),
        item("world", core, ("world",)),
        item("service test", elsewhere, ("db",)),
    ]
    assert asking_for_a_database(items) == ["db fixture", "marked", "world"]
