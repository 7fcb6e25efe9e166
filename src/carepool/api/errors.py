"""Turning refusals into HTTP responses. Every 422 names the fields, like the web and the CLI.

- ``ValidationFailed`` (a service refused the input) and ninja's own request validation
  errors: 422 ``{"detail": "...", "errors": [{"field": ..., "message": ...}]}``
- a body that cannot be read (not declared as JSON, not UTF-8, not valid JSON): 400 with the
  same shape, the error naming the field ``body``
- ``NotFound``: 404 ``{"detail": "Not found"}``, nothing more, so nothing leaks
- ``Forbidden``: 403 ``{"detail": <why>}``
- no credentials, or credentials refused: 401 with a ``WWW-Authenticate: Bearer`` challenge
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from carepool.accounts.permissions import Forbidden, NotFound
from carepool.core.errors import Conflict, FieldError, ValidationFailed

NOT_FOUND = "Not found"
UNAUTHENTICATED = (
    "Sign in to Carepool, or send a personal API token as 'Authorization: Bearer <token>' "
    "(make one on the API tokens page of the web app)"
)
TOKEN_REFUSED = (
    "The API token was not accepted: it is mistyped, expired or revoked, or its owner can no "
    "longer sign in. Make a new one on the API tokens page of the web app"
)

# Where ninja read a value from; the first part of an error's location.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})

# The same words the services use for the same mistakes (carepool.core.parse).
_PYDANTIC_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field you can send here",
    "string_type": "must be text",
    # A field name holding half a character (a lone surrogate), which pydantic cannot read.
    "string_unicode": "contains a character that is not allowed (text that is not UTF-8)",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "model_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
}


def field_name(loc: Sequence[Any]) -> str:
    """``("body", "payload", "outcomes", 0)`` -> ``"outcomes[1]"``; ``("query", "year")`` -> ``"year"``.

    List positions count from 1, as the services count them.
    """
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts:
            parts.pop(0)  # the handler's parameter name, not something the client wrote
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part + 1}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def request_errors(errors: Iterable[dict[str, Any]]) -> list[FieldError]:
    out: list[FieldError] = []
    for error in errors:
        message = _PYDANTIC_MESSAGES.get(error.get("type", ""), error.get("msg", "is not valid"))
        found = FieldError(field_name(error.get("loc", ())), message)
        if found not in out:
            out.append(found)
    return out


def _invalid(
    api: NinjaAPI, request: HttpRequest, errors: Sequence[FieldError], status: int = 422
) -> HttpResponse:
    body = {
        "detail": "; ".join(str(e) for e in errors),
        "errors": [{"field": e.field, "message": e.message} for e in errors],
    }
    return api.create_response(request, body, status=status)


def unreadable_body(problem: BaseException) -> FieldError:
    """Why the request body could not be read (``carepool.api.parsing.JsonParser`` raised)."""
    if isinstance(problem, UnicodeDecodeError):
        return FieldError("body", "is not UTF-8 text")
    if isinstance(problem, json.JSONDecodeError):
        return FieldError(
            "body",
            f"is not valid JSON: {problem.msg} at line {problem.lineno}, column {problem.colno}",
        )
    if isinstance(problem, RecursionError):
        return FieldError("body", "is nested too deeply to read")
    if isinstance(problem, ValueError):
        return FieldError("body", str(problem))
    return FieldError("body", "could not be read as JSON")


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationFailed)
    def validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
        return _invalid(api, request, exc.errors)

    @api.exception_handler(RequestInvalid)
    def request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
        return _invalid(api, request, request_errors(exc.errors))

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        body = {
            "detail": str(exc),
            "errors": [{"field": "version", "message": str(exc)}],
            "current_version": exc.current_version,
        }
        response = api.create_response(request, body, status=409)
        response["ETag"] = f'"{exc.current_version}"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja turns any failure of the body parser into HttpError(400) raised from it.
        if exc.status_code == 400 and exc.__cause__ is not None:
            return _invalid(api, request, [unreadable_body(exc.__cause__)], status=400)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    @api.exception_handler(Forbidden)
    def forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        # A Bearer challenge (RFC 6750), never a Basic one: "WWW-Authenticate: Basic" would make
        # browsers prompt for and then replay the password on every request, including forged
        # cross-site ones. Browsers ignore Bearer challenges.
        sent_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
        response = api.create_response(
            request, {"detail": TOKEN_REFUSED if sent_token else UNAUTHENTICATED}, status=401
        )
        challenge = 'Bearer realm="carepool"'
        if sent_token:
            challenge += ', error="invalid_token"'
        response["WWW-Authenticate"] = challenge
        return response
