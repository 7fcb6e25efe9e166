"""The core is pure, so its tests run without a database: collecting a core test that asks
for one (the ``db`` fixtures, a ``django_db`` mark, a live server, the ``world``) stops the
run before any database is made, naming the test. Database tests live beside the apps."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

CORE_TESTS = Path(__file__).parent
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "world",
    }
)


def asking_for_a_database(items: Iterable[Any]) -> list[str]:
    """The node ids of core tests that ask for a database."""
    return [
        item.nodeid
        for item in items
        if CORE_TESTS in Path(item.path).parents
        and (
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
            or item.get_closest_marker("django_db")
        )
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    offenders = asking_for_a_database(items)
    if offenders:
        raise pytest.UsageError(
            "Core tests run without a database, but these ask for one: "
            + ", ".join(offenders)
            + ". Test the core without it, or move the test beside the app it needs."
        )
