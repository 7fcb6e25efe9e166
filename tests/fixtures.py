"""Shared pytest fixtures. Import them into a folder's conftest.py: ``from tests.fixtures import *``."""

from __future__ import annotations

import pytest

from tests.factories import World

__all__ = ["world"]


@pytest.fixture
def world(db: None) -> World:
    return World()
