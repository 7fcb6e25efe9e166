"""Who may call the API: a token, a session or HTTP Basic; everyone else gets 401.

Tokens themselves are tested in test_tokens.py.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from carepool.audit.models import AuditEvent
from tests.api.helpers import API, basic_header
from tests.factories import World

ENDPOINTS = [
    ("get", "/me"),
    ("get", "/organisations"),
    ("get", "/organisations/E08000035"),
    ("post", "/organisations"),
    ("patch", "/organisations/E08000035"),
    ("delete", "/organisations/E08000035"),
    ("get", "/organisations/E08000035/history"),
    ("get", "/areas"),
    ("get", "/areas/E08000035"),
    ("get", "/areas/E08000035/population?year=2024-25&min_age=65"),
    ("get", "/funding-streams?year=2024-25"),
    ("get", "/agreements"),
    ("post", "/agreements"),
    ("get", "/agreements/{agreement}"),
    ("patch", "/agreements/{agreement}"),
    ("delete", "/agreements/{agreement}"),
    ("get", "/agreements/{agreement}/completeness"),
    ("get", "/agreements/{agreement}/history"),
    ("get", "/agreements/{agreement}/contributions"),
    ("post", "/agreements/{agreement}/contributions"),
    ("post", "/agreements/{agreement}/approvals"),
    ("get", "/contributions/{contribution}"),
    ("patch", "/contributions/{contribution}"),
    ("delete", "/contributions/{contribution}"),
    ("post", "/contributions/{contribution}/variations"),
]


def _call(client: Client, method: str, path: str, world: World, **headers: str):
    url = API + path.format(agreement=world.agreement.pk, contribution=world.nhs_min.pk)
    if method in ("post", "patch"):
        return getattr(client, method)(url, "{}", content_type="application/json", headers=headers)
    return getattr(client, method)(url, headers=headers)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_refuses_anonymous_callers(
    client: Client, world: World, method: str, path: str
) -> None:
    events = AuditEvent.objects.count()
    response = _call(client, method, path, world)
    assert response.status_code == 401
    assert "Sign in" in response.json()["detail"]
    # A Bearer challenge, which browsers ignore; never Basic, which makes them prompt.
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="carepool"'
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_wrong_password_is_401(client: Client, world: World, method: str, path: str) -> None:
    response = _call(client, method, path, world, Authorization=basic_header("finance", "wrong"))
    assert response.status_code == 401
    assert "Basic" not in response.headers["WWW-Authenticate"]


def test_basic_auth_reads_as_the_user(client: Client, world: World) -> None:
    response = client.get(f"{API}/me", headers={"Authorization": basic_header("finance")})
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "finance"
    assert body["organisation"]["code"] == "E08000035"
    assert body["roles"] == ["finance_officer"]


def test_basic_auth_writes_without_a_csrf_token(world: World) -> None:
    script = Client(enforce_csrf_checks=True)
    response = script.patch(
        f"{API}/agreements/{world.agreement.pk}",
        json.dumps({"aims": "Keep people at home"}),
        content_type="application/json",
        headers={"Authorization": basic_header("finance")},
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.interface, event.actor_name, event.changes["aims"][1]) == (
        "api",
        "Finance",
        "Keep people at home",
    )


def test_an_inactive_user_cannot_use_basic_auth(client: Client, world: World) -> None:
    world.finance.is_active = False
    world.finance.save()
    response = client.get(f"{API}/me", headers={"Authorization": basic_header("finance")})
    assert response.status_code == 401


def test_a_session_write_needs_the_csrf_token(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.finance)
    url = f"{API}/agreements/{world.agreement.pk}"
    body = json.dumps({"aims": "Keep people at home"})

    refused = browser.patch(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(interface="api").count() == 0

    token = browser.get(f"{API}/docs").cookies["csrftoken"].value
    accepted = browser.patch(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200, accepted.content


def test_a_session_read_needs_no_csrf_token(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.viewer)
    assert browser.get(f"{API}/agreements").status_code == 200


def test_a_body_that_is_not_json_is_refused(api_as, world: World) -> None:
    api = api_as(world.finance)
    response = api.client.patch(
        f"{API}/agreements/{world.agreement.pk}",
        "aims=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    broken = api.client.patch(
        f"{API}/agreements/{world.agreement.pk}", "{", content_type="application/json"
    )
    assert broken.status_code == 400
