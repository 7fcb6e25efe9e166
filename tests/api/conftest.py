"""Fixtures for the HTTP API tests: clients signed in each way the API accepts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from carepool.accounts.models import User
from carepool.accounts.tokens import create_token
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from tests.api.helpers import ApiClient, basic_header
from tests.fixtures import world  # noqa: F401


@pytest.fixture
def api(client: Client) -> ApiClient:
    """Nobody signed in."""
    return ApiClient(client)


@pytest.fixture
def api_as(client: Client) -> Callable[[User], ApiClient]:
    """``api_as(user)``: signed in with a session, as the web does (CSRF not enforced)."""

    def sign_in(user: User) -> ApiClient:
        client.logout()
        client.force_login(user)
        return ApiClient(client)

    return sign_in


@pytest.fixture
def basic_as(client: Client) -> Callable[[User], ApiClient]:
    """``basic_as(user)``: a script sending HTTP Basic credentials, no session."""

    def with_password(user: User) -> ApiClient:
        client.logout()
        api = ApiClient(client)
        api.headers["Authorization"] = basic_header(user.username)
        return api

    return with_password


@pytest.fixture
def token_as(client: Client) -> Callable[[User], ApiClient]:
    """``token_as(user)``: a script sending a new personal API token of the user, no session."""

    def with_token(user: User) -> ApiClient:
        client.logout()
        issued = create_token(Actor(user, Interface.WEB), {"name": f"tests {user.username}"})
        api = ApiClient(client)
        api.headers["Authorization"] = f"Bearer {issued.secret}"
        return api

    return with_token
