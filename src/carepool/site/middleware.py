"""A write that still cannot get the database after waiting its turn is a 503, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from carepool.concurrency import BUSY_MESSAGE, is_busy

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "2"


class DatabaseBusyMiddleware:
    """Answers "busy, try again" (503 with Retry-After) when the database was locked.

    Runs after the request's transaction has been rolled back (``ATOMIC_REQUESTS``), so
    nothing of the refused request is saved. API paths get the API's JSON error shape.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError) or not is_busy(exception):
            return None
        log.warning("Database busy on %s %s: %s", request.method, request.path, exception)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": BUSY_MESSAGE, "errors": [{"field": "", "message": BUSY_MESSAGE}]},
                status=503,
            )
        else:
            response = render(
                request, "web/errors/503.jinja", {"message": BUSY_MESSAGE}, status=503
            )
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
