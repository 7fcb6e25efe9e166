"""Scripts sign in with a personal API token: ``Authorization: Bearer cp_...``."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from carepool.accounts.models import ApiToken
from carepool.accounts.tokens import create_token, revoke_token
from carepool.api.errors import TOKEN_REFUSED
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from tests.api.helpers import API
from tests.factories import World

INVALID_TOKEN = 'Bearer realm="carepool", error="invalid_token"'


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_reads_as_its_owner(token_as, world: World) -> None:
    response = token_as(world.finance).get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == "finance"
    assert response.json()["roles"] == ["finance_officer"]


def test_a_token_writes_without_a_csrf_token(world: World) -> None:
    issued = create_token(Actor(world.finance, Interface.WEB), {"name": "returns"})
    script = Client(enforce_csrf_checks=True)
    response = script.patch(
        f"{API}/agreements/{world.agreement.pk}",
        json.dumps({"aims": "Keep people at home"}),
        content_type="application/json",
        headers=bearer(issued.secret),
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.interface, event.actor_name, event.changes["aims"][1]) == (
        "api",
        "Finance",
        "Keep people at home",
    )


def test_a_token_sees_only_what_its_owner_may(token_as, world: World) -> None:
    outsider = token_as(world.outsider)
    assert outsider.get(f"/agreements/{world.agreement.pk}").status_code == 404
    assert outsider.patch(f"/agreements/{world.agreement.pk}", {"aims": "x"}).status_code == 404
    listed = [a["id"] for a in outsider.get("/agreements").json()["items"]]
    assert listed == [world.kent_agreement.pk]
    # and a viewer's token may read but not change
    viewer = token_as(world.viewer)
    assert viewer.get(f"/agreements/{world.agreement.pk}").status_code == 200
    assert viewer.patch(f"/agreements/{world.agreement.pk}", {"aims": "x"}).status_code == 403


def _refused(client: Client, token: str) -> None:
    response = client.get(f"{API}/me", headers=bearer(token))
    assert response.status_code == 401, token
    assert response.headers["WWW-Authenticate"] == INVALID_TOKEN
    assert response.json() == {"detail": TOKEN_REFUSED}


def test_revoked_expired_unknown_and_malformed_tokens_are_refused(
    client: Client, world: World
) -> None:
    actor = Actor(world.finance, Interface.WEB)
    revoked = create_token(actor, {"name": "revoked"})
    revoke_token(actor, revoked.token.pk)
    expired = create_token(actor, {"name": "expired"})
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now())
    good = create_token(actor, {"name": "good"}).secret

    for token in (revoked.secret, expired.secret, "cp_0123abcd_" + "A" * 43, good[:-2], "x"):
        _refused(client, token)
    assert client.get(f"{API}/me", headers=bearer(good)).status_code == 200


def test_the_token_of_an_inactive_user_is_refused(client: Client, world: World) -> None:
    issued = create_token(Actor(world.finance, Interface.WEB), {"name": "returns"})
    world.finance.is_active = False
    world.finance.save()
    _refused(client, issued.secret)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_refused_token_changes_nothing(client: Client, world: World, method: str) -> None:
    events = AuditEvent.objects.count()
    send = getattr(client, method)
    response = send(
        f"{API}/organisations",
        *(["{}"] if method == "post" else []),
        **({"content_type": "application/json"} if method == "post" else {}),
        headers=bearer("cp_0123abcd_" + "A" * 43),
    )
    assert response.status_code == 401
    assert AuditEvent.objects.count() == events


def test_using_a_token_records_when(token_as, world: World) -> None:
    api = token_as(world.finance)
    token = ApiToken.objects.get(user=world.finance)
    assert token.last_used_at is None
    api.get("/me")
    token.refresh_from_db()
    assert token.last_used_at is not None
