"""What signing in costs per API request: a token, HTTP Basic, or a session (the baseline).

Run: .venv/bin/python bench/bench_api_auth.py

Production settings (debug off, the real PBKDF2 password hasher, the log-in throttle) on a
throwaway SQLite database; each case is ``GET /api/v1/me`` through Django's test client, best
of ten runs taken in turns. Prints a table to copy into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

VAR_DIR = Path(tempfile.mkdtemp(prefix="carepool-bench-"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="carepool.site.settings",
    CAREPOOL_DEBUG="0",
    CAREPOOL_SECRET_KEY=secrets.token_urlsafe(50),
    CAREPOOL_SSL_REDIRECT="0",  # the test client speaks plain HTTP
    CAREPOOL_VAR_DIR=str(VAR_DIR),
)
os.environ.pop("CAREPOOL_DATABASE_URL", None)
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from carepool.accounts.models import RoleGrant, User  # noqa: E402
from carepool.accounts.tokens import create_token  # noqa: E402
from carepool.audit.models import Interface  # noqa: E402
from carepool.audit.services import Actor  # noqa: E402
from carepool.organisations import services as organisation_services  # noqa: E402

PASSWORD = "bench-password-not-secret"
URL = "/api/v1/me"


def world() -> tuple[User, str]:
    call_command("migrate", verbosity=0)
    council = organisation_services.create_organisation(
        Actor.system(),
        {
            "code": "E08000035",
            "name": "Leeds City Council",
            "org_type": "council",
            "code_system": "gss",
        },
    )
    user = User.objects.create_user(username="finance", password=PASSWORD, organisation=council)
    RoleGrant.objects.create(user=user, role="finance_officer")
    token = create_token(Actor(user, Interface.WEB), {"name": "bench"}).secret
    return user, token


def request(client: Client, **headers: str) -> Callable[[], None]:
    def call() -> None:
        response = client.get(URL, headers=headers)
        assert response.status_code == 200, response.content

    return call


def timed(cases: list[tuple[str, Callable[[], None], int]], repeat: int = 10) -> list[float]:
    """Best time per call of each case. The cases take turns, so that whatever else the
    machine is doing slows them alike."""
    for _, fn, _ in cases:
        fn()  # warm up (the first use of a token also records when it was used)
    best = [float("inf")] * len(cases)
    for _ in range(repeat):
        for i, (_, fn, number) in enumerate(cases):
            best[i] = min(best[i], timeit.timeit(fn, number=number) / number)
    return best


def main() -> None:
    user, token = world()
    session = Client()
    session.force_login(user)
    basic = "Basic " + base64.b64encode(f"finance:{PASSWORD}".encode()).decode()
    hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1]

    cases = [
        ("session cookie (baseline)", request(session), 100),
        (
            "personal API token, `Authorization: Bearer`",
            request(Client(), Authorization=f"Bearer {token}"),
            100,
        ),
        (f"HTTP Basic ({hasher})", request(Client(), Authorization=basic), 2),
    ]
    times = timed(cases)
    baseline = times[0]
    print(f"Python {sys.version.split()[0]}, Django {django.get_version()}, SQLite\n")
    print("| `GET /api/v1/me` signed in with | per request | vs session |\n|---|---|---|")
    for (name, _, _), seconds in zip(cases, times, strict=True):
        print(f"| {name} | {seconds * 1000:.2f} ms | {seconds / baseline:.2f}x |")


if __name__ == "__main__":
    main()
