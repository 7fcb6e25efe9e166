"""Versions over HTTP: ``ETag`` on what the API returns, ``If-Match`` on writes (ADR 0011).

The entity tag is the record's version number in quotes (``"3"``). A write that sends
``If-Match`` is refused with 409 when the record has changed since; ``*`` or no header
means "whatever the version", and the write still never loses another's change, because
only the fields sent are written, under a lock.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from carepool.core import parse

HEADER = "If-Match"


def if_match(request: HttpRequest) -> int | None:
    """The version the client last read, from ``If-Match``; None when absent or ``*``."""
    value = request.headers.get(HEADER, "").strip()
    if value in ("", "*"):
        return None
    return parse.version(value, HEADER)


def tag(response: HttpResponse, version: int) -> None:
    response["ETag"] = f'"{version}"'
