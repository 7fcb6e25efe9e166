"""Who is calling: a script with a personal API token, a signed-in browser session, or a
script sending a username and password by HTTP Basic authentication.

All three are accepted on every endpoint and resolve to the same user, so scoping and roles
apply identically (docs/adr/0009-api-tokens.md). Anyone else gets 401 (carepool.api.errors).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.security import HttpBasicAuth, HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from carepool.accounts.tokens import user_for_token


class BearerAuth(HttpBearer):
    """A personal API token in ``Authorization: Bearer cp_...``: the way scripts should sign in.

    Made and revoked by its owner (web page "API tokens", or ``carepool tokens``). Checking it
    costs one indexed look-up of its SHA-256 hash, not a password hash. Needs no CSRF token: a
    browser never sends it by itself.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_token(token.strip())


class SessionAuth(NinjaSessionAuth):
    """Django's session, with the CSRF token enforced on writes (ninja's ``django_auth``).

    Ninja checks the CSRF token before it looks at the session, which would answer an
    anonymous write with 403 instead of 401; here the session is looked at first.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class BasicAuth(HttpBasicAuth):
    """Username and password in the ``Authorization: Basic`` header, kept for old scripts.

    Checked by Django's authentication backends, so inactive users are refused as in the web,
    and failures count towards the same lock-out as the web's log-in form (django-axes). Each
    request pays for a password hash (~300 ms), so scripts should use a token instead.
    """

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        return authenticate(request, username=username, password=password)


# Tokens and Basic first: a script's credentials need no CSRF token. A browser never sends
# either by itself, because the API never asks it for Basic credentials (errors.unauthenticated).
AUTH = [BearerAuth(), BasicAuth(), SessionAuth()]
