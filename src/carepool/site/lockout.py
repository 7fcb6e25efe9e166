"""Answers for someone locked out after too many failed log-ins (django-axes).

The web gets a page saying when to try again; the API gets its usual JSON error shape. Both
answer 429 with a ``Retry-After`` header.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def message() -> str:
    minutes = cooloff_minutes()
    return (
        "Too many failed attempts to sign in with this username from your address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message()}, status=settings.AXES_HTTP_RESPONSE_CODE
        )
    else:
        response = render(
            request,
            "web/locked_out.jinja",
            {"minutes": cooloff_minutes()},
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: behind CAREPOOL_PROXY_COUNT proxies, the one the first proxy saw.

    Each proxy appends the address it was called from to X-Forwarded-For, so the entry that
    many places from the right was written by our own first proxy; anything to its left came
    from the client and cannot be trusted.
    """
    proxies = settings.CAREPOOL_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
