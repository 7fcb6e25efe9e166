"""Passwords: long, and not made of the person's own names."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from carepool.accounts.models import User
from carepool.demo import DEMO_PASSWORD
from tests.factories import PASSWORD, World


def refusals(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


@pytest.fixture
def person(world: World) -> User:
    user = world.finance
    user.first_name, user.last_name = "Philippa", "Okonkwo-Hartley"
    user.email = "philippa.okonkwo@leeds.gov.uk"
    user.save()
    return user


@pytest.mark.parametrize(
    "password",
    ["Okonkwo-Hartley", "philippa.okonkwo@leeds.gov.uk", "Philippa-Okonkwo", "Finance-2024"],
)
def test_a_password_like_the_persons_own_names_is_refused(person: User, password: str) -> None:
    assert any("too similar" in message for message in refusals(password, person)), password


def test_a_password_needs_twelve_characters(person: User) -> None:
    assert refusals("tapir-kettle", person) == []  # 12
    assert any("at least 12 characters" in m for m in refusals("tapir-kettl", person))


def test_common_and_numeric_passwords_are_refused() -> None:
    assert any("too common" in m for m in refusals("password1234"))
    assert any("entirely numeric" in m for m in refusals("204819387465"))


def test_the_test_and_demo_passwords_pass(person: User) -> None:
    assert refusals(PASSWORD, person) == []
    # The demo sets its published password without validation, but it would pass anyway.
    assert refusals(DEMO_PASSWORD, person) == []
