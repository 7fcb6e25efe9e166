"""Who is calling: a signed-in browser session, or a script sending HTTP Basic credentials.

Both are accepted on every endpoint. Anyone else gets 401.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.security import HttpBasicAuth
from ninja.security import SessionAuth as NinjaSessionAuth


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
    """Username and password in the ``Authorization: Basic`` header, for scripts.

    Checked by Django's authentication backends, so inactive users are refused as in the web.
    """

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        return authenticate(request, username=username, password=password)


# Basic first: a script's credentials need no CSRF token; a browser never sends them by itself
# because the API never issues a Basic challenge (see errors.unauthenticated).
AUTH = [BasicAuth(), SessionAuth()]
