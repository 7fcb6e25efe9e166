"""Fixtures for the web interface tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.factories import World
from tests.fixtures import _audit_triggers_restored, flushable_audit, world  # noqa: F401


@pytest.fixture
def login(client: Client, world: World) -> Callable[[str], Client]:  # noqa: F811
    """``login("finance")`` signs the test client in as that user of the world."""

    def sign_in(name: str) -> Client:
        client.force_login(getattr(world, name))
        return client

    return sign_in
