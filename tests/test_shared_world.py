"""The world built once per test file (tests/conftest.py): shared only where safe, and each
test starts from it unchanged, whatever the test before it wrote."""

from __future__ import annotations

import pytest

from carepool.agreements.models import Agreement
from tests.factories import World
from tests.fixtures import world  # noqa: F401

TITLE = "Leeds Better Care Fund pooled budget"


# Every test in this file asks for the world, so the file shares one. Whichever of the next
# two tests runs second finds the world as built, in the database and in Python.


def _starts_unchanged_then_changes(
    world: World,  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    shared = request.getfixturevalue("_shared_world")
    assert shared is not None and world is not shared
    assert world.agreement.title == TITLE
    assert Agreement.objects.get(pk=world.agreement.pk).title == TITLE
    world.agreement.title = "Changed in Python"
    Agreement.objects.filter(pk=world.agreement.pk).update(title="Changed in the database")


def test_a_write_is_undone_before_the_next_test(
    world: World,  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    _starts_unchanged_then_changes(world, request)


def test_and_so_is_this_one(
    world: World,  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    _starts_unchanged_then_changes(world, request)


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_its_own_copy(
    world: World,  # noqa: F811
    request: pytest.FixtureRequest,
    run: int,
) -> None:
    _starts_unchanged_then_changes(world, request)
