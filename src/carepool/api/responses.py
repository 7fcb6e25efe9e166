"""What each endpoint may answer besides success, for the OpenAPI description."""

from __future__ import annotations

from typing import Any

from carepool.api.schemas import BusyOut, ConflictOut, ErrorOut, ValidationErrorOut

_SCHEMAS: dict[int, type] = {
    400: ValidationErrorOut,  # the body could not be read; the error names `body`
    401: ErrorOut,  # no valid session or Basic credentials
    403: ErrorOut,  # signed in, but not allowed to do this (or a missing CSRF token)
    404: ErrorOut,  # no such thing, or not one you may see
    409: ConflictOut,  # If-Match named an older version than the record has now
    422: ValidationErrorOut,  # the input was refused; each error names its field
    503: BusyOut,  # the database was busy with other writes for too long; try again
}

READ = (401, 404, 422)
WRITE = (400, 401, 403, 404, 409, 422, 503)
CREATE = (400, 401, 403, 422, 503)


def responses(ok: dict[int, Any], errors: tuple[int, ...] = READ) -> dict[int, Any]:
    return {**ok, **{code: _SCHEMAS[code] for code in errors}}
