"""Input that is not text, and bodies that are not JSON: refused with the usual shapes.

A lone UTF-16 surrogate ("\\ud800" in JSON) once reached the database and gave a 500; a body
that could not be parsed gave ninja's own 400 without the ``errors`` list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.api.helpers import API, ApiClient, state
from tests.factories import World, agreement_data

SignIn = Callable[..., ApiClient]
HALF = "\ud800"  # half of a UTF-16 pair: JSON can carry it as an escape, nothing can store it


def _variation(reason: str) -> dict[str, Any]:
    return {"effective_date": "2024-06-01", "change": "100.00", "reason": reason}


def _organisation(name: str) -> dict[str, Any]:
    return {"code": "LEEDS-CARERS", "code_system": "local", "org_type": "voluntary", "name": name}


# (method, path given the world, body, the field the refusal must name)
NOT_TEXT = [
    ("post", lambda w: "/agreements", agreement_data(title=f"Leeds {HALF}"), "title"),
    ("patch", lambda w: f"/agreements/{w.agreement.pk}", {"title": HALF}, "title"),
    ("patch", lambda w: f"/agreements/{w.agreement.pk}", {"aims": f"Keep well {HALF}"}, "aims"),
    ("patch", lambda w: f"/agreements/{w.agreement.pk}", {"aims": "a\x00b"}, "aims"),
    ("patch", lambda w: f"/agreements/{w.agreement.pk}", {"outcomes": ["ok", HALF]}, "outcomes[2]"),
    ("patch", lambda w: f"/agreements/{w.agreement.pk}", {"area": HALF}, "area"),
    ("patch", lambda w: f"/agreements/{w.agreement.pk}", {"partners": [HALF]}, "partners[1]"),
    (
        "patch",
        lambda w: f"/agreements/{w.agreement.pk}",
        {"risk_share": [{"kind": "proportional", "description": HALF}]},
        "risk_share[1].description",
    ),
    ("post", lambda w: f"/contributions/{w.ibcf.pk}/variations", _variation(HALF), "reason"),
    ("post", lambda w: "/organisations", _organisation(HALF), "name"),
    ("patch", lambda w: "/organisations/E08000035", {"name": f"Leeds {HALF}"}, "name"),
    ("post", lambda w: "/organisations", {**_organisation("Carers"), "code": HALF}, "code"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    NOT_TEXT,
    ids=[f"{m}-{f}-{i}" for i, (m, _, _, f) in enumerate(NOT_TEXT)],
)
def test_text_that_cannot_be_stored_is_refused_naming_the_field(
    api_as: SignIn, world: World, method: str, path: Any, body: dict[str, Any], field: str
) -> None:
    api = api_as(world.finance)
    before = state(world)

    response = getattr(api, method)(path(world), body)

    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors], errors
    message = next(e["message"] for e in errors if e["field"] == field)
    assert message.startswith("contains a character that is not allowed")
    assert state(world) == before


def test_surrogates_sent_as_raw_bytes_are_refused_too(api_as: SignIn, world: World) -> None:
    # UTF-8 bytes of a surrogate (ED A0 80): Python's JSON reader lets them through.
    api = api_as(world.finance)
    body = b'{"aims": "Keep well \xed\xa0\x80"}'

    response = api.client.patch(
        f"{API}/agreements/{world.agreement.pk}", body, content_type="application/json"
    )

    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["aims"]


def test_a_field_name_that_is_not_text_is_refused_readably(api_as: SignIn, world: World) -> None:
    api = api_as(world.finance)

    response = api.patch(f"/agreements/{world.agreement.pk}", {HALF: "x"})

    assert response.status_code == 422, response.content
    response.content.decode("utf-8")  # plain UTF-8 JSON: the surrogate is not sent back
    [error] = response.json()["errors"]
    assert error["field"] == "body"
    assert error["message"].startswith("contains a character that is not allowed")


# (content type, body, the message about the body)
UNREADABLE = [
    (
        "application/x-www-form-urlencoded",
        b"aims=x",
        "send the body as JSON with 'Content-Type: application/json'",
    ),
    ("text/plain", b'{"aims": "x"}', "send the body as JSON with 'Content-Type: application/json'"),
    (
        "application/json",
        b"{",
        "is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2",
    ),
    ("application/json", b"aims=x", "is not valid JSON: Expecting value at line 1, column 1"),
    ("application/json", b'{"aims": "caf\xe9"}', "is not UTF-8 text"),
    ("application/json", b"[" * 100_000 + b"]" * 100_000, "is nested too deeply to read"),
]


@pytest.mark.parametrize(("content_type", "body", "message"), UNREADABLE)
def test_a_body_that_cannot_be_read_gets_400_with_the_usual_error_shape(
    api_as: SignIn, world: World, content_type: str, body: bytes, message: str
) -> None:
    api = api_as(world.finance)
    before = state(world)

    response = api.client.patch(
        f"{API}/agreements/{world.agreement.pk}", body, content_type=content_type
    )

    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": f"body: {message}",
        "errors": [{"field": "body", "message": message}],
    }
    assert state(world) == before


def test_other_http_errors_keep_their_status_and_detail(api: ApiClient, world: World) -> None:
    response = api.patch(f"/agreements/{world.agreement.pk}", {"aims": "x"})

    assert response.status_code == 401
    assert set(json.loads(response.content)) == {"detail"}
