"""Shared pytest fixtures. Import them into a folder's conftest.py: ``from tests.fixtures import *``."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from tests.factories import World

__all__ = ["_audit_triggers_restored", "flushable_audit", "world"]


@pytest.fixture
def world(db: None, _shared_world: World | None) -> World:
    """The world; built once per test file where that is safe (tests/conftest.py)."""
    if _shared_world is not None:
        return copy.deepcopy(_shared_world)
    return World()


# The audit trail's triggers refuse DELETE and TRUNCATE, which is what pytest-django's flush
# does after a transactional (live server) test. Lift them for that flush only and put them
# back when the module ends, so later tests still run against an append-only trail.
# The current set of triggers is the one the latest trigger migration installs.
_triggers = importlib.import_module("carepool.audit.migrations.0004_hash_chain")
# Signed plan versions refuse DELETE the same way.
_plan_triggers = importlib.import_module("carepool.plans.migrations.0002_frozen_versions")
# Ledger rows refuse UPDATE, DELETE and TRUNCATE the same way.
_ledger_triggers = importlib.import_module(
    "carepool.ledger.migrations.0002_entries_immutable_transfers"
)


@pytest.fixture(scope="module")
def _audit_triggers_restored(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        _triggers.remove_triggers(None, editor)
        _triggers.install_triggers(None, editor)
        _plan_triggers.backward(None, editor)
        _plan_triggers.forward(None, editor)
        _ledger_triggers.backward(None, editor)
        _ledger_triggers.forward(None, editor)


@pytest.fixture
def flushable_audit(_audit_triggers_restored: None, transactional_db: None) -> Iterator[None]:
    yield
    with connection.schema_editor() as editor:
        _triggers.remove_triggers(None, editor)
        _plan_triggers.backward(None, editor)
        _ledger_triggers.backward(None, editor)
