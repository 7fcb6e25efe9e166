"""CI must test on PostgreSQL as well as SQLite; these tests make a missing server loud."""

from __future__ import annotations

import os

import pytest
from django.db import connection


def test_ci_provides_postgresql() -> None:
    in_ci = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
    if in_ci and not os.environ.get("CAREPOOL_TEST_POSTGRES_URL"):
        pytest.fail(
            "PostgreSQL is required in CI: CAREPOOL_TEST_POSTGRES_URL is not set "
            "(.ci/run starts a throwaway cluster with scripts/with-postgres)"
        )


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_pass_uses_postgresql() -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert version.startswith("PostgreSQL ")
