"""Who is asking, as the services want to be told."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from carepool.accounts.models import User
from carepool.audit.models import Interface
from carepool.audit.services import Actor


def user_of(request: HttpRequest) -> User:
    # Set by carepool.api.auth on every endpoint; a request without it never gets here.
    return cast(User, request.auth)  # type: ignore[attr-defined]


def actor_of(request: HttpRequest) -> Actor:
    return Actor(user_of(request), Interface.API)
